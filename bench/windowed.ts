// `npm run bench -- windowed [--records N] [--rounds N]`: a tumbling one-minute count,
//   CREATE TABLE W AS SELECT K, COUNT(*) AS C FROM INPUT WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY K;
// over 1M JSON records with 10k keys, 10 ms apart in event time (about 170 windows), end to
// end over the embedded log, against a plain loop: JSON.parse, a Map by key and window,
// one SQLite upsert transaction per 5000 records, the changelog record stringified per
// input record. Rounds alternate.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { BASE_TS, keyedInputSource, keyedValues } from './keyed-input.js';
import { benchRecords, benchRounds, option } from './options.js';
import { alternate, elapsedMs } from './rounds.js';
import { BATCH, BaselineStore } from './sqlite-baseline.js';

const KEYS = 10_000;
const STEP_MS = 10;
const WINDOW_MS = 60_000;

function baseline(values: Buffer[], file: string): { ms: number; changelog: number } {
  const start = process.hrtime.bigint();
  const store = new BaselineStore(file);
  const counts = new Map<string, number>();
  const touched = new Map<string, string>();
  let changelog = 0;
  let sink: { key: Buffer; value: Buffer }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = JSON.parse(values[i]!.toString()) as { ID: number; K: string };
    const ts = BASE_TS + i * STEP_MS;
    const windowStart = ts - (ts % WINDOW_MS);
    const id = `${v.K}|${windowStart}`;
    const c = (counts.get(id) ?? 0) + 1;
    counts.set(id, c);
    const value = JSON.stringify({ C: c });
    touched.set(id, value);
    const key = Buffer.alloc(Buffer.byteLength(v.K) + 8);
    key.write(v.K);
    key.writeBigInt64BE(BigInt(windowStart), key.length - 8);
    sink.push({ key, value: Buffer.from(value) });
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

export async function runWindowedBench(): Promise<void> {
  const records = benchRecords(1_000_000);
  const rounds = benchRounds();
  const cache = option('--cache');
  const properties = cache === undefined ? {} : { 'cache.max.bytes.buffering': Number(cache) };
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-windowed-'));
  try {
    const log = await openBenchLog(dir);
    const values = keyedValues(records, KEYS);
    await fillTopic(log, 'input', records, (i) => ({ key: null, value: values[i]!, timestamp: BASE_TS + i * STEP_MS }));
    console.log(`windowed: ${records} records, ${KEYS} keys, tumbling 1-minute windows, ${rounds} alternating rounds, properties ${JSON.stringify(properties)}`);
    await alternate({
      label: 'windowed',
      records,
      rounds,
      baseline: (round) => {
        const b = baseline(values, join(dir, `base${round}`, 'state.db'));
        return { ms: b.ms, note: `${b.changelog} changelog records` };
      },
      eddy: async (round) => {
        const sink = `W_${round}`;
        const r = await runQueryRound({
          log,
          sources: [keyedInputSource('INPUT', 'input')],
          sql: `CREATE TABLE ${sink} AS SELECT K, COUNT(*) AS C FROM INPUT WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY K;`,
          sink,
          dataDir: join(dir, `data${round}`),
          properties,
        });
        return { ms: r.ms, note: `${r.produced} changelog records` };
      },
    });
    await log.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
