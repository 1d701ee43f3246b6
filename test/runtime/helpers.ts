// Shared setup for runtime tests: a fresh embedded log and catalog in a temp directory,
// source definitions, JSON produce/consume helpers and statement parsing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/catalog.js';
import type { DataSource } from '../../src/catalog/model.js';
import { functionRegistry } from '../../src/functions/index.js';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import type { LogRecord, RecordHeader } from '../../src/log/topic-log.js';
import { parseStatement } from '../../src/parser/index.js';
import type { CreateAsSelect, InsertInto, SelectStatement } from '../../src/parser/ast.js';
import { DEFAULT_PROPERTIES } from '../../src/config/index.js';
import type { Column, SqlType } from '../../src/common/types.js';
import { BIGINT, INTEGER, STRING } from '../../src/common/types.js';
import { createQueryService } from '../../src/runtime/index.js';
import type { QueryService, QueryServiceContext } from '../../src/runtime/contract.js';

export { BIGINT, INTEGER, STRING };

export interface Env {
  dir: string;
  log: EmbeddedLog;
  catalog: Catalog;
  service: QueryService;
  ctx: QueryServiceContext;
  close(): Promise<void>;
}

export async function makeEnv(properties: Record<string, unknown> = {}, dir?: string): Promise<Env> {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'eddy-runtime-'));
  const log = await EmbeddedLog.open(join(root, 'log'), { maintenanceIntervalMs: 0 });
  const catalog = new Catalog();
  const service = createQueryService();
  const ctx: QueryServiceContext = {
    catalog,
    log,
    functions: functionRegistry,
    dataDir: join(root, 'data'),
    // Every change of an aggregate is emitted (no record cache), as the conformance runner
    // runs ksqlDB's cases; tests of the cache set it themselves.
    properties: { ...DEFAULT_PROPERTIES, 'auto.offset.reset': 'earliest', 'ksql.streams.cache.max.bytes.buffering': 0, ...properties },
  };
  return {
    dir: root,
    log,
    catalog,
    service,
    ctx,
    async close() {
      await service.close();
      await log.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function col(name: string, type: SqlType, namespace: Column['namespace'] = 'VALUE', headerKey?: string): Column {
  return headerKey === undefined ? { name, type, namespace } : { name, type, namespace, headerKey };
}

export function source(
  name: string,
  sourceType: 'STREAM' | 'TABLE',
  columns: Column[],
  extra: Partial<DataSource> = {},
): DataSource {
  return {
    name,
    sourceType,
    schema: { key: columns.filter((c) => c.namespace === 'KEY'), value: columns.filter((c) => c.namespace !== 'KEY') },
    topic: name.toLowerCase(),
    keyFormat: { format: 'KAFKA' },
    valueFormat: { format: 'JSON' },
    isSource: false,
    sqlText: `CREATE ${sourceType} ${name} ...;`,
    ...extra,
  };
}

export async function register(env: Env, ds: DataSource, partitions = 1): Promise<void> {
  if (!(await env.log.describeTopic(ds.topic))) await env.log.createTopic(ds.topic, { partitions });
  env.catalog.putSource(ds);
}

export interface JsonRecord {
  key?: string | null;
  value: unknown;
  timestamp?: number;
  headers?: RecordHeader[];
  partition?: number;
}

export async function produce(env: Env, topic: string, records: JsonRecord[]): Promise<void> {
  await env.log.produce(
    topic,
    records.map((r) => ({
      key: r.key === undefined || r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(typeof r.value === 'string' ? r.value : JSON.stringify(r.value)),
      ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.partition !== undefined ? { partition: r.partition } : {}),
    })),
  );
}

export async function readAll(env: Env, topic: string): Promise<LogRecord[]> {
  const desc = await env.log.describeTopic(topic);
  if (!desc) return [];
  const out: LogRecord[] = [];
  for (let p = 0; p < desc.partitions; p++) {
    let offset = 0;
    for (;;) {
      const batch = await env.log.fetch([{ topic, partition: p, offset }], { maxRecords: 1000 });
      if (batch.length === 0) break;
      out.push(...batch);
      offset = batch[batch.length - 1]!.offset + 1;
    }
  }
  return out;
}

export async function readJson(env: Env, topic: string): Promise<{ key: string | null; value: unknown; timestamp: number; headers: RecordHeader[] }[]> {
  return (await readAll(env, topic)).map((r) => ({
    key: r.key === null ? null : r.key.toString(),
    value: r.value === null ? null : JSON.parse(r.value.toString()),
    timestamp: r.timestamp,
    headers: r.headers,
  }));
}

export function parse<T extends CreateAsSelect | InsertInto | SelectStatement>(sql: string): T {
  return parseStatement(sql) as T;
}

/** Plans, registers the sink in the catalog and starts a persistent query. */
export function run(env: Env, sql: string, queryId: string) {
  const stmt = parse<CreateAsSelect | InsertInto>(sql);
  const plan = env.service.planPersistent(stmt, queryId, env.ctx);
  if (stmt.kind === 'CreateAsSelect') env.catalog.putSource(plan.sink);
  const running = env.service.start(plan, env.ctx);
  return { plan, running };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}
