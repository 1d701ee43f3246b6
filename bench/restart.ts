// Restart: from process start to the first correct pull answer of a restarted `eddy server`
// (the built one, dist/cli/eddy.js, as users run it) whose materialized table holds 1M keys.
// Baseline: a Node process that opens the same SQLite file and answers the lookup with
// fastify. Rounds alternate; each starts a fresh process on the same data.
//
//   npm run bench -- restart [--rounds 5] [--keys 1000000]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eddyServerArgs, ksql, post, produceRows, pullRows, repoRoot, startChild, startEddy, stats, type Child } from './eddy-process.js';

const option = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Milliseconds from spawning `args` until /query on `port` answers `sql` with `expected`. */
async function timeToAnswer(args: string[], port: number, sql: string, expected: string): Promise<{ ms: number; listenMs: number; cpuMs: number; proc: Child }> {
  const started = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - started) / 1e6;
  const proc = startChild(args);
  let listenMs = NaN;
  void proc.waitFor(/listening on/).then(() => (listenMs = since()), () => undefined);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      const r = await post(url, '/query', { ksql: sql, streamsProperties: {} });
      if (r.status === 200) {
        const rows = (JSON.parse(r.text) as { row?: { columns: unknown[] } }[]).filter((e) => e.row).map((e) => e.row!.columns);
        if (JSON.stringify(rows) === expected) return { ms: since(), listenMs, cpuMs: cpuTimeMs(proc.child.pid!), proc };
      }
    } catch {
      // not listening yet
    }
    if (proc.child.exitCode !== null) throw new Error(`process exited before answering:\n${proc.output()}`);
    if (Number(process.hrtime.bigint() - started) > 120e9) throw new Error(`no correct answer within 120 s:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
function cpuTimeMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export async function runRestartBench(): Promise<void> {
  const rounds = option('--rounds', 5);
  const keys = option('--keys', 1_000_000);
  console.log('restart: building dist/ (tsc) so the server starts as users start it');
  execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: repoRoot, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-restart-'));
  const dataDir = join(dir, 'data');
  try {
    const first = await startEddy(dataDir, 'dist');
    const loadStart = Date.now();
    await ksql(first.url, "CREATE TABLE T0 (K STRING PRIMARY KEY, V BIGINT, NAME STRING) WITH (KAFKA_TOPIC='t0', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await ksql(first.url, 'CREATE TABLE T AS SELECT * FROM T0;', { 'auto.offset.reset': 'earliest' });
    await produceRows(first.broker, 't0', keys);
    const last = `k${keys - 1}`;
    while ((await pullRows(first.url, `SELECT * FROM T WHERE K = '${last}';`)).length === 0) await new Promise((r) => setTimeout(r, 500));
    const deadline = Date.now() + 300_000;
    for (;;) {
      const count = await pullRows(first.url, 'SELECT COUNT(*) FROM T;');
      if (count[0]?.[0] === keys) break;
      if (Date.now() > deadline) throw new Error(`the table holds ${JSON.stringify(count)} rows, expected ${keys}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`  loaded ${keys} keys in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);
    await first.proc.stop();
    const stateDir = join(dataDir, 'state');
    const storeName = readdirSync(stateDir).find((f) => /^CTAS_T_\d+\.db$/.test(f));
    if (!storeName) throw new Error(`no CTAS_T store in ${stateDir}: ${readdirSync(stateDir).join(', ')}`);

    const ours: number[] = [];
    const theirs: number[] = [];
    const eddyCpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const i = Math.floor(((r + 1) * keys) / (rounds + 1));
      const sql = `SELECT * FROM T WHERE K = 'k${i}';`;
      const expected = JSON.stringify([[`k${i}`, i, `name-${i}`]]);
      const port = await freePort();
      const args = eddyServerArgs(dataDir, 'dist').map((a, n, all) => (all[n - 1] === '--port' ? String(port) : a));
      const e = await timeToAnswer(args, port, sql, expected);
      await e.proc.stop();
      const bport = await freePort();
      const b = await timeToAnswer(['bench/restart-baseline.mjs', join(stateDir, storeName), String(bport)], bport, sql, expected);
      await b.proc.stop();
      ours.push(e.ms);
      theirs.push(b.ms);
      eddyCpu.push(e.cpuMs);
      console.log(
        `  round ${r + 1}: eddy ${e.ms.toFixed(0)} ms (listening at ${e.listenMs.toFixed(0)} ms, ${e.cpuMs.toFixed(0)} ms CPU) | node+fastify+SQLite ${b.ms.toFixed(0)} ms (${b.cpuMs.toFixed(0)} ms CPU) | ratio ${(b.ms / e.ms).toFixed(2)}`,
      );
    }
    const o = stats(ours);
    const t = stats(theirs);
    const ratio = stats(ours.map((m, i) => theirs[i]! / m));
    console.log(`  eddy restart to first correct answer: median ${o.median.toFixed(0)} ms (${o.min.toFixed(0)}–${o.max.toFixed(0)}); target < 1000 ms`);
    const cpu = stats(eddyCpu);
    console.log(`  eddy CPU time (user+sys) until then : median ${cpu.median.toFixed(0)} ms (${cpu.min.toFixed(0)}–${cpu.max.toFixed(0)}); wall time includes waiting for the machine's cores`);
    console.log(`  baseline                            : median ${t.median.toFixed(0)} ms (${t.min.toFixed(0)}–${t.max.toFixed(0)})`);
    console.log(`  ratio baseline / eddy: median ${ratio.median.toFixed(2)} (spread ${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runRestartBench();
