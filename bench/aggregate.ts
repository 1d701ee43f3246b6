// `npm run bench -- aggregate [--records N] [--rounds N] [--keys N]`: an aggregating CTAS
//   CREATE TABLE AGG AS SELECT K, COUNT(*) AS C, SUM(AMOUNT) AS S FROM INPUT GROUP BY K;
// over 1M JSON records, with 10k keys and with 1M keys, end to end over the embedded log
// (changelog to the output topic plus the SQLite materialization), against a plain loop:
// JSON.parse, a Map of the groups, one SQLite upsert transaction per 5000 records, and the
// changelog record (key and JSON value) stringified per input record. Rounds alternate.
// Then the peak RSS of a 1M-key aggregate in a process of its own (see aggregate-rss.ts;
// --no-rss skips it).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { keyedInputSource, keyedValues, BASE_TS } from './keyed-input.js';
import { benchRecords, benchRounds, flag, option } from './options.js';
import { alternate, elapsedMs, type RoundsSummary } from './rounds.js';
import { BATCH, BaselineStore } from './sqlite-baseline.js';

export const AGGREGATE_SQL = (sink: string) => `CREATE TABLE ${sink} AS SELECT K, COUNT(*) AS C, SUM(AMOUNT) AS S FROM INPUT GROUP BY K;`;

function baseline(values: Buffer[], file: string): { ms: number; changelog: number } {
  const start = process.hrtime.bigint();
  const store = new BaselineStore(file);
  const groups = new Map<string, { C: number; S: number }>();
  const touched = new Map<string, string>();
  let changelog = 0;
  let sink: { key: Buffer; value: Buffer }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = JSON.parse(values[i]!.toString()) as { ID: number; K: string; AMOUNT: number };
    let g = groups.get(v.K);
    if (!g) groups.set(v.K, (g = { C: 0, S: 0 }));
    g.C++;
    g.S += v.AMOUNT;
    const value = JSON.stringify(g);
    touched.set(v.K, value);
    sink.push({ key: Buffer.from(v.K), value: Buffer.from(value) });
    changelog++;
    if (sink.length >= BATCH || i === values.length - 1) {
      store.upsertBatch(touched);
      touched.clear();
      sink = [];
    }
  }
  store.close();
  return { ms: elapsedMs(start), changelog };
}

async function benchKeys(dir: string, records: number, keys: number, rounds: number, properties: Record<string, unknown>): Promise<RoundsSummary> {
  const log = await openBenchLog(join(dir, `k${keys}`));
  const values = keyedValues(records, keys);
  await fillTopic(log, 'input', records, (i) => ({ key: null, value: values[i]!, timestamp: BASE_TS + i }));
  const label = `aggregate ${keys.toLocaleString('en-US')} keys`;
  console.log(`${label}: ${records} records, ${rounds} alternating rounds, properties ${JSON.stringify(properties)}`);
  let peak = 0;
  const summary = await alternate({
    label,
    records,
    rounds,
    baseline: (round) => {
      const b = baseline(values, join(dir, `base-${keys}-${round}`, 'state.db'));
      return { ms: b.ms, note: `${b.changelog} changelog records` };
    },
    eddy: async (round) => {
      const sink = `AGG_${round}`;
      const r = await runQueryRound({
        log,
        sources: [keyedInputSource('INPUT', 'input')],
        sql: AGGREGATE_SQL(sink),
        sink,
        dataDir: join(dir, `data-${keys}-${round}`),
        properties,
      });
      peak = Math.max(peak, r.peakRssMb);
      return { ms: r.ms, note: `${r.produced} changelog records` };
    },
  });
  await log.close();
  return summary;
}

export async function runAggregateBench(): Promise<void> {
  const records = benchRecords(1_000_000);
  const rounds = benchRounds();
  const keySets = option('--keys') ? [Number(option('--keys'))] : [10_000, Math.max(10, records - (records % 10))];
  const cache = option('--cache');
  const properties = cache === undefined ? {} : { 'cache.max.bytes.buffering': Number(cache) };
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-aggregate-'));
  try {
    for (const keys of keySets) await benchKeys(dir, records, keys, rounds, properties);
    console.log('  target: ratio >= 0.5 with 10k keys');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!flag('--no-rss')) aggregateRss(records, properties);
}

/** Runs aggregate-rss.ts in a fresh process (input written by a separate one) and prints its figure. */
function aggregateRss(records: number, properties: Record<string, unknown>): void {
  const script = new URL('./aggregate-rss.ts', import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, String(records), JSON.stringify(properties)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) console.error(`  aggregate RSS run failed (exit ${r.status})`);
}
