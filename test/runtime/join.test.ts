import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BIGINT, INTEGER, STRING, col, makeEnv, produce, readJson, register, removeDir, run, source, type Env } from './helpers.js';

async function withEnv(fn: (env: Env) => Promise<void>): Promise<void> {
  const env = await makeEnv();
  try {
    await fn(env);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

/** Produces one record at a time and drains after each, so the order across topics is the produce order. */
async function feed(env: Env, records: { topic: string; key: string | null; value: unknown; timestamp: number }[]): Promise<void> {
  for (const r of records) {
    await produce(env, r.topic, [{ key: r.key, value: r.value, timestamp: r.timestamp }]);
    await env.service.drain();
  }
}

const outputs = async (env: Env, topic: string) => (await readJson(env, topic)).map((r) => [r.key, r.value, r.timestamp]);

test('stream-table left join looks up the table state at each stream record', async () => {
  await withEnv(async (env) => {
    await register(env, source('ORDERS', 'STREAM', [col('ID', STRING, 'KEY'), col('CUSTOMER', STRING), col('AMOUNT', INTEGER)]));
    await register(env, source('CUSTOMERS', 'TABLE', [col('ID', STRING, 'KEY'), col('NAME', STRING)]));
    const { plan } = run(
      env,
      'CREATE STREAM ENRICHED AS SELECT O.CUSTOMER, O.AMOUNT, C.NAME FROM ORDERS O LEFT JOIN CUSTOMERS C ON O.CUSTOMER = C.ID;',
      'CSAS_ENRICHED_0',
    );
    assert.equal(plan.sink.schema.key[0]!.name, 'CUSTOMER');
    await feed(env, [
      { topic: 'orders', key: 'o1', value: { CUSTOMER: 'c1', AMOUNT: 5 }, timestamp: 1 },
      { topic: 'customers', key: 'c1', value: { NAME: 'Ann' }, timestamp: 2 },
      { topic: 'orders', key: 'o2', value: { CUSTOMER: 'c1', AMOUNT: 7 }, timestamp: 3 },
      { topic: 'customers', key: 'c1', value: null, timestamp: 4 },
      { topic: 'orders', key: 'o3', value: { CUSTOMER: 'c1', AMOUNT: 9 }, timestamp: 5 },
    ]);
    assert.deepEqual(await outputs(env, 'ENRICHED'), [
      ['c1', { AMOUNT: 5, NAME: null }, 1],
      ['c1', { AMOUNT: 7, NAME: 'Ann' }, 3],
      ['c1', { AMOUNT: 9, NAME: null }, 5],
    ]);
  });
});

test('stream-stream inner join matches records within the window, stamped with the later time', async () => {
  await withEnv(async (env) => {
    await register(env, source('L', 'STREAM', [col('K', STRING, 'KEY'), col('A', STRING)]));
    await register(env, source('R', 'STREAM', [col('K', STRING, 'KEY'), col('B', STRING)]));
    run(env, 'CREATE STREAM J AS SELECT L.K, A, B FROM L JOIN R WITHIN (1 SECOND, 2 SECONDS) ON L.K = R.K;', 'CSAS_J_0');
    await feed(env, [
      { topic: 'l', key: '1', value: { A: 'a1' }, timestamp: 10_000 },
      { topic: 'r', key: '1', value: { B: 'in-after' }, timestamp: 12_000 },
      { topic: 'r', key: '1', value: { B: 'too-late' }, timestamp: 12_001 },
      { topic: 'r', key: '1', value: { B: 'in-before' }, timestamp: 9_000 },
      { topic: 'r', key: '2', value: { B: 'other-key' }, timestamp: 10_000 },
    ]);
    assert.deepEqual(await outputs(env, 'J'), [
      ['1', { A: 'a1', B: 'in-after' }, 12_000],
      ['1', { A: 'a1', B: 'in-before' }, 10_000],
    ]);
  });
});

test('stream-stream full outer join with a grace period reports unmatched records once their window closes', async () => {
  await withEnv(async (env) => {
    await register(env, source('L', 'STREAM', [col('K', STRING, 'KEY'), col('A', STRING)]));
    await register(env, source('R', 'STREAM', [col('K', STRING, 'KEY'), col('B', STRING)]));
    const { plan } = run(
      env,
      'CREATE STREAM J AS SELECT ROWKEY AS ID, A, B FROM L FULL OUTER JOIN R WITHIN 1 SECOND GRACE PERIOD 1 SECOND ON L.K = R.K;',
      'CSAS_J_0',
    );
    assert.equal(plan.sink.schema.key[0]!.name, 'ID');
    await feed(env, [
      { topic: 'l', key: '1', value: { A: 'lonely' }, timestamp: 1_000 },
      { topic: 'r', key: '2', value: { B: 'r2' }, timestamp: 1_500 },
      { topic: 'l', key: '2', value: { A: 'l2' }, timestamp: 1_600 },
      // Advances stream time past 1000 + 1000 + 1000: key 1 is reported unmatched.
      { topic: 'l', key: '9', value: { A: 'late-comer' }, timestamp: 3_500 },
    ]);
    assert.deepEqual(await outputs(env, 'J'), [
      ['2', { A: 'l2', B: 'r2' }, 1_600],
      ['1', { A: 'lonely', B: null }, 1_000],
    ]);
  });
});

test('table-table outer join follows upserts and deletes of both sides', async () => {
  await withEnv(async (env) => {
    await register(env, source('T1', 'TABLE', [col('ID', STRING, 'KEY'), col('X', STRING)]));
    await register(env, source('T2', 'TABLE', [col('ID', STRING, 'KEY'), col('Y', STRING)]));
    run(env, 'CREATE TABLE J AS SELECT ROWKEY AS ID, X, Y FROM T1 FULL OUTER JOIN T2 ON T1.ID = T2.ID;', 'CTAS_J_0');
    await feed(env, [
      { topic: 't1', key: '1', value: { X: 'x1' }, timestamp: 1 },
      { topic: 't2', key: '1', value: { Y: 'y1' }, timestamp: 2 },
      { topic: 't1', key: '1', value: null, timestamp: 3 },
      { topic: 't2', key: '1', value: null, timestamp: 4 },
    ]);
    assert.deepEqual(await outputs(env, 'J'), [
      ['1', { X: 'x1', Y: null }, 1],
      ['1', { X: 'x1', Y: 'y1' }, 2],
      ['1', { X: null, Y: 'y1' }, 3],
      ['1', null, 4],
    ]);
  });
});

test('foreign-key join re-emits every left row (in key order) when the right row changes', async () => {
  await withEnv(async (env) => {
    await register(env, source('ORDERS', 'TABLE', [col('ID', STRING, 'KEY'), col('CUSTOMER', STRING)]));
    await register(env, source('CUSTOMERS', 'TABLE', [col('ID', STRING, 'KEY'), col('NAME', STRING)]));
    run(env, 'CREATE TABLE J AS SELECT O.ID, NAME FROM ORDERS O JOIN CUSTOMERS C ON O.CUSTOMER = C.ID;', 'CTAS_J_0');
    await feed(env, [
      { topic: 'customers', key: '7', value: { NAME: 'Ann' }, timestamp: 1 },
      { topic: 'orders', key: '20', value: { CUSTOMER: '7' }, timestamp: 2 },
      { topic: 'orders', key: '3', value: { CUSTOMER: '7' }, timestamp: 3 },
      { topic: 'customers', key: '7', value: { NAME: 'Bo' }, timestamp: 4 },
      { topic: 'customers', key: '7', value: null, timestamp: 5 },
    ]);
    assert.deepEqual(await outputs(env, 'J'), [
      ['20', { NAME: 'Ann' }, 2],
      ['3', { NAME: 'Ann' }, 3],
      ['20', { NAME: 'Bo' }, 4],
      ['3', { NAME: 'Bo' }, 4],
      ['20', null, 5],
      ['3', null, 5],
    ]);
  });
});

test('join state survives a restart of the query', async () => {
  const env = await makeEnv();
  const dir = env.dir;
  const defs = async (e: Env) => {
    await register(e, source('L', 'STREAM', [col('K', STRING, 'KEY'), col('A', STRING)]));
    await register(e, source('R', 'STREAM', [col('K', STRING, 'KEY'), col('B', STRING)]));
  };
  const sql = 'CREATE STREAM J AS SELECT L.K, A, B FROM L JOIN R WITHIN 1 MINUTE ON L.K = R.K;';
  try {
    await defs(env);
    const first = run(env, sql, 'CSAS_J_0');
    await feed(env, [{ topic: 'l', key: '1', value: { A: 'before restart' }, timestamp: 1_000 }]);
    await first.running.stop(false);
    await env.close();

    const again = await makeEnv({ 'auto.offset.reset': 'latest' }, dir);
    try {
      await defs(again);
      run(again, sql, 'CSAS_J_0');
      await feed(again, [{ topic: 'r', key: '1', value: { B: 'after restart' }, timestamp: 2_000 }]);
      assert.deepEqual(await outputs(again, 'J'), [['1', { A: 'before restart', B: 'after restart' }, 2_000]]);
    } finally {
      await again.close();
    }
  } finally {
    removeDir(dir);
  }
});

test('invalid joins are rejected with ksqlDB messages', async () => {
  await withEnv(async (env) => {
    await register(env, source('S', 'STREAM', [col('ID', INTEGER, 'KEY'), col('V', STRING)]));
    await register(env, source('T', 'TABLE', [col('ID', INTEGER, 'KEY'), col('V', STRING)]));
    await register(env, source('U', 'TABLE', [col('ID', BIGINT, 'KEY'), col('W', STRING)]));
    const fails = (sql: string, message: string | RegExp) => assert.throws(() => run(env, sql, 'CSAS_X_0'), (e: Error) => (typeof message === 'string' ? e.message.includes(message) : message.test(e.message)));
    fails('CREATE STREAM X AS SELECT * FROM T JOIN S ON T.ID = S.ID;', 'Invalid join order: table-stream joins are not supported; only stream-table joins. Got T [INNER] JOIN S.');
    fails('CREATE STREAM X AS SELECT * FROM S JOIN T ON S.ID = T.V;', "stream-table joins require to join on the table's primary key. Got S.ID = T.V.");
    fails('CREATE STREAM X AS SELECT * FROM S FULL JOIN T ON S.ID = T.ID;', 'Invalid join type: full-outer join not supported for stream-table join.');
    fails('CREATE TABLE X AS SELECT * FROM T JOIN U ON T.ID = U.ID;', "Invalid join condition: types don't match. Got T.ID{INTEGER} = U.ID{BIGINT}.");
    fails('CREATE STREAM X AS SELECT * FROM S JOIN S ON S.ID = S.ID;', "Can not join 'S' to 'S': self joins are not yet supported.");
    fails('CREATE STREAM X AS SELECT S.V FROM S JOIN T ON S.ID = T.ID;', 'must include the join expressions S.ID or T.ID in its projection');
    fails('CREATE STREAM X AS SELECT S.ID, V FROM S JOIN T ON S.ID = T.ID;', "Column 'V' is ambiguous. Could be S.V or T.V.");
    fails('CREATE STREAM X AS SELECT * FROM S JOIN T ON S.ID = 0;', "Invalid comparison expression '0' in join '(S.ID = 0)'.");
  });
});
