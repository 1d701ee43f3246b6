// `npm run bench -- join [--records N] [--rounds N]`: a stream of 1M JSON records joined with
// a 10k-row table,
//   CREATE STREAM J AS SELECT I.ID, I.K, I.AMOUNT, C.NAME, C.REGION FROM INPUT I JOIN CUSTOMERS C ON I.K = C.ID;
// end to end over the embedded log (the table's rows come first in event time), against a
// plain loop: the table parsed into a Map, then per stream record JSON.parse, a Map
// lookup and JSON.stringify of the joined record. Rounds alternate.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from '../src/catalog/model.js';
import { STRING } from '../src/common/types.js';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { BASE_TS, keyedInputSource, keyedValues } from './keyed-input.js';
import { benchRecords, benchRounds } from './options.js';
import { alternate, elapsedMs } from './rounds.js';

export const TABLE_ROWS = 10_000;
const REGIONS = ['north', 'south', 'east', 'west'];

export const JOIN_SQL = (sink: string) => `CREATE STREAM ${sink} AS SELECT I.ID, I.K, I.AMOUNT, C.NAME, C.REGION FROM INPUT I JOIN CUSTOMERS C ON I.K = C.ID;`;

export function customersSource(topic: string): DataSource {
  return {
    name: 'CUSTOMERS',
    sourceType: 'TABLE',
    schema: {
      key: [{ name: 'ID', type: STRING, namespace: 'KEY' }],
      value: [
        { name: 'NAME', type: STRING, namespace: 'VALUE' },
        { name: 'REGION', type: STRING, namespace: 'VALUE' },
      ],
    },
    topic,
    keyFormat: { format: 'KAFKA' },
    valueFormat: { format: 'JSON' },
    isSource: false,
    sqlText: `CREATE TABLE CUSTOMERS (ID STRING PRIMARY KEY, NAME STRING, REGION STRING) WITH (kafka_topic='${topic}', value_format='JSON');`,
  };
}

export function customer(i: number): { key: Buffer; value: Buffer } {
  return { key: Buffer.from(`k${i}`), value: Buffer.from(JSON.stringify({ NAME: `customer ${i}`, REGION: REGIONS[i % REGIONS.length] })) };
}

function baseline(table: { key: Buffer; value: Buffer }[], values: Buffer[]): { ms: number; joined: number } {
  const start = process.hrtime.bigint();
  const rows = new Map<string, { NAME: string; REGION: string }>();
  for (const r of table) rows.set(r.key.toString(), JSON.parse(r.value.toString()) as { NAME: string; REGION: string });
  let joined = 0;
  const sink: Buffer[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = JSON.parse(values[i]!.toString()) as { ID: number; K: string; AMOUNT: number };
    const c = rows.get(v.K);
    if (!c) continue;
    sink.push(Buffer.from(JSON.stringify({ I_K: v.K, ID: v.ID, AMOUNT: v.AMOUNT, NAME: c.NAME, REGION: c.REGION })));
    joined++;
    if (sink.length >= 10000) sink.length = 0;
  }
  return { ms: elapsedMs(start), joined };
}

export async function runJoinBench(): Promise<void> {
  const records = benchRecords(1_000_000);
  const rounds = benchRounds();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-join-'));
  try {
    const log = await openBenchLog(dir);
    const table = Array.from({ length: TABLE_ROWS }, (_, i) => customer(i));
    await fillTopic(log, 'customers', TABLE_ROWS, (i) => ({ ...table[i]!, timestamp: BASE_TS - 1000 }));
    const values = keyedValues(records, TABLE_ROWS);
    await fillTopic(log, 'input', records, (i) => ({ key: null, value: values[i]!, timestamp: BASE_TS + i }));
    console.log(`join: ${records} stream records joined with a ${TABLE_ROWS}-row table, ${rounds} alternating rounds`);
    await alternate({
      label: 'join',
      records,
      rounds,
      baseline: () => {
        const b = baseline(table, values);
        return { ms: b.ms, note: `${b.joined} joined` };
      },
      eddy: async (round) => {
        const sink = `J_${round}`;
        const r = await runQueryRound({
          log,
          sources: [keyedInputSource('INPUT', 'input'), customersSource('customers')],
          sql: JOIN_SQL(sink),
          sink,
          dataDir: join(dir, `data${round}`),
        });
        return { ms: r.ms, note: `${r.produced} joined` };
      },
    });
    console.log('  target: ratio >= 0.5');
    await log.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
