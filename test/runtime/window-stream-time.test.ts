// The stream time of a windowed query per input partition, and its oldest open window, as
// DESCRIBE ... EXTENDED's statistics show them (the running query's statistics()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTEGER, STRING, col, makeEnv, produce, register, removeDir, run, source } from './helpers.js';

test('statistics show stream time per input partition, open windows and late records', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]), 2);
    const changes = run(env, 'CREATE TABLE C AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 100 MILLISECONDS, GRACE PERIOD 50 MILLISECONDS) GROUP BY ID;', 'CTAS_C_0');
    const finals = run(env, 'CREATE TABLE F AS SELECT ID, COUNT(*) AS N FROM S WINDOW SLIDING (SIZE 100 MILLISECONDS, GRACE PERIOD 50 MILLISECONDS) GROUP BY ID EMIT FINAL;', 'CTAS_F_0');
    // One at a time, so the partitions are read in this order.
    for (const [key, timestamp, partition] of [
      ['a', 1000, 0],
      ['b', 1210, 1],
      ['a', 1300, 0],
      // late for both: window [1000, 1100) closed at 1150, and 1010 + 50 < 1300
      ['b', 1010, 1],
    ] as const) {
      await produce(env, 's', [{ key, value: { V: 1 }, timestamp, partition }]);
      await env.service.drain();
    }
    const c = changes.running.statistics!();
    assert.equal(c['stream-time'], 1300);
    assert.equal(c['stream-time-s-0'], 1300);
    assert.equal(c['stream-time-s-1'], 1210);
    assert.equal(c['late-records'], 1);
    // Open: [1200, 1300) of b (1300 + 50 > 1300) and [1300, 1400) of a.
    assert.equal(c['open-windows'], 2);
    assert.equal(c['oldest-open-window-start'], 1200);
    const f = finals.running.statistics!();
    assert.equal(f['late-records'], 1);
    assert.equal(f['expired-windows'], 0);
    // Emitted: a's [900, 1000] (1000 + 50 < 1210) and b's [1110, 1210] (1260 < 1300). Open: a's [1200, 1300].
    assert.equal(f['open-windows'], 1);
    assert.equal(f['oldest-open-window-start'], 1200);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
