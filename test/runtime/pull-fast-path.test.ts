// The pull-query plan cache: a request of a known shape is answered without parsing, with its
// key literals rebound, and only when the cached plan means exactly the same query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import type { QueryStream } from '../../src/common/query-stream.js';
import { INTEGER, STRING, col, collect, makeEnv, parse, produce, register, removeDir, run, source } from './helpers.js';

async function rowsOf(q: QueryStream | undefined): Promise<unknown[][] | undefined> {
  if (!q) return undefined;
  return (await collect(q.items)).map((i) => (i as { row: unknown[] }).row);
}

test('cached pull plans rebind key literals and never answer a different query', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('T0', 'TABLE', [col('K', STRING, 'KEY'), col('S', INTEGER)]));
    await register(env, source('N0', 'TABLE', [col('ID', INTEGER, 'KEY'), col('S', INTEGER)], { keyFormat: { format: 'JSON' } }));
    run(env, 'CREATE TABLE T AS SELECT * FROM T0;', 'CTAS_T_0');
    run(env, 'CREATE TABLE N AS SELECT * FROM N0;', 'CTAS_N_1');
    await produce(env, 't0', [1, 2, 3].map((s) => ({ key: `k${s}`, value: { S: s } })));
    await produce(env, 'n0', [1, 2, 3].map((s) => ({ key: String(s), value: { S: s * 10 } })));
    await env.service.drain();
    const cached = (sql: string, overrides: Record<string, unknown> = {}) => rowsOf(env.service.runCachedPull!(sql, () => env.ctx, overrides));
    const planned = async (sql: string) => rowsOf(await env.service.runTransient(parse<SelectStatement>(sql), env.ctx));

    assert.equal(await cached("SELECT * FROM T WHERE K = 'k1';"), undefined, 'nothing cached yet');
    assert.deepEqual(await planned("SELECT * FROM T WHERE K = 'k1';"), [['k1', 1]]);
    assert.deepEqual(await cached("SELECT * FROM T WHERE K = 'k2';"), [['k2', 2]]);
    assert.deepEqual(await cached("SELECT * FROM T WHERE K = 'it''s';"), []);
    assert.equal(await cached("SELECT * FROM T WHERE K = 'k2';", { 'ksql.query.pull.stream.enabled': true }), undefined, 'other properties: planned');

    // Literals that are not lookup keys must match the cached text.
    assert.deepEqual(await planned("SELECT K, S + 1 AS P FROM T WHERE K IN ('k1', 'k3') LIMIT 5;"), [['k1', 2], ['k3', 4]]);
    assert.deepEqual(await cached("SELECT K, S + 1 AS P FROM T WHERE K IN ('k3', 'k2') LIMIT 5;"), [['k3', 4], ['k2', 3]]);
    assert.deepEqual(await cached("SELECT K, S + 1 AS P FROM T WHERE K IN ('k2', 'k2') LIMIT 5;"), [['k2', 3]]);
    assert.equal(await cached("SELECT K, S + 7 AS P FROM T WHERE K IN ('k3', 'k2') LIMIT 5;"), undefined);
    assert.equal(await cached("SELECT K, S + 1 AS P FROM T WHERE K IN ('k3', 'k2') LIMIT 1;"), undefined);

    // A WHERE that is more than a lookup is not cached.
    assert.deepEqual(await planned("SELECT * FROM T WHERE K = 'k1' AND S > 0;"), [['k1', 1]]);
    assert.equal(await cached("SELECT * FROM T WHERE K = 'k2' AND S > 0;"), undefined);

    // Integer keys: an out-of-range literal goes to the planner.
    assert.deepEqual(await planned('SELECT * FROM N WHERE ID = 1;'), [[1, 10]]);
    assert.deepEqual(await cached('SELECT * FROM N WHERE ID = 3;'), [[3, 30]]);
    assert.equal(await cached('SELECT * FROM N WHERE ID = 99999999999;'), undefined);

    // DDL since the plan was made: planned again.
    env.catalog.putSource({ ...env.catalog.getSource('T')! });
    assert.equal(await cached("SELECT * FROM T WHERE K = 'k2';"), undefined);
    assert.deepEqual(await planned("SELECT * FROM T WHERE K = 'k2';"), [['k2', 2]]);
    assert.deepEqual(await cached("SELECT * FROM T WHERE K = 'k3';"), [['k3', 3]]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
