import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionRegistry } from '../../src/functions/index.js';
import { processingLogTopic } from '../../src/runtime/processing-log.js';
import { BIGINT, INTEGER, STRING, col, makeEnv, produce, readJson, register, removeDir, run, source } from './helpers.js';

test('CSAS filters and projects JSON records end to end', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('ID', BIGINT), col('NAME', STRING)]));
    run(env, "CREATE STREAM OUTPUT AS SELECT K, ID * 2 AS DOUBLED, UCASE(NAME) AS NAME FROM INPUT WHERE ID > 1;", 'CSAS_OUTPUT_0');
    await produce(env, 'input', [
      { key: 'a', value: { ID: 1, NAME: 'x' }, timestamp: 10 },
      { key: 'b', value: { id: 2, name: 'y' }, timestamp: 20 },
      { key: 'c', value: { ID: 3, NAME: null }, timestamp: 30 },
    ]);
    await env.service.drain();
    assert.deepEqual(await readJson(env, 'OUTPUT'), [
      { key: 'b', value: { DOUBLED: 4, NAME: 'Y' }, timestamp: 20, headers: [] },
      { key: 'c', value: { DOUBLED: 6, NAME: null }, timestamp: 30, headers: [] },
    ]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('bad records go to the processing log and the query keeps running', async () => {
  const env = await makeEnv();
  try {
    const plTopic = processingLogTopic(env.ctx.properties);
    await env.log.createTopic(plTopic, { partitions: 1 });
    await register(env, source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('ID', INTEGER), col('S', STRING)]));
    const { running } = run(env, 'CREATE STREAM OUTPUT AS SELECT K, ID, CAST(S AS INTEGER) AS N FROM INPUT;', 'CSAS_OUTPUT_0');
    await produce(env, 'input', [
      { key: 'a', value: '{not json' },
      { key: 'b', value: { ID: 'seven', S: '1' } },
      { key: 'c', value: { ID: 3, S: 'x' } },
      { key: 'd', value: { ID: 4, S: '5' } },
    ]);
    await env.service.drain();
    assert.equal(running.state, 'RUNNING');
    const out = await readJson(env, 'OUTPUT');
    assert.deepEqual(
      out.map((r) => [r.key, r.value]),
      [
        ['c', { ID: 3, N: null }],
        ['d', { ID: 4, N: 5 }],
      ],
    );
    const entries = (await readJson(env, plTopic)).map((r) => r.value as { LOGGER: string; MESSAGE: { TYPE: number; DESERIALIZATIONERROR: { TARGET: string; topic: string } | null; RECORDPROCESSINGERROR: { ERRORMESSAGE: string } | null } });
    const deser = entries.filter((e) => e.MESSAGE.TYPE === 0);
    const processing = entries.filter((e) => e.MESSAGE.TYPE === 1);
    assert.equal(deser.length, 2);
    assert.equal(deser[0]!.MESSAGE.DESERIALIZATIONERROR!.TARGET, 'value');
    assert.equal(deser[0]!.MESSAGE.DESERIALIZATIONERROR!.topic, 'input');
    assert.match(deser[0]!.LOGGER, /^processing\.CSAS_OUTPUT_0\./);
    assert.equal(processing.length, 1);
    assert.match(processing[0]!.MESSAGE.RECORDPROCESSINGERROR!.ERRORMESSAGE, /CAST\(S AS INTEGER\)/);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('PARTITION BY re-keys, pseudo columns and headers flow through', async () => {
  const env = await makeEnv();
  try {
    await register(
      env,
      source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('ID', INTEGER), col('NAME', STRING), col('H', { base: 'BYTES' }, 'HEADER', 'abc')]),
      2,
    );
    run(env, 'CREATE STREAM OUTPUT AS SELECT NAME, K, ID, ROWPARTITION AS P, ROWOFFSET AS O, ROWTIME AS T, H FROM INPUT PARTITION BY NAME;', 'CSAS_OUTPUT_0');
    await produce(env, 'input', [
      { key: 'a', value: { ID: 1, NAME: 'n1' }, timestamp: 5, partition: 1, headers: [{ key: 'abc', value: Buffer.from('!') }] },
      { key: 'b', value: { ID: 2, NAME: 'n2' }, timestamp: 6, partition: 1 },
    ]);
    await env.service.drain();
    const out = (await readJson(env, 'OUTPUT')).sort((x, y) => (x.value as { ID: number }).ID - (y.value as { ID: number }).ID);
    assert.deepEqual(out[0], {
      key: 'n1',
      value: { K: 'a', ID: 1, P: 1, O: 0, T: 5, H: 'IQ==' },
      timestamp: 5,
      headers: [{ key: 'abc', value: Buffer.from('!') }],
    });
    assert.deepEqual(out[1]!.key, 'n2');
    assert.deepEqual(out[1]!.value, { K: 'b', ID: 2, P: 1, O: 1, T: 6, H: null });
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

const hasExplode = functionRegistry.kindOf('EXPLODE') === 'TABLE';

test('EXPLODE zips table functions and INSERT INTO feeds another stream', { skip: !hasExplode && 'EXPLODE is not in the function library yet' }, async () => {
  const env = await makeEnv();
  try {
    await register(env, source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('A', { base: 'ARRAY', item: BIGINT }), col('B', { base: 'ARRAY', item: BIGINT })]));
    await register(env, source('OTHER', 'STREAM', [col('K', STRING, 'KEY'), col('X', BIGINT), col('Y', BIGINT)]));
    run(env, 'CREATE STREAM OUTPUT AS SELECT K, EXPLODE(A) AS X, EXPLODE(B) AS Y FROM INPUT;', 'CSAS_OUTPUT_0');
    run(env, 'INSERT INTO OUTPUT SELECT K, X, Y FROM OTHER;', 'INSERTQUERY_1');
    await produce(env, 'input', [{ key: 'k', value: { A: [1, 2], B: [10, 11, 12] } }]);
    await produce(env, 'other', [{ key: 'o', value: { X: 7, Y: 8 } }]);
    await env.service.drain();
    const out = (await readJson(env, 'OUTPUT')).map((r) => [r.key, r.value]);
    assert.deepEqual(out, [
      ['k', { X: 1, Y: 10 }],
      ['k', { X: 2, Y: 11 }],
      ['k', { X: null, Y: 12 }],
      ['o', { X: 7, Y: 8 }],
    ]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('a restarted query resumes from its committed offsets without skipping input', async () => {
  const env = await makeEnv();
  const dir = env.dir;
  try {
    await register(env, source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('ID', INTEGER)]), 2);
    const first = run(env, 'CREATE STREAM OUTPUT AS SELECT K, ID FROM INPUT;', 'CSAS_OUTPUT_0');
    await produce(env, 'input', [1, 2, 3].map((i) => ({ key: `k${i}`, value: { ID: i } })));
    await env.service.drain();
    await first.running.stop(false);
    await produce(env, 'input', [4, 5].map((i) => ({ key: `k${i}`, value: { ID: i } })));
    await env.close();

    const again = await makeEnv({ 'auto.offset.reset': 'latest' }, dir);
    try {
      await register(again, source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('ID', INTEGER)]), 2);
      run(again, 'CREATE STREAM OUTPUT AS SELECT K, ID FROM INPUT;', 'CSAS_OUTPUT_0');
      await produce(again, 'input', [{ key: 'k6', value: { ID: 6 } }]);
      await again.service.drain();
      const ids = (await readJson(again, 'OUTPUT')).map((r) => (r.value as { ID: number }).ID).sort();
      assert.deepEqual(ids, [1, 2, 3, 4, 5, 6]);
    } finally {
      await again.close();
    }
  } finally {
    removeDir(dir);
  }
});

test('auto.offset.reset=latest skips records produced before the query started', async () => {
  const env = await makeEnv({ 'auto.offset.reset': 'latest' });
  try {
    await register(env, source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('ID', INTEGER)]));
    await produce(env, 'input', [{ key: 'old', value: { ID: 1 } }]);
    const { running } = run(env, 'CREATE STREAM OUTPUT AS SELECT K, ID FROM INPUT;', 'CSAS_OUTPUT_0');
    await env.service.drain();
    await produce(env, 'input', [{ key: 'new', value: { ID: 2 } }]);
    await env.service.drain();
    assert.deepEqual((await readJson(env, 'OUTPUT')).map((r) => r.key), ['new']);
    running.pause();
    assert.equal(running.state, 'PAUSED');
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
