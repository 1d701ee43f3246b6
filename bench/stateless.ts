// Stateless throughput: 1M JSON records (~100 bytes) through
//   CREATE STREAM OUT AS SELECT ID, NAME, AMOUNT * 2 AS AMOUNT2, CATEGORY FROM INPUT WHERE AMOUNT > 50;
// end to end over the embedded log (fetch, deserialize, filter, project, serialize,
// produce, commit), against a plain loop over the same Buffers in the same run
// (JSON.parse → filter → project → JSON.stringify → Buffer).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { DEFAULT_PROPERTIES } from '../src/config/index.js';
import { functionRegistry } from '../src/functions/index.js';
import { EmbeddedLog } from '../src/log/embedded/index.js';
import { parseStatement } from '../src/parser/index.js';
import type { CreateAsSelect } from '../src/parser/ast.js';
import { BIGINT, DOUBLE, STRING } from '../src/common/types.js';
import { createQueryService } from '../src/runtime/index.js';

const RECORDS = Number(process.env.EDDY_BENCH_RECORDS ?? 1_000_000);
const CATEGORIES = ['books', 'music', 'garden', 'toys', 'tools'];

function makeValues(n: number): Buffer[] {
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
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, passed };
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

export async function runStatelessBench(): Promise<{ recordsPerSecond: number; ratio: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-stateless-'));
  try {
    const log = await EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
    const catalog = new Catalog();
    await log.createTopic('input', { partitions: 1 });
    catalog.putSource(benchInputSource('input'));
    const values = makeValues(RECORDS);
    const avg = values.reduce((s, b) => s + b.length, 0) / values.length;
    for (let i = 0; i < values.length; i += 10000) {
      await log.produce(
        'input',
        values.slice(i, i + 10000).map((value) => ({ key: null, value, timestamp: 1_700_000_000_000 })),
      );
    }

    const base = baseline(values);
    const service = createQueryService();
    const ctx = {
      catalog,
      log,
      functions: functionRegistry,
      dataDir: join(dir, 'data'),
      properties: { ...DEFAULT_PROPERTIES, 'auto.offset.reset': 'earliest' },
    };
    const stmt = parseStatement(
      'CREATE STREAM OUT AS SELECT ID, NAME, AMOUNT * 2 AS AMOUNT2, CATEGORY FROM INPUT WHERE AMOUNT > 50;',
    ) as CreateAsSelect;
    const plan = service.planPersistent(stmt, 'CSAS_OUT_0', ctx);
    catalog.putSource(plan.sink);
    const start = process.hrtime.bigint();
    service.start(plan, ctx);
    await service.drain();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const end = await log.endOffsets('OUT');
    const produced = end.reduce((a, b) => a + b, 0);
    await service.close();
    await log.close();

    const recordsPerSecond = Math.round((RECORDS / ms) * 1000);
    const baselinePerSecond = Math.round((RECORDS / base.ms) * 1000);
    const ratio = base.ms / ms;
    console.log(`stateless: ${RECORDS} records of ~${avg.toFixed(0)} bytes, ${produced} passed the filter (baseline ${base.passed})`);
    console.log(`  eddy CSAS end to end : ${ms.toFixed(0)} ms, ${recordsPerSecond.toLocaleString('en-US')} records/s`);
    console.log(`  plain loop baseline  : ${base.ms.toFixed(0)} ms, ${baselinePerSecond.toLocaleString('en-US')} records/s`);
    console.log(`  ratio (eddy / plain loop): ${ratio.toFixed(2)} (target >= 0.35)`);
    return { recordsPerSecond, ratio };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runStatelessBench();
}
