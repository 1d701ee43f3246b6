// What the in-process benches share: an embedded log holding the input topics (written once,
// untimed), and one timed round of a persistent query over it, end to end (fetch,
// deserialize, operators, state, serialize, produce, commit) with a fresh query, sink and
// state directory per round.

import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import type { DataSource } from '../src/catalog/model.js';
import { DEFAULT_PROPERTIES } from '../src/config/index.js';
import { functionRegistry } from '../src/functions/index.js';
import { EmbeddedLog } from '../src/log/embedded/index.js';
import type { ProduceRecord } from '../src/log/topic-log.js';
import { parseStatement } from '../src/parser/index.js';
import type { CreateAsSelect } from '../src/parser/ast.js';
import { createQueryService } from '../src/runtime/index.js';
import { elapsedMs } from './rounds.js';

export async function openBenchLog(dir: string): Promise<EmbeddedLog> {
  return EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
}

/** Writes `count` records made by `record(i)` to a new one-partition topic, 10k per produce call. */
export async function fillTopic(log: EmbeddedLog, topic: string, count: number, record: (i: number) => ProduceRecord): Promise<void> {
  await log.createTopic(topic, { partitions: 1 });
  for (let i = 0; i < count; i += 10_000) {
    const batch: ProduceRecord[] = [];
    for (let j = i; j < Math.min(count, i + 10_000); j++) batch.push(record(j));
    await log.produce(topic, batch);
  }
}

export interface QueryRound {
  ms: number;
  /** Records in the sink topic after the round. */
  produced: number;
  /** Peak RSS seen while the query ran, in MB. */
  peakRssMb: number;
}

/**
 * Runs `sql` (a CSAS/CTAS whose sink is named `sink`) over `sources` until it has consumed
 * everything, commits, and closes it.
 */
export async function runQueryRound(options: {
  log: EmbeddedLog;
  sources: DataSource[];
  sql: string;
  sink: string;
  dataDir: string;
  properties?: Record<string, unknown>;
}): Promise<QueryRound> {
  const { log } = options;
  const catalog = new Catalog();
  for (const s of options.sources) catalog.putSource(s);
  const service = createQueryService();
  const ctx = {
    catalog,
    log,
    functions: functionRegistry,
    dataDir: options.dataDir,
    properties: { ...DEFAULT_PROPERTIES, 'auto.offset.reset': 'earliest', ...options.properties },
  };
  const plan = service.planPersistent(parseStatement(options.sql) as CreateAsSelect, `CSAS_${options.sink}_0`, ctx);
  catalog.putSource(plan.sink);
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const start = process.hrtime.bigint();
  try {
    service.start(plan, ctx);
    await service.drain();
  } finally {
    clearInterval(sampler);
  }
  const ms = elapsedMs(start);
  peak = Math.max(peak, process.memoryUsage.rss());
  const produced = (await log.endOffsets(plan.sink.topic)).reduce((a, b) => a + b, 0);
  await service.close();
  return { ms, produced, peakRssMb: peak / 2 ** 20 };
}
