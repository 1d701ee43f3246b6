// `node --import tsx test/conformance/kafka-sample.ts` (.ci/run runs it): a fixed sample of the
// ksqlDB conformance cases on the real Kafka cluster at EDDY_KAFKA_BOOTSTRAP, i.e. the engine
// on the Kafka log (src/log/kafka) against the 3 Apache Kafka brokers of scripts/kafka-cluster,
// each case in a namespace of its own. The sample is every k-th case by file and name
// (run.ts --sample), run as shards side by side. Exits 1 when fewer cases pass than the floor
// recorded in kafka-sample-floor.json (raise it when more pass; never lower it to hide a loss).
// Not a node test: it takes longer than the test runner gives one file.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const settings = JSON.parse(readFileSync(new URL('./kafka-sample-floor.json', import.meta.url), 'utf8')) as {
  sample: number;
  shards: number;
  timeoutMs: number;
  floor: number;
};

const bootstrap = process.env.EDDY_KAFKA_BOOTSTRAP;
if (!bootstrap) {
  console.error('kafka-sample: EDDY_KAFKA_BOOTSTRAP is not set; start a cluster with: eval "$(scripts/kafka-cluster start)"');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

function runShard(shard: number, reportDir: string): Promise<{ passed: number; total: number }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'test/conformance/run.ts', '--log', 'kafka', '--bootstrap', bootstrap!, '--sample', String(settings.sample)];
    args.push('--shard', `${shard}/${settings.shards}`, '--timeout', String(settings.timeoutMs), '--report', join(reportDir, `shard${shard}.json`));
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
      resolve({ passed: Number(m[1]), total: Number(m[2]) });
    });
  });
}

const reportDir = mkdtempSync(join(tmpdir(), 'eddy-kafka-sample-'));
try {
  const started = Date.now();
  const shards = await Promise.all(Array.from({ length: settings.shards }, (_, k) => runShard(k, reportDir)));
  const passed = shards.reduce((n, s) => n + s.passed, 0);
  const total = shards.reduce((n, s) => n + s.total, 0);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`kafka-sample: ${passed} of ${total} sampled conformance cases pass on real Kafka (floor ${settings.floor}, ${seconds} s)`);
  if (total !== settings.sample) {
    console.error(`kafka-sample: the sample has ${total} cases, not the recorded ${settings.sample}`);
    process.exitCode = 1;
  } else if (passed < settings.floor) {
    const failures = shards.flatMap((_, k) => (JSON.parse(readFileSync(join(reportDir, `shard${k}.json`), 'utf8')) as { failures: { name: string; reason: string }[] }).failures);
    console.error(`kafka-sample: below the floor of ${settings.floor}. Failures:\n${failures.map((f) => `  ${f.name}: ${f.reason.slice(0, 200)}`).join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}
