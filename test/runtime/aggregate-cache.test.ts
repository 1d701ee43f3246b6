// cache.max.bytes.buffering > 0: an aggregation's changes collapse per group within a commit
// interval (ksqlDB's record cache); at 0 every change is emitted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { consumerGroup } from '../../src/runtime/persistent-query.js';
import { BIGINT, STRING, col, collect, makeEnv, parse, produce, readJson, register, removeDir, run, source } from './helpers.js';

const CTAS = 'CREATE TABLE T AS SELECT REGION, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY REGION;';
const RECORDS = [
  { key: 'a', value: { REGION: 'east', V: 1 }, timestamp: 10 },
  { key: 'b', value: { REGION: 'west', V: 2 }, timestamp: 11 },
  { key: 'c', value: { REGION: 'east', V: 3 }, timestamp: 12 },
  { key: 'd', value: { REGION: 'north', V: 4 }, timestamp: 13 },
  { key: 'e', value: { REGION: 'west', V: 5 }, timestamp: 14 },
  { key: 'f', value: { REGION: 'east', V: 6 }, timestamp: 15 },
];

async function changelog(properties: Record<string, unknown>, sql = CTAS, records = RECORDS) {
  const env = await makeEnv(properties);
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('REGION', STRING), col('V', BIGINT)]));
    run(env, sql, 'CTAS_T_0');
    await produce(env, 's', records);
    await env.service.drain();
    const out = await readJson(env, 'T');
    const pull = await env.service.runTransient(parse<SelectStatement>('SELECT * FROM T;'), env.ctx);
    const rows = (await collect(pull.items)) as { row: unknown[] }[];
    return { out: out.map((r) => [r.key, r.value, r.timestamp]), table: rows.map((r) => r.row).sort((x, y) => String(x[0]).localeCompare(String(y[0]))) };
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

const FINAL_TABLE = [
  ['east', 3, 10],
  ['north', 1, 4],
  ['west', 2, 7],
];

test('with the cache off every change of every group is emitted', async () => {
  const { out, table } = await changelog({ 'cache.max.bytes.buffering': 0 });
  assert.equal(out.length, 6);
  assert.deepEqual(table, FINAL_TABLE);
});

test('with the cache on a group emits its latest result once per commit, in the order of the latest changes', async () => {
  const { out, table } = await changelog({ 'cache.max.bytes.buffering': 10_485_760, 'commit.interval.ms': 60_000 });
  assert.deepEqual(out, [
    ['north', { N: 1, TOTAL: 4 }, 13],
    ['west', { N: 2, TOTAL: 7 }, 14],
    ['east', { N: 3, TOTAL: 10 }, 15],
  ]);
  assert.deepEqual(table, FINAL_TABLE);
});

test('the ksql.streams. form of the property works too', async () => {
  const { out } = await changelog({ 'ksql.streams.cache.max.bytes.buffering': 1_000_000, 'commit.interval.ms': 60_000 });
  assert.equal(out.length, 3);
});

test('a cache over its budget flushes after each batch, still collapsing within the batch', async () => {
  const { out, table } = await changelog({ 'cache.max.bytes.buffering': 1, 'commit.interval.ms': 60_000, 'max.poll.records': 3 });
  // Batches of three records: [east, west, east] and [north, west, east].
  assert.deepEqual(out, [
    ['west', { N: 1, TOTAL: 2 }, 11],
    ['east', { N: 2, TOTAL: 4 }, 12],
    ['north', { N: 1, TOTAL: 4 }, 13],
    ['west', { N: 2, TOTAL: 7 }, 14],
    ['east', { N: 3, TOTAL: 10 }, 15],
  ]);
  assert.deepEqual(table, FINAL_TABLE);
});

test('with the cache on, HAVING retracts a result that was emitted and emits nothing for one that never was', async () => {
  const sql = 'CREATE TABLE T AS SELECT REGION, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY REGION HAVING COUNT(*) < 2;';
  const { out, table } = await changelog({ 'cache.max.bytes.buffering': 1, 'commit.interval.ms': 60_000, 'max.poll.records': 3 }, sql);
  // First batch: west passes (N=1), east ends at N=2 without having been emitted. Second
  // batch: north passes; west (emitted before) is retracted; east still fails.
  assert.deepEqual(out, [
    ['west', { N: 1, TOTAL: 2 }, 11],
    ['north', { N: 1, TOTAL: 4 }, 13],
    ['west', null, 14],
  ]);
  assert.deepEqual(table, [['north', 1, 4]]);
});

/** Waits until CTAS_T_0 has committed `count` records of topic s (read by its own loop, without drain()). */
async function consumedAndCommitted(env: Awaited<ReturnType<typeof makeEnv>>, count: number): Promise<void> {
  const group = consumerGroup(env.ctx.properties, 'CTAS_T_0');
  const deadline = Date.now() + 60_000;
  while ((await env.log.committedOffsets(group, 's')).get(0) !== count) {
    assert.ok(Date.now() < deadline, 'the query did not consume its input within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('changes held in the cache count as uncommitted writes: many groups commit (and flush the cache) before the interval is up', async () => {
  // 12,000 groups hold 12,000 cached changes plus 12,000 changed entries, past the 20,000
  // uncommitted writes that force a commit; the first group's later change then comes
  // after that commit, so both of its results are emitted instead of collapsing into one.
  const groups = 12_000;
  const records = Array.from({ length: groups }, (_, i) => ({ key: `r${i}`, value: { REGION: `g${i}`, V: 1 }, timestamp: 10 + i }));
  records.push({ key: 'again', value: { REGION: 'g0', V: 5 }, timestamp: 10 + groups });
  const env = await makeEnv({ 'cache.max.bytes.buffering': 1_000_000_000, 'commit.interval.ms': 600_000 });
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('REGION', STRING), col('V', BIGINT)]));
    // The backlog is there before the query starts, and only its own loop reads it: it never
    // waits for input (which commits) before the end.
    await produce(env, 's', records);
    run(env, CTAS, 'CTAS_T_0');
    await consumedAndCommitted(env, records.length);
    const out = await readJson(env, 'T');
    assert.equal(out.length, groups + 1);
    assert.deepEqual(
      out.filter((o) => o.key === 'g0').map((o) => o.value),
      [
        { N: 1, TOTAL: 1 },
        { N: 2, TOTAL: 6 },
      ],
    );
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('a commit produces the cached changes a batch (max.poll.records) at a time, in the order of the latest changes', async () => {
  const env = await makeEnv({ 'cache.max.bytes.buffering': 10_485_760, 'commit.interval.ms': 600_000, 'max.poll.records': 3 });
  const produced: number[] = [];
  const produce = env.log.produce.bind(env.log);
  env.log.produce = (topic, records) => {
    if (topic === 'T') produced.push(records.length);
    return produce(topic, records);
  };
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('REGION', STRING), col('V', BIGINT)]));
    const regions = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r0'];
    await produce('s', regions.map((r, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(JSON.stringify({ REGION: r, V: i })), timestamp: 10 + i })));
    run(env, CTAS, 'CTAS_T_0');
    await consumedAndCommitted(env, regions.length);
    const out = await readJson(env, 'T');
    assert.deepEqual(
      out.map((o) => [o.key, o.value]),
      [
        ['r1', { N: 1, TOTAL: 1 }],
        ['r2', { N: 1, TOTAL: 2 }],
        ['r3', { N: 1, TOTAL: 3 }],
        ['r4', { N: 1, TOTAL: 4 }],
        ['r5', { N: 1, TOTAL: 5 }],
        ['r6', { N: 1, TOTAL: 6 }],
        ['r0', { N: 2, TOTAL: 7 }],
      ],
    );
    assert.ok(produced.length >= 3 && produced.every((n) => n <= 3), `produce calls of at most 3 records, got ${JSON.stringify(produced)}`);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
