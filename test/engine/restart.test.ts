import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

const child = join(import.meta.dirname, 'fixtures', 'engine-child.ts');

/** Runs statements in a child engine, then SIGKILLs it once they are done. */
function runAndKill(dataDir: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, sql], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL' && out.includes('READY')) resolve();
      else reject(new Error(`child exited without READY: ${err}`));
    });
  });
}

test('a SIGKILLed server comes back with the same streams, tables and types', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-restart-'));
  try {
    await runAndKill(
      dir,
      `CREATE TYPE money AS DECIMAL(10, 2);
       CREATE STREAM orders (id BIGINT KEY, amount money) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=2);
       CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=1);
       CREATE STREAM gone (v INT) WITH (KAFKA_TOPIC='gone', VALUE_FORMAT='JSON', PARTITIONS=1);
       ALTER STREAM orders ADD COLUMN note STRING;
       DROP STREAM gone DELETE TOPIC;`,
    );
    const engine = await Engine.open({ dataDir: dir });
    try {
      assert.deepEqual(engine.catalog.listSources().map((s) => s.name), ['CUSTOMERS', 'KSQL_PROCESSING_LOG', 'ORDERS']);
      const orders = engine.catalog.getSource('ORDERS')!;
      assert.deepEqual(orders.schema.value.map((c) => c.name), ['AMOUNT', 'NOTE']);
      assert.deepEqual(orders.schema.value[0]!.type, { base: 'DECIMAL', precision: 10, scale: 2 });
      assert.deepEqual(engine.catalog.getType('MONEY'), { base: 'DECIMAL', precision: 10, scale: 2 });
      assert.equal(await engine.log.describeTopic('gone'), undefined);
      // New commands continue the sequence.
      const [r] = await engine.execute(`CREATE STREAM more (v INT) WITH (KAFKA_TOPIC='more', VALUE_FORMAT='JSON', PARTITIONS=1);`, { properties: {}, variables: {} });
      assert.equal(r!.commandSequenceNumber, 6);
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
