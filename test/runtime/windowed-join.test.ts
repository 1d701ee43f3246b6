// Joins of windowed streams match on the whole windowed key (key and window bounds, as
// Kafka Streams compares key bytes), and their results keep the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { deserializeWindowedKey, serializeWindowedKey } from '../../src/serde/windowed.js';

const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };
const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const sessionKey = (k: number, start: number, end: number) => serializeWindowedKey(int(k), 'SESSION', { start, end });
const value = (v: number) => Buffer.from(JSON.stringify({ V: v }));

test('session-windowed streams join only records of the same session; the result is session-windowed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-windowed-join-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute(
      "CREATE STREAM s1 (id INT KEY, v BIGINT) WITH (kafka_topic='left', value_format='JSON', window_type='SESSION', partitions=1);\n" +
        "CREATE STREAM s2 (id INT KEY, v BIGINT) WITH (kafka_topic='right', value_format='JSON', window_type='SESSION', partitions=1);\n" +
        'CREATE STREAM out AS SELECT s1.id, s1.v, s2.v FROM s1 JOIN s2 WITHIN 1 MINUTE ON s1.id = s2.id;',
      ctx,
    );
    assert.deepEqual(e.catalog.getSource('OUT')!.keyFormat.window, { type: 'SESSION' });
    await e.log.produce('left', [{ key: sessionKey(1, 234, 765), value: value(1), timestamp: 765, partition: 0 }]);
    await e.log.produce('right', [
      { key: sessionKey(1, 234, 567), value: value(2), timestamp: 567, partition: 0 },
      { key: sessionKey(1, 234, 765), value: value(3), timestamp: 765, partition: 0 },
    ]);
    await e.drain();
    const out = await e.log.fetch([{ topic: 'OUT', partition: 0, offset: 0 }]);
    assert.equal(out.length, 1);
    const { key, window } = deserializeWindowedKey(out[0]!.key!, 'SESSION');
    assert.equal(key.readInt32BE(), 1);
    assert.deepEqual(window, { start: 234, end: 765 });
    assert.deepEqual(JSON.parse(out[0]!.value!.toString()), { S1_V: 1, S2_V: 3 });
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
