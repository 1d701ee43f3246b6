// Kafka Streams 4.x (from Maven Central) with processing.guarantee=exactly_once_v2 against
// the embedded broker: a word count (repartition and changelog topics, transactional
// producers, read_committed) whose output counts are checked. Driven by
// test/broker/java/StreamsEos.java.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { JAVA_DIR, classpath, run } from './java-harness.js';
import { startTestBroker } from './helpers.js';

test('Kafka Streams exactly_once_v2 word count: every word counted once', { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-java-streams-'));
  try {
    const { cp, why } = classpath(dir);
    if (!cp || !cp.includes('kafka-streams')) {
      const reason = why ?? 'kafka-streams is not in the local Maven repository; run: mvn -f test/broker/java/pom.xml dependency:resolve';
      if (process.env.CI === 'true') assert.fail(reason);
      return t.skip(reason);
    }
    const javac = spawnSync('javac', ['-d', dir, '-cp', cp, path.join(JAVA_DIR, 'StreamsEos.java')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(javac.status, 0, javac.stderr);
    const tb = await startTestBroker();
    try {
      const r = await run('java', ['-cp', `${dir}${path.delimiter}${cp}`, 'StreamsEos', tb.broker.address, path.join(dir, 'state')], 240_000);
      assert.equal(r.code, 0, `java exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(-4000)}`);
      const steps = new Map(r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
        const o = JSON.parse(l) as Record<string, unknown>;
        return [String(o.step), o] as const;
      }));
      const counts = steps.get('counts')!;
      assert.deepEqual(counts.counts, counts.expected, r.stdout);
      assert.equal((counts.expected as Record<string, number>).the, 80);
      assert.equal(steps.get('state')?.state, 'RUNNING', r.stdout);
    } finally {
      await tb.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
