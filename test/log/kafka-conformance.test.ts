// A fixed sample of the ksqlDB conformance cases on the real Kafka cluster: the engine on
// the Kafka log (src/log/kafka) against 3 Apache Kafka brokers, each case in a namespace of
// its own. The sample is every k-th case by file and name (run.ts --sample), run as two
// shards side by side; the run fails when fewer cases pass than the floor recorded in
// kafka-conformance-floor.json (raise it when more pass; never lower it to hide a loss).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realKafka } from './real-kafka.js';

const { cluster, skip } = realKafka('the conformance sample on real Kafka');
const floor = JSON.parse(readFileSync(new URL('./kafka-conformance-floor.json', import.meta.url), 'utf8')) as { sample: number; shards: number; timeoutMs: number; floor: number };

function runShard(shard: number, reportDir: string): Promise<{ passed: number; total: number; output: string }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'test/conformance/run.ts', '--log', 'kafka', '--bootstrap', cluster!.brokers.join(','), '--sample', String(floor.sample)];
    args.push('--shard', `${shard}/${floor.shards}`, '--timeout', String(floor.timeoutMs), '--report', join(reportDir, `shard${shard}.json`));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50 * 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const m = /: (\d+) passed, \d+ failed of (\d+)/.exec(output);
      if (code !== 0 || !m) return reject(new Error(`conformance shard ${shard} exited with ${code}: ${output.slice(-2000)}`));
      resolve({ passed: Number(m[1]), total: Number(m[2]), output });
    });
  });
}

test(`a fixed sample of conformance cases passes on the real Kafka cluster (floor in kafka-conformance-floor.json)`, { skip, timeout: 55 * 60_000 }, async () => {
  const reportDir = mkdtempSync(join(tmpdir(), 'eddy-kafka-conformance-'));
  try {
    const shards = await Promise.all(Array.from({ length: floor.shards }, (_, k) => runShard(k, reportDir)));
    const passed = shards.reduce((n, s) => n + s.passed, 0);
    const total = shards.reduce((n, s) => n + s.total, 0);
    console.log(`# conformance sample on real Kafka: ${passed} passed of ${total} (floor ${floor.floor})`);
    assert.equal(total, floor.sample, 'the sample has the recorded size');
    if (passed < floor.floor) {
      const failures = shards.flatMap((_, k) => (JSON.parse(readFileSync(join(reportDir, `shard${k}.json`), 'utf8')) as { failures: { name: string; reason: string }[] }).failures);
      assert.fail(`${passed} of ${total} sampled cases passed on real Kafka, below the floor of ${floor.floor}. Failures:\n${failures.map((f) => `  ${f.name}: ${f.reason.slice(0, 200)}`).join('\n')}`);
    }
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
});
