// Stream-stream joins of windowed streams, as Kafka Streams joins windowed keys: records match
// only within one window (time windows by start, sessions by start and end), the result keeps
// the left record's window in a windowed key, and each result record goes to the partition of
// its key without the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionForKey } from '../../src/log/partitioner.js';
import { deserializeWindowedKey, serializeWindowedKey, type WindowKind } from '../../src/serde/windowed.js';
import { INTEGER, STRING, col, makeEnv, readAll, register, removeDir, run, source, type Env } from './helpers.js';

const PARTITIONS = 4;

async function joined(kind: WindowKind, inputs: { topic: 'l' | 'r'; key: string; window: [number, number]; value: number; ts: number }[]) {
  const env: Env = await makeEnv();
  try {
    const window = kind === 'SESSION' ? { type: kind } : { type: kind, sizeMs: 2000 };
    for (const name of ['L', 'R']) {
      await register(env, source(name, 'STREAM', [col('K', STRING, 'KEY'), col('V', INTEGER)], { keyFormat: { format: 'KAFKA', window } }), PARTITIONS);
    }
    const { plan } = run(env, 'CREATE STREAM J AS SELECT L.K, L.V AS LV, R.V AS RV FROM L JOIN R WITHIN 1 MINUTE ON L.K = R.K;', 'CSAS_J_0');
    assert.deepEqual(plan.sink.keyFormat.window, window);
    for (const r of inputs) {
      const key = serializeWindowedKey(Buffer.from(r.key), kind, { start: r.window[0], end: r.window[1] });
      await env.log.produce(r.topic, [{ key, value: Buffer.from(JSON.stringify({ V: r.value })), timestamp: r.ts, partition: 0 }]);
      await env.service.drain();
    }
    return (await readAll(env, 'J'))
      .map((rec) => {
        const { key, window: w } = deserializeWindowedKey(rec.key!, kind, 2000);
        assert.equal(rec.partition, partitionForKey(key, PARTITIONS), 'partitioned by the key without its window');
        return [key.toString(), w.start, w.end, JSON.parse(rec.value!.toString())];
      })
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

test('tumbling-windowed streams join within the same window start', async () => {
  const out = await joined('TUMBLING', [
    { topic: 'l', key: 'a', window: [0, 2000], value: 1, ts: 0 },
    { topic: 'l', key: 'a', window: [0, 2000], value: 2, ts: 1000 },
    { topic: 'l', key: 'a', window: [2000, 4000], value: 3, ts: 2000 },
    { topic: 'r', key: 'a', window: [0, 2000], value: 4, ts: 0 },
    { topic: 'r', key: 'a', window: [2000, 4000], value: 5, ts: 2000 },
  ]);
  assert.deepEqual(out, [
    ['a', 0, 2000, { LV: 1, RV: 4 }],
    ['a', 0, 2000, { LV: 2, RV: 4 }],
    ['a', 2000, 4000, { LV: 3, RV: 5 }],
  ]);
});

test('session-windowed streams join only when both bounds agree', async () => {
  const out = await joined('SESSION', [
    { topic: 'l', key: 'a', window: [234, 765], value: 1, ts: 765 },
    { topic: 'r', key: 'a', window: [234, 567], value: 2, ts: 567 },
    { topic: 'r', key: 'a', window: [234, 765], value: 3, ts: 765 },
  ]);
  assert.deepEqual(out, [['a', 234, 765, { LV: 1, RV: 3 }]]);
});
