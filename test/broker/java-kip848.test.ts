// kafka-clients 4.x consumers with group.protocol=consumer (KIP-848, ConsumerGroupHeartbeat)
// against the embedded broker, driven by test/broker/java/Kip848.java.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { JAVA_DIR, classpath, run } from './java-harness.js';
import { startTestBroker } from './helpers.js';

test('kafka-clients 4.x group.protocol=consumer: two members share a topic, commit, describe, rebalance on leave', { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-java-848-'));
  try {
    const { cp, why } = classpath(dir);
    if (!cp) {
      if (process.env.CI === 'true') assert.fail(why);
      return t.skip(why);
    }
    const javac = spawnSync('javac', ['-d', dir, '-cp', cp, path.join(JAVA_DIR, 'Kip848.java')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(javac.status, 0, javac.stderr);
    const tb = await startTestBroker({ consumerHeartbeatIntervalMs: 500 });
    try {
      const r = await run('java', ['-cp', `${dir}${path.delimiter}${cp}`, 'Kip848', tb.broker.address], 240_000);
      assert.equal(r.code, 0, `java exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const steps = new Map(r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
        const o = JSON.parse(l) as Record<string, unknown>;
        return [String(o.step), o] as const;
      }));
      assert.equal(steps.get('firstMember')?.assigned, 4, r.stdout);
      const shared = steps.get('shared')!;
      assert.equal(shared.records, 100, r.stdout);
      assert.equal(shared.duplicates, 0, r.stdout);
      const a = JSON.parse(String(shared.a)) as number[];
      const b = JSON.parse(String(shared.b)) as number[];
      assert.deepEqual([...a, ...b].sort(), [0, 1, 2, 3], r.stdout);
      assert.ok(a.length === 2 && b.length === 2, r.stdout);
      assert.deepEqual(steps.get('describe'), { step: 'describe', type: 'Consumer', state: 'Stable', members: 2, listed: true, committed: 100 });
      assert.equal(steps.get('afterLeave')?.a, '[0, 1, 2, 3]');
    } finally {
      await tb.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
