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
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** The process's peak RSS so far (VmHWM on Linux; elsewhere the current RSS), in bytes. */
export function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage.rss();
}

export async function openBenchLog(dir: string): Promise<EmbeddedLog> {
  return EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
}

/** Writes `count` records made by `record(i)` to a new topic (one partition unless told), 10k per produce call. */
export async function fillTopic(log: EmbeddedLog, topic: string, count: number, record: (i: number) => ProduceRecord, partitions = 1): Promise<void> {
  await log.createTopic(topic, { partitions });
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
  sinkTopic: string;
  /** Peak RSS of the process so far (it includes what ran before the query), in MB. */
  peakRssMb: number;
  /** Peak V8 heap in use and peak memory outside it (Buffers, SQLite), in MB. */
  peakHeapMb: number;
  peakExternalMb: number;
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
  let heap = 0;
  let external = 0;
  // The query's loop may not yield to timers while it has work: the heap is sampled per poll of
  // the log, through V8's statistics (process.memoryUsage() also reads the RSS, at some 100 µs a
  // call on a large heap, which the round would count against the query).
  const fetch = log.fetch.bind(log);
  log.fetch = (...args) => {
    const m = getHeapStatistics();
    heap = Math.max(heap, m.used_heap_size);
    external = Math.max(external, m.external_memory);
    return fetch(...args);
  };
  const start = process.hrtime.bigint();
  try {
    service.start(plan, ctx);
    await service.drain();
  } finally {
    log.fetch = fetch;
  }
  const ms = elapsedMs(start);
  const peak = peakRss();
  const produced = (await log.endOffsets(plan.sink.topic)).reduce((a, b) => a + b, 0);
  await service.close();
  return { ms, produced, sinkTopic: plan.sink.topic, peakRssMb: peak / 2 ** 20, peakHeapMb: heap / 2 ** 20, peakExternalMb: external / 2 ** 20 };
}
