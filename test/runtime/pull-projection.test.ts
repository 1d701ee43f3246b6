// Pull queries on tables: what ksqlDB checks before it reads the store (LIKE on a non-string
// column, a column selected twice) and how a source table with header columns answers
// `SELECT *` (header values from the store; the schema text lists headers before values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { BYTES } from '../../src/common/types.js';
import { INTEGER, STRING, col, collect, makeEnv, parse, produce, register, removeDir, source, type Env } from './helpers.js';

async function answer(env: Env, sql: string) {
  const q = await env.service.runTransient(parse<SelectStatement>(sql), env.ctx);
  return { header: q.header, items: await collect(q.items) };
}

async function withSourceTable(fn: (env: Env) => Promise<void>): Promise<void> {
  const env = await makeEnv();
  try {
    const input = source('INPUT', 'TABLE', [col('K', STRING, 'KEY'), col('TEXT', STRING), col('N', INTEGER), col('H', BYTES, 'HEADER', 'abc')]);
    await register(env, input);
    env.catalog.putSource({ ...input, stateStore: 'CST_INPUT_0' });
    env.service.start(env.service.planSourceTable!(input, 'CST_INPUT_0', env.ctx), env.ctx);
    await produce(env, 'input', [
      { key: 'a', value: { TEXT: 'x', N: 1 }, headers: [{ key: 'abc', value: Buffer.from([0x21]) }] },
      { key: 'b', value: { TEXT: 'y', N: 2 }, headers: [] },
    ]);
    await env.service.drain();
    await fn(env);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

test('SELECT * on a source table with a header column: values from the store, headers listed before values in the schema', () =>
  withSourceTable(async (env) => {
    const all = await answer(env, "SELECT * FROM INPUT WHERE K = 'a';");
    assert.equal(all.header.schema, "`K` STRING KEY, `H` BYTES HEADER('abc'), `TEXT` STRING, `N` INTEGER");
    assert.deepEqual(all.header.columnNames, ['K', 'TEXT', 'N', 'H']);
    assert.deepEqual(all.items, [{ row: ['a', 'x', 1, 'IQ=='] }]);
    const listed = await answer(env, "SELECT K, H, TEXT FROM INPUT WHERE K = 'b';");
    assert.equal(listed.header.schema, '`K` STRING KEY, `H` BYTES, `TEXT` STRING');
    assert.deepEqual(listed.items, [{ row: ['b', null, 'y'] }]);
  }));

test('LIKE on a non-string column is refused before types are checked, whatever scans are enabled', () =>
  withSourceTable(async (env) => {
    await assert.rejects(answer(env, 'SELECT * FROM INPUT WHERE N LIKE 12;'), /^QueryPlanningError: The column type for Like condition must be VARCHAR\. The column type is INTEGER\. See https:\/\/cnfl\.io\/queries/);
    await assert.rejects(answer(env, "SELECT * FROM INPUT WHERE NOT N LIKE '1%';"), /The column type for Like condition must be VARCHAR\. The column type is INTEGER/);
    assert.deepEqual((await answer(env, "SELECT K FROM INPUT WHERE TEXT LIKE 'x%';")).items, [{ row: ['a'] }]);
  }));

test('a column selected twice is a duplicate column of the result schema', () =>
  withSourceTable(async (env) => {
    await assert.rejects(answer(env, "SELECT TEXT, TEXT FROM INPUT WHERE K = 'a';"), /Duplicate value columns found in schema: `TEXT` STRING$/);
    await assert.rejects(answer(env, "SELECT K, K, TEXT FROM INPUT WHERE K = 'a';"), /Duplicate key columns found in schema: `K` STRING KEY$/);
    // Aliases make the names distinct.
    assert.deepEqual((await answer(env, "SELECT TEXT, TEXT AS T2 FROM INPUT WHERE K = 'a';")).items, [{ row: ['x', 'x'] }]);
  }));
