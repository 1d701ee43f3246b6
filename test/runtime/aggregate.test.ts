import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { deserializeWindowedKey } from '../../src/serde/windowed.js';
import { BIGINT, INTEGER, STRING, col, collect, makeEnv, parse, produce, readAll, readJson, register, removeDir, run, source } from './helpers.js';

test('GROUP BY over a stream: key schema, changelog output, HAVING tombstones and pull queries', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('REGION', STRING), col('V', BIGINT)]));
    const { plan } = run(
      env,
      'CREATE TABLE T AS SELECT REGION, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY REGION HAVING COUNT(*) < 3;',
      'CTAS_T_0',
    );
    assert.equal(plan.sink.sourceType, 'TABLE');
    assert.deepEqual(
      plan.sink.schema.key.map((c) => c.name),
      ['REGION'],
    );
    assert.deepEqual(
      plan.sink.schema.value.map((c) => c.name),
      ['N', 'TOTAL'],
    );
    await produce(env, 's', [
      { key: 'a', value: { REGION: 'east', V: 1 }, timestamp: 10 },
      { key: 'b', value: { REGION: 'west', V: 2 }, timestamp: 11 },
      { key: 'c', value: { REGION: 'east', V: 3 }, timestamp: 5 },
      { key: 'd', value: { REGION: null, V: 4 }, timestamp: 12 },
      { key: 'e', value: { REGION: 'east', V: 5 }, timestamp: 13 },
    ]);
    await env.service.drain();
    const out = await readJson(env, 'T');
    assert.deepEqual(
      out.map((r) => [r.key, r.value, r.timestamp]),
      [
        ['east', { N: 1, TOTAL: 1 }, 10],
        ['west', { N: 1, TOTAL: 2 }, 11],
        // the result keeps the latest timestamp of the group
        ['east', { N: 2, TOTAL: 4 }, 10],
        // HAVING no longer holds: the previous result is retracted
        ['east', null, 13],
      ],
    );
    const pull = await env.service.runTransient(parse<SelectStatement>('SELECT * FROM T;'), env.ctx);
    assert.deepEqual(await collect(pull.items), [{ row: ['west', 1, 2] }]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('GROUP BY over a table retracts updated and deleted rows', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('T', 'TABLE', [col('ID', STRING, 'KEY'), col('NAME', STRING), col('V', INTEGER)]));
    run(env, 'CREATE TABLE C AS SELECT NAME, COUNT(1) AS N, SUM(V) AS S FROM T GROUP BY NAME;', 'CTAS_C_0');
    await produce(env, 't', [
      { key: '0', value: { NAME: 'bob', V: 1 } },
      { key: '0', value: { NAME: 'john', V: 2 } },
      { key: '1', value: { NAME: 'john', V: 3 } },
      { key: '1', value: { NAME: 'john', V: 10 } },
      { key: '1', value: null },
    ]);
    await env.service.drain();
    assert.deepEqual(
      (await readJson(env, 'C')).map((r) => [r.key, r.value]),
      [
        ['bob', { N: 1, S: 1 }],
        ['bob', { N: 0, S: 0 }],
        ['john', { N: 1, S: 2 }],
        ['john', { N: 2, S: 5 }],
        ['john', { N: 2, S: 12 }],
        ['john', { N: 1, S: 2 }],
      ],
    );
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('invalid aggregations get ksqlDB messages', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('A', INTEGER), col('B', INTEGER)]));
    const plan = (sql: string) => env.service.planPersistent(parse(sql), 'Q', env.ctx);
    assert.throws(() => plan('CREATE TABLE X AS SELECT A, B, COUNT(*) FROM S GROUP BY A + B;'), {
      message: /Non-aggregate SELECT expression\(s\) not part of GROUP BY: A, B/,
    });
    assert.throws(() => plan('CREATE TABLE X AS SELECT COUNT(*) FROM S GROUP BY A, B;'), {
      message: /must include the grouping expressions A and B in its projection \(eg, SELECT A, B\.\.\.\)/,
    });
    assert.throws(() => plan('CREATE TABLE X AS SELECT A, B FROM S GROUP BY A;'), {
      message: /GROUP BY requires aggregate functions in either the SELECT or HAVING clause/,
    });
    assert.throws(() => plan('CREATE TABLE X AS SELECT A, COUNT(*) FROM S GROUP BY A EMIT FINAL;'), {
      message: /EMIT FINAL is only supported for windowed aggregations/,
    });
    assert.throws(() => plan('CREATE TABLE X AS SELECT SUM(A), COUNT(*) FROM S GROUP BY SUM(A);'), {
      message: /GROUP BY does not support aggregate functions: SUM is an aggregate function/,
    });
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('tumbling windows: windowed keys, late records dropped after grace, EMIT FINAL', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    const { plan } = run(
      env,
      'CREATE TABLE W AS SELECT ID, COUNT(*) AS N, WINDOWSTART AS WS FROM S WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY ID;',
      'CTAS_W_0',
    );
    assert.deepEqual(plan.sink.keyFormat.window, { type: 'TUMBLING', sizeMs: 10 });
    run(
      env,
      'CREATE TABLE F AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY ID EMIT FINAL;',
      'CTAS_F_0',
    );
    await produce(env, 's', [
      { key: 'a', value: { V: 1 }, timestamp: 1 },
      { key: 'a', value: { V: 1 }, timestamp: 9 },
      { key: 'a', value: { V: 1 }, timestamp: 12 },
      { key: 'a', value: { V: 1 }, timestamp: 16 },
      // window [0, 10) closed for grace 5 once stream time reached 15: dropped
      { key: 'a', value: { V: 1 }, timestamp: 3 },
      { key: 'a', value: { V: 1 }, timestamp: 20 },
    ]);
    await env.service.drain();
    const windowed = (await readAll(env, 'W')).map((r) => {
      const { key, window } = deserializeWindowedKey(r.key!, 'TUMBLING', 10);
      return [key.toString(), window.start, window.end, JSON.parse(r.value!.toString())];
    });
    assert.deepEqual(windowed, [
      ['a', 0, 10, { N: 1, WS: 0 }],
      ['a', 0, 10, { N: 2, WS: 0 }],
      ['a', 10, 20, { N: 1, WS: 10 }],
      ['a', 10, 20, { N: 2, WS: 10 }],
      ['a', 20, 30, { N: 1, WS: 20 }],
    ]);
    const final = (await readAll(env, 'F')).map((r) => {
      const { key, window } = deserializeWindowedKey(r.key!, 'TUMBLING', 10);
      return [key.toString(), window.start, JSON.parse(r.value!.toString()), r.timestamp];
    });
    assert.deepEqual(final, [
      ['a', 0, { N: 2 }, 9],
      ['a', 10, { N: 2 }, 16],
    ]);
    const pull = await env.service.runTransient(parse<SelectStatement>("SELECT * FROM W WHERE ID = 'a' AND WINDOWSTART >= 10;"), env.ctx);
    assert.equal(pull.header.schema, '`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `N` BIGINT, `WS` BIGINT');
    assert.deepEqual(await collect(pull.items), [{ row: ['a', 10, 20, 2, 10] }, { row: ['a', 20, 30, 1, 20] }]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('session windows merge sessions within the gap and retract the merged ones', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    run(env, 'CREATE TABLE SS AS SELECT ID, SUM(V) AS T FROM S WINDOW SESSION (20 MILLISECONDS) GROUP BY ID;', 'CTAS_SS_0');
    await produce(env, 's', [
      { key: 'a', value: { V: 1 }, timestamp: 0 },
      { key: 'a', value: { V: 2 }, timestamp: 30 },
      { key: 'a', value: { V: 4 }, timestamp: 15 },
    ]);
    await env.service.drain();
    const out = (await readAll(env, 'SS')).map((r) => {
      const { key, window } = deserializeWindowedKey(r.key!, 'SESSION');
      return [key.toString(), window.start, window.end, r.value === null ? null : JSON.parse(r.value.toString())];
    });
    assert.deepEqual(out, [
      ['a', 0, 0, { T: 1 }],
      ['a', 30, 30, { T: 2 }],
      ['a', 0, 0, null],
      ['a', 30, 30, null],
      ['a', 0, 30, { T: 7 }],
    ]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('aggregation state survives a restart', async () => {
  const env = await makeEnv();
  const dir = env.dir;
  const input = () => source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]);
  const sql = 'CREATE TABLE T AS SELECT ID, COUNT(*) AS N FROM S GROUP BY ID;';
  try {
    await register(env, input());
    const first = run(env, sql, 'CTAS_T_0');
    await produce(env, 's', [{ key: 'a', value: { V: 1 } }, { key: 'a', value: { V: 1 } }]);
    await env.service.drain();
    await first.running.stop(false);
    await env.close();

    const again = await makeEnv({ 'auto.offset.reset': 'earliest' }, dir);
    try {
      await register(again, input());
      run(again, sql, 'CTAS_T_0');
      await produce(again, 's', [{ key: 'a', value: { V: 1 } }]);
      await again.service.drain();
      const counts = (await readJson(again, 'T')).map((r) => (r.value as { N: number }).N);
      assert.deepEqual(counts, [1, 2, 3]);
    } finally {
      await again.close();
    }
  } finally {
    removeDir(dir);
  }
});

test('transient push query aggregating without GROUP BY emits each change', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    await produce(env, 's', [
      { key: 'a', value: { V: 2 } },
      { key: 'b', value: { V: 3 } },
    ]);
    const push = await env.service.runTransient(parse<SelectStatement>('SELECT SUM(V) AS S, COUNT(*) AS N FROM S EMIT CHANGES LIMIT 2;'), env.ctx);
    assert.equal(push.header.schema, '`S` INTEGER, `N` BIGINT');
    assert.deepEqual(await collect(push.items), [{ row: [2, 1] }, { row: [5, 2] }]);
    assert.equal(await push.finalMessage, 'Limit Reached');
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('EMIT FINAL after a jump: every window by default; under ksqlDB\'s rule windows that expired from retention before they closed are dropped', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    const select = 'SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) GROUP BY ID EMIT FINAL;';
    run(env, `CREATE TABLE F AS ${select}`, 'CTAS_F_0');
    env.ctx.properties = { ...env.ctx.properties, 'ksql.suppress.emit.expired.windows': false };
    run(env, `CREATE TABLE STRICT AS ${select}`, 'CTAS_STRICT_0');
    await produce(env, 's', [0, 1, 2, 1, 5].map((ts) => ({ key: 'k', value: { V: 1 }, timestamp: ts })));
    await env.service.drain();
    const windows = async (table: string) =>
      (await readAll(env, table)).map((r) => {
        const { window } = deserializeWindowedKey(r.key!, 'TUMBLING', 2);
        return [window.start, JSON.parse(r.value!.toString()), r.timestamp];
      });
    // Stream time jumps from 2 to 5, past the close of [0,2) (at 3) and of [2,4) (at 5).
    assert.deepEqual(await windows('F'), [
      [0, { N: 3 }, 1],
      [2, { N: 1 }, 2],
    ]);
    // ksqlDB: [0,2) starts more than a retention (size + grace = 3) before the latest window
    // start put (4), so only [2,4) is emitted.
    assert.deepEqual(await windows('STRICT'), [[2, { N: 1 }, 2]]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
