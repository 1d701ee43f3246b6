// eddy.query.threads through SQL: SET runs the next persistent query in worker threads,
// TERMINATE stops it (its workers go back to the pool) and a restarted server resumes it
// from the stored plan and committed offsets, each record written once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

type Json = Record<string, any>;
const ctx = { properties: { 'auto.offset.reset': 'earliest', 'eddy.query.threads': 2 }, variables: {} };

async function produce(e: Engine, from: number, to: number): Promise<void> {
  const records = [];
  for (let i = from; i < to; i++) records.push({ key: Buffer.from(`u${i % 8}`), value: Buffer.from(JSON.stringify({ N: i })), partition: i % 4 });
  await e.log.produce('numbers', records);
}

async function outputs(e: Engine): Promise<number[]> {
  const out: number[] = [];
  for (let p = 0; p < 4; p++) {
    for (const r of await e.log.fetch([{ topic: 'EVENS', partition: p, offset: 0 }], { maxRecords: 100_000 })) out.push(JSON.parse(r.value!.toString()).TWICE / 2);
  }
  return out.sort((a, b) => a - b);
}

test('a query in worker threads through SQL: runs, survives a restart, and TERMINATE stops it', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-query-threads-'));
  try {
    let e = await Engine.open({ dataDir: dir });
    await e.execute("CREATE STREAM numbers (k VARCHAR KEY, n BIGINT) WITH (kafka_topic='numbers', value_format='JSON', partitions=4);", ctx);
    await assert.rejects(
      e.execute('CREATE STREAM odds AS SELECT k, n FROM numbers WHERE n % 2 = 1;', { ...ctx, properties: { ...ctx.properties, 'eddy.query.threads': 0 } }),
      /Invalid value '0' for eddy.query.threads: use a whole number of threads, 1 or more/,
    );
    const created = (await e.execute('CREATE STREAM evens AS SELECT k, n * 2 AS twice FROM numbers WHERE n % 2 = 0;', ctx)) as Json[];
    const id = created[0]!.commandStatus.queryId as string;
    assert.equal(e.queries.handle(id)?.constructor.name, 'ThreadedQuery');
    await produce(e, 0, 400);
    await e.drain();
    assert.deepEqual(await outputs(e), Array.from({ length: 200 }, (_, i) => i * 2));
    await e.close();

    e = await Engine.open({ dataDir: dir });
    try {
      assert.equal(e.queries.handle(id)?.constructor.name, 'ThreadedQuery', 'the restarted query runs in worker threads too');
      await produce(e, 400, 800);
      await e.drain();
      assert.deepEqual(await outputs(e), Array.from({ length: 400 }, (_, i) => i * 2));
      await e.execute(`TERMINATE ${id};`, ctx);
      await produce(e, 800, 900);
      await e.drain();
      assert.equal((await outputs(e)).length, 400);
    } finally {
      await e.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
