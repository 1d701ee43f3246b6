import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { INTEGER, STRING, col, makeEnv, parse, produce, register, removeDir, run, source } from './helpers.js';

test('aggregate pull queries are never answered one row per source row', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('EV', 'STREAM', [col('K', STRING, 'KEY'), col('S', INTEGER)]));
    await register(env, source('T0', 'TABLE', [col('K', STRING, 'KEY'), col('S', INTEGER)]));
    run(env, 'CREATE TABLE T AS SELECT * FROM T0;', 'CTAS_T_0');
    await produce(env, 'ev', [1, 2, 3].map((s) => ({ key: `k${s}`, value: { S: s } })));
    await produce(env, 't0', [1, 2, 3].map((s) => ({ key: `k${s}`, value: { S: s } })));
    await env.service.drain();
    for (const sql of ['SELECT COUNT(*) AS n FROM EV;', 'SELECT SUM(S) AS total FROM T;']) {
      await assert.rejects(env.service.runTransient(parse<SelectStatement>(sql), env.ctx), /Pull queries don't support aggregate functions/);
    }
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
