// cache.max.bytes.buffering > 0: an aggregation's changes collapse per group within a commit
// interval (ksqlDB's record cache); at 0 every change is emitted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
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
