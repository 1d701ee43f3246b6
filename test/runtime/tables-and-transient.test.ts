import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { BIGINT, INTEGER, STRING, col, collect, makeEnv, parse, produce, readJson, register, removeDir, run, source } from './helpers.js';

test('CTAS over a table: tombstones, filtered-out rows and SQLite materialization for pull queries', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('T', 'TABLE', [col('ID', STRING, 'KEY'), col('V', BIGINT), col('NAME', STRING)]));
    const { plan } = run(env, 'CREATE TABLE BIG AS SELECT ID, V, NAME FROM T WHERE V > 10;', 'CTAS_BIG_0');
    assert.equal(plan.sink.stateStore, 'CTAS_BIG_0');
    await produce(env, 't', [
      { key: 'a', value: { V: 20, NAME: 'x' }, timestamp: 1 },
      { key: 'b', value: { V: 5, NAME: 'y' }, timestamp: 2 },
      { key: 'a', value: { V: 1, NAME: 'x' }, timestamp: 3 },
      { key: 'c', value: { V: 30, NAME: 'z' }, timestamp: 4 },
      { key: 'd', value: { V: 40, NAME: 'w' }, timestamp: 5 },
      { key: 'd', value: null, timestamp: 6 },
      { key: 'e', value: null, timestamp: 7 },
    ]);
    await env.service.drain();
    assert.deepEqual(
      (await readJson(env, 'BIG')).map((r) => [r.key, r.value]),
      [
        ['a', { V: 20, NAME: 'x' }],
        ['a', null],
        ['c', { V: 30, NAME: 'z' }],
        ['d', { V: 40, NAME: 'w' }],
        ['d', null],
      ],
    );

    const scan = await env.service.runTransient(parse<SelectStatement>('SELECT * FROM BIG;'), env.ctx);
    assert.equal(scan.kind, 'pull');
    assert.equal(scan.header.schema, '`ID` STRING KEY, `V` BIGINT, `NAME` STRING');
    assert.deepEqual(await collect(scan.items), [{ row: ['c', 30, 'z'] }]);

    await produce(env, 't', [{ key: 'f', value: { V: 50, NAME: 'q' }, timestamp: 8 }]);
    await env.service.drain();
    const lookup = await env.service.runTransient(parse<SelectStatement>("SELECT ID, V, ROWTIME FROM BIG WHERE ID = 'f';"), env.ctx);
    assert.deepEqual(await collect(lookup.items), [{ row: ['f', 50, 8] }]);
    const range = await env.service.runTransient(parse<SelectStatement>("SELECT ID FROM BIG WHERE V >= 30 LIMIT 1;"), env.ctx);
    assert.deepEqual(await collect(range.items), [{ row: ['c'] }]);
    assert.equal(await range.finalMessage, 'Limit Reached');

    await assert.rejects(env.service.runTransient(parse<SelectStatement>('SELECT * FROM T;'), env.ctx), /isn't queryable/);
    await assert.rejects(env.service.runTransient(parse<SelectStatement>('SELECT ROWOFFSET FROM BIG;'), env.ctx), {
      message: /Pull queries don't support the following columns in SELECT clauses: `ROWOFFSET`/,
    });
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('pull query on a stream scans to the end offsets captured at start', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('K', INTEGER, 'KEY'), col('V', INTEGER)]), 2);
    await env.log.produce('s', [
      { key: Buffer.from([0, 0, 0, 1]), value: Buffer.from('{"V":1}'), partition: 0 },
      { key: Buffer.from([0, 0, 0, 2]), value: Buffer.from('{"V":2}'), partition: 1 },
    ]);
    const q = await env.service.runTransient(parse<SelectStatement>('SELECT * FROM S WHERE V > 0;'), env.ctx);
    assert.equal(q.header.schema, '`K` INTEGER, `V` INTEGER');
    const rows = (await collect(q.items)).map((i) => ('row' in i ? i.row : i));
    assert.deepEqual(rows.sort(), [[1, 1], [2, 2]]);
    assert.equal(await q.finalMessage, 'Query Completed');
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('push query streams new rows until LIMIT', async () => {
  const env = await makeEnv({ 'auto.offset.reset': 'latest' });
  try {
    await register(env, source('S', 'STREAM', [col('K', STRING, 'KEY'), col('V', INTEGER), col('B', { base: 'BYTES' })]));
    await produce(env, 's', [{ key: 'old', value: { V: 0, B: null } }]);
    const q = await env.service.runTransient(parse<SelectStatement>('SELECT K, V * 10 AS V10, B FROM S EMIT CHANGES LIMIT 2;'), env.ctx);
    assert.equal(q.kind, 'push');
    assert.equal(q.header.schema, '`K` STRING, `V10` INTEGER, `B` BYTES');
    assert.deepEqual(q.header.columnNames, ['K', 'V10', 'B']);
    assert.match(q.header.queryId, /^transient_S_\d+$/);
    const items = collect(q.items);
    await new Promise((r) => setTimeout(r, 50));
    await produce(env, 's', [
      { key: 'a', value: { V: 1, B: 'IQ==' } },
      { key: 'b', value: { V: 2, B: null } },
      { key: 'c', value: { V: 3, B: null } },
    ]);
    assert.deepEqual(await items, [{ row: ['a', 10, 'IQ=='] }, { row: ['b', 20, null] }]);
    assert.equal(await q.finalMessage, 'Limit Reached');
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
