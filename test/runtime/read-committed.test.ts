import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { INTEGER, col, collect, makeEnv, parse, produce, readJson, register, removeDir, run, source } from './helpers.js';

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const values = async (env: Awaited<ReturnType<typeof makeEnv>>, topic: string) => (await readJson(env, topic)).map((r) => (r.value as { V: number }).V);

test('downstream queries and push queries read exactly-once outputs read_committed', async () => {
  const env = await makeEnv({ 'processing.guarantee': 'exactly_once_v2' });
  try {
    await register(env, source('A', 'STREAM', [col('V', INTEGER)]));
    run(env, 'CREATE STREAM B AS SELECT V FROM A;', 'CSAS_B_1');
    await until('topic B', async () => (await env.log.describeTopic('B')) !== undefined);
    run(env, 'CREATE STREAM C AS SELECT V FROM B;', 'CSAS_C_2');

    // What a crashed cycle leaves behind: an aborted transaction in B's topic.
    const crashed = await env.log.beginTransaction('crashed-writer');
    await crashed.produce('B', [{ key: null, value: Buffer.from('{"V":-1}') }]);
    await crashed.abort();

    const push = await env.service.runTransient(parse<SelectStatement>('SELECT V FROM B EMIT CHANGES LIMIT 3;'), env.ctx);
    const rows = collect(push.items);
    await produce(env, 'a', [{ value: { V: 1 } }, { value: { V: 2 } }]);
    await until('C to hold 1 and 2', async () => (await values(env, 'C')).length === 2);

    // A cycle still open in B holds readers back at its first record until it ends.
    const open = await env.log.beginTransaction('slow-writer');
    await open.produce('B', [{ key: null, value: Buffer.from('{"V":99}') }]);
    await produce(env, 'a', [{ value: { V: 3 } }]);
    await until('B to hold 3 behind the open transaction', async () => {
      const all = await env.log.fetch([{ topic: 'B', partition: 0, offset: 0 }], { maxRecords: 100, readCommitted: false });
      return all.some((r) => r.value?.toString() === '{"V":3}');
    });
    assert.deepEqual(await values(env, 'C'), [1, 2]);
    await open.abort();

    assert.deepEqual(await rows, [{ row: [1] }, { row: [2] }, { row: [3] }]);
    await until('C to hold 3', async () => (await values(env, 'C')).length === 3);
    assert.deepEqual(await values(env, 'C'), [1, 2, 3]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
