// A persistent query's catch-up in EXPLAIN and DESCRIBE … EXTENDED: records behind the end of
// its sources, records processed and the rate. A paused query makes "behind" exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };
type Json = Record<string, any>;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('EXPLAIN and DESCRIBE EXTENDED show how far a query is behind its sources, and when it has caught up', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-catch-up-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute("CREATE STREAM clicks (user_id VARCHAR KEY, page VARCHAR) WITH (kafka_topic='clicks', value_format='JSON', partitions=2);", ctx);
    const created = (await e.execute('CREATE TABLE per_user AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id;', ctx)) as Json[];
    const id = created[0]!.commandStatus.queryId as string;
    const explain = async () => ((await e.execute(`EXPLAIN ${id};`, ctx)) as Json[])[0]!.queryDescription;
    assert.deepEqual((await explain()).catchUp, { processed: 0, behind: 0, recordsPerSecond: 0 });

    await e.execute(`PAUSE ${id};`, ctx);
    const value = (n: number) => Buffer.from(JSON.stringify({ PAGE: `p${n}` }));
    for (let p = 0; p < 2; p++) await e.log.produce('clicks', Array.from({ length: 3000 }, (_, i) => ({ key: Buffer.from(`u${i % 10}`), value: value(i), partition: p })));
    const paused = await explain();
    assert.equal(paused.catchUp.behind, 6000, JSON.stringify(paused.catchUp));
    assert.equal(paused.catchUp.processed, 0);

    const described = ((await e.execute('DESCRIBE per_user EXTENDED;', ctx)) as Json[])[0]!.sourceDescription;
    assert.deepEqual(described.catchUp.map((c: Json) => [c.queryId, c.behind]), [[id, 6000]]);
    assert.match(described.statistics, /records-behind: 6000/);

    await e.execute(`RESUME ${id};`, ctx);
    const done = await until('the query to catch up', async () => {
      const c = (await explain()).catchUp;
      return c.behind === 0 && c.processed === 6000 ? c : undefined;
    });
    assert.equal(done.processed, 6000);
    const after = ((await e.execute('DESCRIBE per_user EXTENDED;', ctx)) as Json[])[0]!.sourceDescription;
    assert.match(after.statistics, /consumer-total-messages: 6000/);
    assert.match(after.statistics, /records-behind: 0/);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
