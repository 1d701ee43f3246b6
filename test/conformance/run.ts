// npm run conformance -- [dir|file …] [--report PATH] [--filter REGEX] [--timeout MS] [--status PATH] [--log embedded|kafka]
// Runs ksqlDB query-validation cases (default: ../shared/conformance/ksqldb) against the
// engine (on the embedded log, or with --log kafka on a KafkaLog against an embedded broker
// over loopback), writes conformance-report.json and prints `conformance: N passed, M failed of T`.

import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from './loader.js';
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
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--report') report = argv[++i]!;
    else if (a === '--filter') filter = new RegExp(argv[++i]!);
    else if (a === '--timeout') timeoutMs = Number(argv[++i]);
    else if (a === '--status') status = argv[++i]!;
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--log') log = argv[++i]!;
    else paths.push(a);
  }
  if (paths.length === 0) paths.push(defaultCasesDir());
  if (log !== 'embedded' && log !== 'kafka') {
    console.error(`--log takes embedded or kafka, got '${log}'`);
    process.exit(2);
  }
  return { paths, report, filter, timeoutMs, status, verbose, log };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Worker threads inherit the environment: their engines open on the chosen log.
  process.env.EDDY_CONFORMANCE_LOG = args.log;
  const started = Date.now();
  const loaded = loadCases(args.paths, args.filter);
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
  const line = `conformance${args.log === 'kafka' ? ' (kafka log)' : ''}: ${report.passed} passed, ${report.failed} failed of ${report.total}`;
  if (args.status) {
    const top = report.failureGroups.slice(0, 15).map((g) => `  ${g.count}\t${g.reason}`).join('\n');
    writeFileSync(args.status, `${new Date().toISOString()} ${line} (skipped ${report.skipped})\ntop failure reasons:\n${top}\n`);
  }
  console.log(line);
}

await main();
