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
