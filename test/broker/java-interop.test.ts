// Apache Kafka's own Java client (kafka-clients 4.x from Maven Central) against the embedded
// broker: AdminClient topics, groups and offsets, a transactional producer and a
// classic-protocol group consumer reading committed records only. Driven by
// test/broker/java/Interop.java; `.ci/run` resolves the artefacts into ~/.m2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startTestBroker } from './helpers.js';

const JAVA_DIR = path.join(import.meta.dirname, 'java');
const HOW = 'install a JDK and Maven (apt-get install default-jdk-headless maven) and run: mvn -f test/broker/java/pom.xml dependency:build-classpath';

/** The classpath of kafka-clients from the local Maven repository, or why it is not there. */
function classpath(dir: string): { cp?: string; why?: string } {
  for (const tool of ['java', 'javac', 'mvn']) {
    const r = spawnSync(tool, ['-version'], { encoding: 'utf8' });
    if (r.error) return { why: `${tool} is missing; ${HOW}` };
  }
  const out = path.join(dir, 'classpath.txt');
  const args = ['-q', '-f', path.join(JAVA_DIR, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${out}`];
  // Offline first (the artefacts are cached in ~/.m2); CI may fetch them from Maven Central.
  let r = spawnSync('mvn', ['-o', ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 && process.env.CI === 'true') r = spawnSync('mvn', args, { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !fs.existsSync(out)) return { why: `kafka-clients is not in the local Maven repository (${(r.stdout + r.stderr).trim().split('\n').pop()}); ${HOW}` };
  return { cp: fs.readFileSync(out, 'utf8').trim() };
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('kafka-clients 4.x: admin, transactional producer, classic group consumer, list offsets', { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-java-'));
  try {
    const { cp, why } = classpath(dir);
    if (!cp) {
      if (process.env.CI === 'true') assert.fail(why);
      return t.skip(why);
    }
    const javac = spawnSync('javac', ['-d', dir, '-cp', cp, path.join(JAVA_DIR, 'Interop.java')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(javac.status, 0, javac.stderr);

    const tb = await startTestBroker();
    try {
      const r = await run('java', ['-cp', `${dir}${path.delimiter}${cp}`, 'Interop', `127.0.0.1:${tb.broker.port}`], 240_000);
      assert.equal(r.code, 0, `java exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const steps = new Map<string, Record<string, unknown>>();
      for (const line of r.stdout.split('\n').filter((l) => l.startsWith('{'))) {
        const o = JSON.parse(line) as Record<string, unknown>;
        steps.set(String(o.step), o);
      }
      const topic = steps.get('describeTopics')!;
      assert.equal(topic.name, 'java-interop');
      assert.equal(topic.partitions, 2);
      assert.notEqual(topic.topicId, 'AAAAAAAAAAAAAAAAAAAAAA', 'a real topic id');
      assert.equal(steps.get('listTopics')!.hasTopic, true);
      assert.deepEqual(steps.get('transactions'), { step: 'transactions', committed: 10, aborted: 5 });
      const values = steps.get('consume')!.values as string[];
      assert.deepEqual(values, Array.from({ length: 10 }, (_, i) => `committed-${i}`).sort(), 'read_committed sees the committed transaction only');
      const groups = steps.get('groups')!;
      assert.equal(groups.listed, true);
      assert.equal(groups.members, 1);
      assert.equal(groups.state, 'Stable');
      const offsets = steps.get('offsets')!;
      // 10 committed records over 2 partitions plus the markers of two transactions each
      assert.equal(offsets.earliest1, 0);
      assert.ok(Number(offsets.latest0) >= 5, `latest offset of partition 0: ${offsets.latest0}`);
      assert.ok(Number(offsets.committedSum) >= 10, `committed offsets sum ${offsets.committedSum}`);
    } finally {
      await tb.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
