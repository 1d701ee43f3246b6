// Persistent queries in worker threads (eddy.query.threads > 1): the same outputs as the
// main-thread query, restarts from committed offsets, read-committed input, processing-log
// entries and failures from the workers, exactly-once cycles, and which queries stay in
// the main thread.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processingLogTopic } from '../../src/runtime/processing-log.js';
import { ThreadedQuery } from '../../src/runtime/threads/threaded-query.js';
import { BIGINT, STRING, col, makeEnv, produce, readAll, readJson, register, removeDir, run, source, type Env, type JsonRecord } from './helpers.js';

const THREADS = { 'eddy.query.threads': 2 };
const CSAS = 'CREATE STREAM OUTPUT AS SELECT K, ID * 10 AS TENFOLD, UCASE(NAME) AS NAME FROM INPUT WHERE ID % 3 <> 0;';

function inputs(from: number, to: number): JsonRecord[] {
  const out: JsonRecord[] = [];
  for (let i = from; i < to; i++) out.push({ key: `k${i % 16}`, value: { ID: i, NAME: `n${i}` }, timestamp: 1000 + i, partition: i % 4 });
  return out;
}

async function inputStream(env: Env): Promise<void> {
  await register(env, source('INPUT', 'STREAM', [col('K', STRING, 'KEY'), col('ID', BIGINT), col('NAME', STRING)]), 4);
}

/** The sink's records as (key, value, timestamp), sorted, and per key in the order they were written. */
async function outputs(env: Env) {
  const rows = await readJson(env, 'OUTPUT');
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const ids = byKey.get(r.key!) ?? [];
    ids.push((r.value as { TENFOLD: number }).TENFOLD);
    byKey.set(r.key!, ids);
  }
  const all = rows.map((r) => JSON.stringify([r.key, r.value, r.timestamp])).sort();
  return { all, byKey };
}

async function runOnce(properties: Record<string, unknown>, count: number) {
  const env = await makeEnv(properties);
  try {
    await inputStream(env);
    await produce(env, 'input', inputs(0, count));
    const { running } = run(env, CSAS, 'CSAS_OUTPUT_0');
    await env.service.drain();
    assert.equal(running.state, 'RUNNING');
    return { kind: running.constructor.name, ...(await outputs(env)), partitions: (await env.log.describeTopic('OUTPUT'))!.partitions };
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

test('a stateless query in two worker threads writes what the main-thread query writes', async () => {
  const one = await runOnce({}, 3000);
  const two = await runOnce(THREADS, 3000);
  assert.equal(one.kind, 'PersistentQuery');
  assert.equal(two.kind, 'ThreadedQuery');
  assert.equal(two.partitions, 4);
  assert.equal(two.all.length, 2000);
  assert.deepEqual(two.all, one.all);
  // A key is in one source partition (16 keys over 4), so its order survives the threads.
  for (const [key, ids] of two.byKey) assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `order of key ${key}`);
});

test('a threaded query resumes from its committed offsets after a restart', async () => {
  const first = await makeEnv(THREADS);
  const dir = first.dir;
  try {
    await inputStream(first);
    await produce(first, 'input', inputs(0, 600));
    const { running } = run(first, CSAS, 'CSAS_OUTPUT_0');
    assert.ok(running instanceof ThreadedQuery);
    await first.service.drain();
    await running.stop(false);
    await first.close();

    const second = await makeEnv(THREADS, dir);
    try {
      await inputStream(second);
      await produce(second, 'input', inputs(600, 1200));
      run(second, CSAS, 'CSAS_OUTPUT_0');
      await second.service.drain();
      const ids = (await readJson(second, 'OUTPUT')).map((r) => (r.value as { TENFOLD: number }).TENFOLD / 10).sort((a, b) => a - b);
      const expected = inputs(0, 1200)
        .map((r) => (r.value as { ID: number }).ID)
        .filter((id) => id % 3 !== 0);
      assert.deepEqual(ids, expected);
    } finally {
      await second.close();
    }
  } finally {
    removeDir(dir);
  }
});

test('a threaded query reads committed input only: aborted transactions and markers are skipped', async () => {
  const env = await makeEnv(THREADS);
  try {
    await inputStream(env);
    const encode = (rs: JsonRecord[]) => rs.map((r) => ({ key: Buffer.from(r.key!), value: Buffer.from(JSON.stringify(r.value)), partition: r.partition! }));
    const aborted = await env.log.beginTransaction('other-producer');
    await aborted.produce('input', encode(inputs(0, 8).map((r) => ({ ...r, value: { ID: 1000 + (r.value as { ID: number }).ID, NAME: 'aborted' } }))));
    await aborted.abort();
    const committed = await env.log.beginTransaction('other-producer');
    await committed.produce('input', encode(inputs(0, 8)));
    await committed.commit();
    run(env, CSAS, 'CSAS_OUTPUT_0');
    await env.service.drain();
    const names = (await readJson(env, 'OUTPUT')).map((r) => (r.value as { NAME: string }).NAME).sort();
    assert.deepEqual(names, ['N1', 'N2', 'N4', 'N5', 'N7']);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('processing-log entries of a worker reach the processing log, and the query keeps running', async () => {
  const env = await makeEnv(THREADS);
  try {
    const plTopic = processingLogTopic(env.ctx.properties);
    await env.log.createTopic(plTopic, { partitions: 1 });
    await inputStream(env);
    const { running } = run(env, CSAS, 'CSAS_OUTPUT_0');
    await produce(env, 'input', [
      { key: 'a', value: '{not json', partition: 1 },
      { key: 'b', value: { ID: 4, NAME: 'x' }, partition: 2 },
    ]);
    await env.service.drain();
    assert.equal(running.state, 'RUNNING');
    assert.deepEqual((await readJson(env, 'OUTPUT')).map((r) => r.key), ['b']);
    const entries = (await readJson(env, plTopic)).map((r) => r.value as { LOGGER: string; MESSAGE: { TYPE: number; DESERIALIZATIONERROR: { topic: string } | null } });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.MESSAGE.TYPE, 0);
    assert.equal(entries[0]!.MESSAGE.DESERIALIZATIONERROR!.topic, 'input');
    assert.match(entries[0]!.LOGGER, /^processing\.CSAS_OUTPUT_0\./);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('a record a worker may not skip puts the query in ERROR with its message', async () => {
  const env = await makeEnv({ ...THREADS, 'ksql.fail.on.deserialization.error': true });
  try {
    await inputStream(env);
    const { running } = run(env, CSAS, 'CSAS_OUTPUT_0');
    await produce(env, 'input', [{ key: 'a', value: '{not json', partition: 3 }]);
    for (let i = 0; i < 100 && running.state !== 'ERROR'; i++) await env.service.drain().then(() => new Promise((r) => setTimeout(r, 20)));
    assert.equal(running.state, 'ERROR');
    assert.match(String((running as ThreadedQuery).error?.message), /deserializ/i);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('paused, a threaded query reads nothing; resumed, it catches up; stopped, its workers are released', async () => {
  const env = await makeEnv(THREADS);
  try {
    await inputStream(env);
    const { running } = run(env, CSAS, 'CSAS_OUTPUT_0');
    await produce(env, 'input', inputs(0, 30));
    await env.service.drain();
    running.pause();
    await produce(env, 'input', inputs(30, 60));
    await env.service.drain();
    assert.equal((await readAll(env, 'OUTPUT')).length, 20);
    running.resume();
    await env.service.drain();
    assert.equal((await readAll(env, 'OUTPUT')).length, 40);
    await running.stop(false);
    await produce(env, 'input', inputs(60, 90));
    await env.service.drain();
    assert.equal((await readAll(env, 'OUTPUT')).length, 40);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

const EOS = { ...THREADS, 'processing.guarantee': 'exactly_once_v2' };

test('exactly-once in worker threads: outputs commit with the offsets, and a restart repeats none', async () => {
  const first = await makeEnv(EOS);
  const dir = first.dir;
  try {
    await inputStream(first);
    await produce(first, 'input', inputs(0, 600));
    const { running } = run(first, CSAS, 'CSAS_OUTPUT_0');
    assert.ok(running instanceof ThreadedQuery);
    await first.service.drain();
    assert.equal((await readAll(first, 'OUTPUT')).length, 400);
    const committed = await first.log.committedOffsets('_confluent-ksql-default_query_CSAS_OUTPUT_0', 'input');
    assert.deepEqual([...committed].sort((a, b) => a[0] - b[0]), [[0, 150], [1, 150], [2, 150], [3, 150]]);
    await first.close();

    const second = await makeEnv(EOS, dir);
    try {
      await inputStream(second);
      await produce(second, 'input', inputs(600, 1200));
      run(second, CSAS, 'CSAS_OUTPUT_0');
      await second.service.drain();
      const ids = (await readJson(second, 'OUTPUT')).map((r) => (r.value as { TENFOLD: number }).TENFOLD / 10).sort((a, b) => a - b);
      assert.deepEqual(ids, Array.from({ length: 1200 }, (_, i) => i).filter((i) => i % 3 !== 0));
    } finally {
      await second.close();
    }
  } finally {
    removeDir(dir);
  }
});

test('exactly-once in worker threads: a failed cycle is aborted, its outputs never visible', async () => {
  const env = await makeEnv({ ...EOS, 'ksql.fail.on.deserialization.error': true, 'commit.interval.ms': 60_000 });
  try {
    await inputStream(env);
    const good = inputs(0, 40).map((r) => ({ ...r, partition: 0 }));
    await produce(env, 'input', [...good, { key: 'bad', value: '{not json', partition: 3 }]);
    const { running } = run(env, CSAS, 'CSAS_OUTPUT_0');
    for (let i = 0; i < 100 && running.state !== 'ERROR'; i++) await env.service.drain().then(() => new Promise((r) => setTimeout(r, 20)));
    assert.equal(running.state, 'ERROR');
    await running.stop(false);
    assert.deepEqual(await readAll(env, 'OUTPUT'), []);
    const committed = await env.log.committedOffsets('_confluent-ksql-default_query_CSAS_OUTPUT_0', 'input');
    assert.deepEqual([...committed.values()], [0, 0, 0, 0]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('stateful queries stay in the main thread', async () => {
  const env = await makeEnv(THREADS);
  try {
    await inputStream(env);
    const agg = run(env, 'CREATE TABLE COUNTS AS SELECT K, COUNT(*) AS N FROM INPUT GROUP BY K;', 'CTAS_COUNTS_0');
    assert.equal(agg.running.constructor.name, 'PersistentQuery');
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('eddy.query.threads must be a whole number of threads', async () => {
  const env = await makeEnv({ 'eddy.query.threads': 'two' });
  try {
    await inputStream(env);
    assert.throws(() => run(env, CSAS, 'CSAS_OUTPUT_0'), /Invalid value 'two' for eddy.query.threads/);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('a windowed stream written from a worker thread goes by the key without its window, as from the main thread', async () => {
  const { partitionForKey } = await import('../../src/log/partitioner.js');
  const { deserializeWindowedKey, serializeWindowedKey } = await import('../../src/serde/windowed.js');
  const written = async (properties: Record<string, unknown>) => {
    const env = await makeEnv(properties);
    try {
      const window = { type: 'TUMBLING' as const, sizeMs: 1000 };
      await register(env, source('WIN', 'STREAM', [col('K', STRING, 'KEY'), col('ID', BIGINT)], { keyFormat: { format: 'KAFKA', window } }), 4);
      const records = Array.from({ length: 64 }, (_, i) => ({
        key: serializeWindowedKey(Buffer.from(`k${i % 8}`), 'TUMBLING', { start: i * 1000, end: i * 1000 + 1000 }),
        value: Buffer.from(JSON.stringify({ ID: i })),
        timestamp: i * 1000,
        partition: i % 4,
      }));
      await env.log.produce('win', records);
      const { running } = run(env, 'CREATE STREAM WOUT AS SELECT K, ID FROM WIN;', 'CSAS_WOUT_0');
      await env.service.drain();
      const out = await readAll(env, 'WOUT');
      for (const r of out) assert.equal(r.partition, partitionForKey(deserializeWindowedKey(r.key!, 'TUMBLING', 1000).key, 4));
      return { kind: running.constructor.name, count: out.length };
    } finally {
      await env.close();
      removeDir(env.dir);
    }
  };
  assert.deepEqual(await written({}), { kind: 'PersistentQuery', count: 64 });
  assert.deepEqual(await written(THREADS), { kind: 'ThreadedQuery', count: 64 });
});
