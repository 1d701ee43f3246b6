// Schema evolution in SQL on the embedded registry (BACKWARD by default): CREATE OR REPLACE
// and ALTER … ADD COLUMN register a compatible new version, or fail with the registry's
// compatibility message; DESCRIBE EXTENDED names the subject, version and id.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

const ctx = { properties: {}, variables: {} };

test('CREATE OR REPLACE and ALTER register compatible versions and refuse incompatible ones', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-sr-evolve-'));
  const engine = await Engine.open({ dataDir: dir });
  try {
    const store = engine.schemaRegistry!.store!;
    await engine.execute(`CREATE STREAM s (id INT, name STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO', PARTITIONS=1);`, ctx);
    await engine.execute(`INSERT INTO s (id, name) VALUES (1, 'a');`, ctx);
    assert.deepEqual(store.versions('s-value').map((v) => v.version), [1]);
    // Avro fields Eddy writes are optional with a null default: adding one is backward compatible.
    await engine.execute(`CREATE OR REPLACE STREAM s (id INT, name STRING, extra DOUBLE) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO');`, ctx);
    assert.deepEqual(store.versions('s-value').map((v) => v.version), [1, 2]);
    await engine.execute(`ALTER STREAM s ADD COLUMN more BIGINT;`, ctx);
    assert.deepEqual(store.versions('s-value').map((v) => v.version), [1, 2, 3]);
    // Changing a column's type is refused before the registry is asked (ksqlDB's upgrade rule).
    await assert.rejects(
      engine.execute(`CREATE OR REPLACE STREAM s (id STRING, name STRING, extra DOUBLE, more BIGINT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO');`, ctx),
      /Cannot upgrade data source: DataSource 'S'/,
    );
    assert.deepEqual(store.versions('s-value').map((v) => v.version), [1, 2, 3]);
    const [described] = (await engine.execute(`DESCRIBE s EXTENDED;`, ctx)) as unknown as { sourceDescription: { schemaRegistry: unknown } }[];
    assert.deepEqual(described!.sourceDescription.schemaRegistry, [{ side: 'value', subject: 's-value', version: 3, id: store.version('s-value', 3).id }]);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CREATE with declared columns registers their schema before any record, and keeps a schema the topic already has', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-sr-declare-'));
  const engine = await Engine.open({ dataDir: dir });
  try {
    const store = engine.schemaRegistry!.store!;
    await engine.execute(`CREATE STREAM orders (id INT KEY, item STRING, amount DOUBLE) WITH (KAFKA_TOPIC='orders', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);`, ctx);
    assert.deepEqual(store.versions('orders-value').map((v) => v.version), [1], 'registered by the CREATE alone');
    assert.deepEqual(store.versions('orders-key').map((v) => v.version), [1]);
    const fields = (JSON.parse(store.version('orders-value', 1).schema) as { fields: { name: string }[] }).fields.map((f) => f.name);
    assert.deepEqual(fields, ['ITEM', 'AMOUNT']);
    // A second declaration over the same topic reads it; the registered schema stays the only version.
    await engine.execute(`CREATE STREAM orders_again (id INT KEY, item STRING) WITH (KAFKA_TOPIC='orders', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO');`, ctx);
    assert.deepEqual(store.versions('orders-value').map((v) => v.version), [1]);
    // Formats without a registry register nothing.
    await engine.execute(`CREATE STREAM plain (id INT KEY, v STRING) WITH (KAFKA_TOPIC='plain', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx);
    assert.ok(!store.subjects().includes('plain-value'), store.subjects().join(', '));
    assert.deepEqual(store.subjects().sort(), ['orders-key', 'orders-value']);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
