// A table with a multi-column key reads a key with null columns as a key (only a record
// without a key is dropped), and a CTAS over it writes those rows and their deletes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

test('a multi-column table key with null columns is a key; a record without a key is dropped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-key-nulls-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute("CREATE TABLE input (k INT PRIMARY KEY, k2 INT PRIMARY KEY, v INT) WITH (kafka_topic='in', format='JSON', partitions=1);", ctx);
    await e.execute('CREATE TABLE output AS SELECT * FROM input;', ctx);
    await e.log.produce('in', [
      { key: json({ K: 1, K2: 2 }), value: json({ V: 0 }), partition: 0 },
      { key: json({ K: null, K2: 2 }), value: json({ V: 1 }), partition: 0 },
      { key: json({ K: null, K2: 2 }), value: null, partition: 0 },
      { key: null, value: json({ V: 3 }), partition: 0 },
    ]);
    await e.drain();
    const out = await e.log.fetch([{ topic: 'OUTPUT', partition: 0, offset: 0 }]);
    assert.deepEqual(
      out.map((r) => [r.key ? JSON.parse(r.key.toString()) : null, r.value ? JSON.parse(r.value.toString()) : null]),
      [
        [{ K: 1, K2: 2 }, { V: 0 }],
        [{ K: null, K2: 2 }, { V: 1 }],
        [{ K: null, K2: 2 }, null],
      ],
    );
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
