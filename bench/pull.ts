// Pull-query throughput and latency of a real `eddy server`: point lookups over a 10k-key
// materialized table (CREATE TABLE T AS SELECT * FROM T0), from autocannon in a separate
// process (16 keep-alive connections). Baseline: a fastify route in the same kind of
// process answering a fixed row from a Map. Rounds alternate Eddy and baseline.
//
//   npm run bench -- pull [--rounds 5] [--duration 15] [--connections 16] [--keys 10000]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ksql, produceRows, pullRows, startChild, startEddy, stats } from './eddy-process.js';

const option = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

interface Round {
  qps: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, duration: number, connections: number, keys: number): Promise<Round> {
  const child = startChild(['--import', 'tsx', 'bench/pull-load.ts', url, String(duration), String(connections), String(keys)]);
  const m = await child.waitFor(/^\{.*\}$/m, (duration + 60) * 1000);
  await child.stop();
  return JSON.parse(m[0]) as Round;
}

export async function runPullBench(): Promise<void> {
  const rounds = option('--rounds', 5);
  const duration = option('--duration', 15);
  const connections = option('--connections', 16);
  const keys = option('--keys', 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-pull-'));
  const eddy = await startEddy(join(dir, 'data'));
  const baseline = startChild(['--import', 'tsx', 'bench/pull-baseline.ts']);
  try {
    const baseUrl = (await baseline.waitFor(/baseline listening on (http:\/\/\S+)/))[1]!;
    await ksql(eddy.url, "CREATE TABLE T0 (K STRING PRIMARY KEY, V BIGINT, NAME STRING) WITH (KAFKA_TOPIC='t0', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await ksql(eddy.url, 'CREATE TABLE T AS SELECT * FROM T0;', { 'auto.offset.reset': 'earliest' });
    await produceRows(eddy.broker, 't0', keys);
    const last = `k${keys - 1}`;
    const deadline = Date.now() + 120_000;
    const count = async () => (await pullRows(eddy.url, 'SELECT COUNT(*) FROM T;'))[0]?.[0];
    while ((await pullRows(eddy.url, `SELECT * FROM T WHERE K = '${last}';`)).length === 0 || (await count()) !== keys) {
      if (Date.now() > deadline) throw new Error(`the table did not reach ${keys} rows in 120 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Every answer is checked once before timing: the load then asks the same shapes.
    for (const i of [0, 1, keys >> 1, keys - 1]) {
      const got = JSON.stringify(await pullRows(eddy.url, `SELECT * FROM T WHERE K = 'k${i}';`));
      if (got !== JSON.stringify([[`k${i}`, i, `name-${i}`]])) throw new Error(`wrong pull answer for k${i}: ${got}`);
    }
    console.log(`pull: ${keys} keys, ${connections} keep-alive connections, ${duration} s per round, ${rounds} rounds of each (autocannon in its own process)`);
    // Warm-up (not counted): JIT, connection setup and the first reads of both servers.
    await load(eddy.url, Math.min(3, duration), connections, keys);
    await load(baseUrl, Math.min(3, duration), connections, keys);
    const ours: Round[] = [];
    const theirs: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      const e = await load(eddy.url, duration, connections, keys);
      const b = await load(baseUrl, duration, connections, keys);
      if (e.errors + e.non2xx > 0 || b.errors + b.non2xx > 0) throw new Error(`round ${r + 1} had failed requests: eddy ${JSON.stringify(e)}, baseline ${JSON.stringify(b)}`);
      ours.push(e);
      theirs.push(b);
      console.log(
        `  round ${r + 1}: eddy ${Math.round(e.qps)} q/s p50 ${e.p50} ms p99 ${e.p99} ms | fastify+Map ${Math.round(b.qps)} q/s p50 ${b.p50} ms p99 ${b.p99} ms | ratio ${(e.qps / b.qps).toFixed(2)}`,
      );
    }
    const ratio = stats(ours.map((e, i) => e.qps / theirs[i]!.qps));
    const f = (xs: Round[], k: keyof Round) => {
      const s = stats(xs.map((x) => x[k]));
      return `${Math.round(s.median * 10) / 10} (${Math.round(s.min * 10) / 10}–${Math.round(s.max * 10) / 10})`;
    };
    console.log(`  eddy        : ${f(ours, 'qps')} q/s, p50 ${f(ours, 'p50')} ms, p99 ${f(ours, 'p99')} ms`);
    console.log(`  fastify+Map : ${f(theirs, 'qps')} q/s, p50 ${f(theirs, 'p50')} ms, p99 ${f(theirs, 'p99')} ms`);
    console.log(`  QPS ratio eddy / baseline: median ${ratio.median.toFixed(2)} (spread ${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}); target >= 0.35 with p99 < 5 ms`);
  } finally {
    await eddy.proc.stop();
    await baseline.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runPullBench();
