// npm run conformance -- [dir|file …] [--report PATH] [--filter REGEX] [--timeout MS] [--status PATH]
//                        [--log embedded|kafka] [--bootstrap HOST:PORT[,…]] [--sample N] [--shard K/N] [--min-pass N]
// Runs ksqlDB query-validation cases (default: ../shared/conformance/ksqldb) against the
// engine (on the embedded log, or with --log kafka on a KafkaLog against an embedded broker
// over loopback, or with --bootstrap against that Kafka cluster), writes conformance-report.json
// and prints `conformance: N passed, M failed of T`. --sample N runs N cases spread evenly over
// the cases sorted by file and name (the same N every time); --shard K/N runs every N-th of those
// from the K-th (0-based), to split a long run over processes; --min-pass N exits 1 below N passes.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases, type LoadResult } from './loader.js';
import { buildReport, runCases } from './suite.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared/conformance/ksqldb next to the repository (worktrees sit one level deeper). */
function defaultCasesDir(): string {
  const candidates = [join(repoRoot, '..', 'shared'), join(repoRoot, '..', '..', 'shared')].map((d) => join(d, 'conformance', 'ksqldb'));
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}

function parseArgs(argv: string[]) {
  const paths: string[] = [];
  let report = 'conformance-report.json';
  let filter: RegExp | undefined;
  let timeoutMs = 10_000;
  let status: string | undefined;
  let verbose = false;
  let log = 'embedded';
  let bootstrap: string | undefined;
  let sample: number | undefined;
  let minPass: number | undefined;
  let shard: [number, number] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--report') report = argv[++i]!;
    else if (a === '--filter') filter = new RegExp(argv[++i]!);
    else if (a === '--timeout') timeoutMs = Number(argv[++i]);
    else if (a === '--status') status = argv[++i]!;
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--log') log = argv[++i]!;
    else if (a === '--bootstrap') bootstrap = argv[++i]!;
    else if (a === '--sample') sample = Number(argv[++i]);
    else if (a === '--min-pass') minPass = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n\n')[0]!.replace(/^\/\/ ?/gm, ''));
      process.exit(0);
    }
    else if (a === '--shard') {
      const m = /^(\d+)\/(\d+)$/.exec(argv[++i] ?? '');
      if (!m || Number(m[1]) >= Number(m[2])) {
        console.error(`--shard takes K/N with 0 <= K < N, got '${argv[i]}'`);
        process.exit(2);
      }
      shard = [Number(m[1]), Number(m[2])];
    }
    else paths.push(a);
  }
  if (paths.length === 0) paths.push(defaultCasesDir());
  if (log !== 'embedded' && log !== 'kafka') {
    console.error(`--log takes embedded or kafka, got '${log}'`);
    process.exit(2);
  }
  if (bootstrap !== undefined && log !== 'kafka') {
    console.error('--bootstrap needs --log kafka');
    process.exit(2);
  }
  for (const [name, v] of [['--sample', sample], ['--min-pass', minPass]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
      console.error(`${name} takes a whole number`);
      process.exit(2);
    }
  }
  return { paths, report, filter, timeoutMs, status, verbose, log, bootstrap, sample, minPass, shard };
}

function sortedCases(loaded: LoadResult) {
  return [...loaded.cases].sort((a, b) => (a.file === b.file ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.file < b.file ? -1 : 1));
}

/** Every n-th case in (file, name) order from the k-th. */
function shardCases(loaded: LoadResult, [k, n]: [number, number]): LoadResult {
  return { cases: sortedCases(loaded).filter((_, i) => i % n === k), skipped: loaded.skipped, errors: k === 0 ? loaded.errors : [] };
}

/** n cases spread evenly over all of them in (file, name) order: every k-th, the same each run. */
function sampleCases(loaded: LoadResult, n: number): LoadResult {
  const sorted = sortedCases(loaded);
  if (n >= sorted.length) return { ...loaded, cases: sorted };
  const picked = Array.from({ length: n }, (_, i) => sorted[Math.floor((i * sorted.length) / n)]!);
  return { cases: picked, skipped: loaded.skipped, errors: [] };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Worker threads inherit the environment: their engines open on the chosen log.
  process.env.EDDY_CONFORMANCE_LOG = args.log;
  if (args.bootstrap) process.env.EDDY_CONFORMANCE_BOOTSTRAP = args.bootstrap;
  const started = Date.now();
  const all = loadCases(args.paths, args.filter);
  const sampled = args.sample === undefined ? all : sampleCases(all, args.sample);
  const loaded = args.shard ? shardCases(sampled, args.shard) : sampled;
  let done = 0;
  const results = await runCases(loaded.cases, {
    timeoutMs: args.timeoutMs,
    onResult: (tc, r) => {
      done++;
      if (args.verbose) console.log(`${r.passed ? 'PASS' : 'FAIL'} ${tc.name}${r.passed ? '' : `: ${r.reason}`}`);
      else if (done % 200 === 0) console.error(`… ${done}/${loaded.cases.length}`);
    },
  });
  const report = buildReport(loaded, results, Date.now() - started);
  writeFileSync(args.report, JSON.stringify(report, null, 2));
  const on = args.bootstrap ? ` (kafka log on ${args.bootstrap})` : args.log === 'kafka' ? ' (kafka log)' : '';
  const line = `conformance${on}${args.sample !== undefined ? ` sample of ${loaded.cases.length}` : ''}: ${report.passed} passed, ${report.failed} failed of ${report.total}`;
  if (args.status) {
    const top = report.failureGroups.slice(0, 15).map((g) => `  ${g.count}\t${g.reason}`).join('\n');
    writeFileSync(args.status, `${new Date().toISOString()} ${line} (skipped ${report.skipped})\ntop failure reasons:\n${top}\n`);
  }
  console.log(line);
  if (args.minPass !== undefined && report.passed < args.minPass) {
    console.error(`conformance: ${report.passed} passed is below the floor of ${args.minPass}; the report (${args.report}) lists the failures`);
    process.exitCode = 1;
  }
}

await main();
