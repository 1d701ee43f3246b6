// Pull queries as SQL over materialized state: aggregates, GROUP BY, HAVING, ORDER BY,
// LIMIT/OFFSET on tables, windowed tables and streams, and the errors of what can't run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { PULL_SQL_PROPERTY } from '../../src/planner/query/pull-sql.js';
import { INTEGER, STRING, col, collect, makeEnv, parse, produce, register, removeDir, run, source, type Env } from './helpers.js';

async function rows(env: Env, sql: string, props: Record<string, unknown> = {}): Promise<unknown[][]> {
  const q = await env.service.runTransient(parse<SelectStatement>(sql), { ...env.ctx, properties: { ...env.ctx.properties, ...props } });
  const items = await collect(q.items);
  for (const i of items) if ('errorMessage' in i) throw new Error(i.errorMessage.message);
  return items.map((i) => (i as { row: unknown[] }).row);
}
const SQL = { [PULL_SQL_PROPERTY]: true };

async function withEnv(fn: (env: Env) => Promise<void>): Promise<void> {
  const env = await makeEnv();
  try {
    await register(env, source('EV', 'STREAM', [col('K', STRING, 'KEY'), col('S', INTEGER), col('G', STRING)]));
    await register(env, source('T0', 'TABLE', [col('K', STRING, 'KEY'), col('S', INTEGER), col('G', STRING)]));
    env.service.start(run(env, 'CREATE TABLE T AS SELECT * FROM T0;', 'CTAS_T_0').plan, env.ctx);
    const data = [1, 2, 3, 4, 5, 6].map((s) => ({ key: `k${s}`, value: { S: s, G: s % 2 === 0 ? 'even' : 'odd' }, timestamp: s }));
    await produce(env, 'ev', data);
    await produce(env, 't0', data);
    await env.service.drain();
    await fn(env);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

test('aggregates over a table and a stream answer one row, not one per source row', () =>
  withEnv(async (env) => {
    assert.deepEqual(await rows(env, 'SELECT SUM(S) AS total FROM T;'), [[21]]);
    assert.deepEqual(await rows(env, 'SELECT COUNT(*) AS n FROM EV;'), [[6]]);
    assert.deepEqual(await rows(env, "SELECT COUNT(*), MIN(S), MAX(S), AVG(S) FROM T WHERE K IN ('k1', 'k2', 'k9');"), [[2, 1, 2, 1.5]]);
    assert.deepEqual(await rows(env, 'SELECT COUNT(*), SUM(S) FROM T WHERE S > 100;'), [[0, 0]]);
  }));

test('GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET need the opt-in and then answer', () =>
  withEnv(async (env) => {
    await assert.rejects(rows(env, 'SELECT G, COUNT(*) FROM T GROUP BY G;'), /Pull queries don't support GROUP BY clauses[\s\S]*eddy\.query\.pull\.sql\.enabled=true/);
    await assert.rejects(rows(env, 'SELECT * FROM T ORDER BY S DESC;'), /line 1:23: Syntax Error/);
    for (const src of ['T', 'EV']) {
      assert.deepEqual(await rows(env, `SELECT G, COUNT(*) AS N, SUM(S) AS T FROM ${src} GROUP BY G ORDER BY G;`, SQL), [['even', 3, 12], ['odd', 3, 9]]);
      assert.deepEqual(await rows(env, `SELECT G, SUM(S) AS T FROM ${src} GROUP BY G HAVING SUM(S) > 10;`, SQL), [['even', 12]]);
      assert.deepEqual(await rows(env, `SELECT K, S FROM ${src} ORDER BY S DESC LIMIT 2 OFFSET 1;`, SQL), [['k5', 5], ['k4', 4]]);
      assert.deepEqual(await rows(env, `SELECT K FROM ${src} WHERE S >= 2 ORDER BY 1 LIMIT 2;`, SQL), [['k2'], ['k3']]);
    }
    await assert.rejects(rows(env, 'SELECT K FROM T ORDER BY S;', SQL), /ORDER BY S does not name a column of the result/);
    await assert.rejects(rows(env, 'SELECT K, EXPLODE(ARRAY[1, 2]) AS X FROM T;'), /Table source is not supported with table functions/);
  }));
