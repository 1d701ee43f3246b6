// Peak RSS of a 1M-key aggregate (the aggregate bench's CTAS, one record per key) in a process
// that does nothing else, running the compiled JavaScript as `eddy` does (tsx alone adds
// some 35 MB): this file and what it imports are compiled with bench/tsconfig.rss.json, one
// child process writes the input topic into an embedded log and exits, a second opens the
// log, runs the query to the end and reports its peak RSS (VmHWM).
// `node --import tsx bench/aggregate-rss.ts [RECORDS] [PROPERTIES-JSON]`

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { BASE_TS, keyOf, keyedInputSource } from './keyed-input.js';
import { AGGREGATE_SQL } from './aggregate.js';

const [mode, a, b, c] = process.argv.slice(2);

async function fill(dir: string, records: number): Promise<void> {
  const log = await openBenchLog(dir);
  await fillTopic(log, 'input', records, (i) => ({
    key: null,
    value: Buffer.from(JSON.stringify({ ID: i, K: keyOf(i, records), AMOUNT: ((i * 37) % 10000) / 100 })),
    timestamp: BASE_TS + i,
  }));
  await log.close();
}

async function run(dir: string, properties: Record<string, unknown>): Promise<void> {
  const log = await openBenchLog(dir);
  const before = process.memoryUsage.rss() / 2 ** 20;
  const r = await runQueryRound({ log, sources: [keyedInputSource('INPUT', 'input')], sql: AGGREGATE_SQL('AGG'), sink: 'AGG', dataDir: join(dir, 'data'), properties });
  await log.close();
  console.log(
    `  ${Number(c).toLocaleString('en-US')}-key aggregate RSS in its own process: peak ${r.peakRssMb.toFixed(0)} MB (at start ${before.toFixed(0)} MB; ` +
      `peak JS heap ${r.peakHeapMb.toFixed(0)} MB, outside it ${r.peakExternalMb.toFixed(0)} MB), ` +
      `${r.produced} changelog records, ${Math.round(Number(c) / (r.ms / 1000)).toLocaleString('en-US')} records/s (target: peak < 300 MB)`,
  );
}

if (mode === 'fill') await fill(a!, Number(b));
else if (mode === 'run') await run(a!, JSON.parse(b ?? '{}') as Record<string, unknown>);
else {
  const records = Number(mode ?? 1_000_000);
  const properties = a ?? '{}';
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'bench/tsconfig.rss.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const compiled = join(root, 'node_modules/.cache/eddy-bench-rss/bench/aggregate-rss.js');
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-rss-'));
  try {
    const f = spawnSync(process.execPath, [compiled, 'fill', dir, String(records)], { stdio: 'inherit' });
    if (f.status !== 0) process.exit(f.status ?? 1);
    const r = spawnSync(process.execPath, [compiled, 'run', dir, properties, String(records)], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
