// `npm run bench -- stateless [--records N] [--rounds N]`: stateless throughput, 1M JSON
// records (~100 bytes) through
//   CREATE STREAM OUT AS SELECT ID, NAME, AMOUNT * 2 AS AMOUNT2, CATEGORY FROM INPUT WHERE AMOUNT > 50;
// end to end over the embedded log (fetch, deserialize, filter, project, serialize,
// produce, commit), against a plain loop over the same Buffers (JSON.parse → filter →
// project → JSON.stringify → Buffer), in alternating rounds.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../src/catalog/catalog.js';
import { BIGINT, DOUBLE, STRING } from '../src/common/types.js';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { benchRecords, benchRounds } from './options.js';
import { alternate, elapsedMs, type RoundsSummary } from './rounds.js';

const CATEGORIES = ['books', 'music', 'garden', 'toys', 'tools'];

export function makeValues(n: number): Buffer[] {
  const out: Buffer[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = {
      ID: i,
      NAME: `customer-${(i * 7919) % 100000}`,
      AMOUNT: ((i * 37) % 10000) / 100,
      CATEGORY: CATEGORIES[i % CATEGORIES.length],
      NOTE: 'lorem ipsum',
    };
    out[i] = Buffer.from(JSON.stringify(v));
  }
  return out;
}

function baseline(values: Buffer[]): { ms: number; passed: number } {
  const start = process.hrtime.bigint();
  let passed = 0;
  const sink: Buffer[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = JSON.parse(values[i]!.toString()) as { ID: number; NAME: string; AMOUNT: number; CATEGORY: string };
    if (!(v.AMOUNT > 50)) continue;
    const out = { ID: v.ID, NAME: v.NAME, AMOUNT2: v.AMOUNT * 2, CATEGORY: v.CATEGORY };
    sink.push(Buffer.from(JSON.stringify(out)));
    passed++;
    if (sink.length >= 10000) sink.length = 0;
  }
  return { ms: elapsedMs(start), passed };
}

/** The bench's input stream (ID, NAME, AMOUNT, CATEGORY, NOTE as JSON) over `topic`. */
export function benchInputSource(topic: string): Parameters<Catalog['putSource']>[0] {
  return {
    name: 'INPUT',
    sourceType: 'STREAM',
    schema: {
      key: [],
      value: [
        { name: 'ID', type: BIGINT, namespace: 'VALUE' },
        { name: 'NAME', type: STRING, namespace: 'VALUE' },
        { name: 'AMOUNT', type: DOUBLE, namespace: 'VALUE' },
        { name: 'CATEGORY', type: STRING, namespace: 'VALUE' },
        { name: 'NOTE', type: STRING, namespace: 'VALUE' },
      ],
    },
    topic,
    keyFormat: { format: 'KAFKA' },
    valueFormat: { format: 'JSON' },
    isSource: false,
    sqlText: 'CREATE STREAM INPUT ...;',
  };
}

export async function runStatelessBench(): Promise<RoundsSummary> {
  const records = benchRecords(1_000_000);
  const rounds = benchRounds();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-stateless-'));
  try {
    const log = await openBenchLog(dir);
    const values = makeValues(records);
    await fillTopic(log, 'input', records, (i) => ({ key: null, value: values[i]!, timestamp: 1_700_000_000_000 }));
    const avg = values.reduce((s, b) => s + b.length, 0) / values.length;
    console.log(`stateless: ${records} JSON records of ~${avg.toFixed(0)} bytes, ${rounds} alternating rounds`);
    const summary = await alternate({
      label: 'stateless',
      records,
      rounds,
      baseline: () => {
        const b = baseline(values);
        return { ms: b.ms, note: `${b.passed} passed` };
      },
      eddy: async (round) => {
        const sink = `OUT_${round}`;
        const r = await runQueryRound({
          log,
          sources: [benchInputSource('input')],
          sql: `CREATE STREAM ${sink} AS SELECT ID, NAME, AMOUNT * 2 AS AMOUNT2, CATEGORY FROM INPUT WHERE AMOUNT > 50;`,
          sink,
          dataDir: join(dir, `data${round}`),
        });
        return { ms: r.ms, note: `${r.produced} passed` };
      },
    });
    console.log(`  target: ratio >= 0.5`);
    await log.close();
    return summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
