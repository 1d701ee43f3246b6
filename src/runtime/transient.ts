// Transient queries: push queries (EMIT CHANGES) that stream changes until LIMIT or
// close(), and pull queries that answer from a materialized table's SQLite store or by
// scanning a stream's topic up to the end offsets captured when the query starts.

import { randomBytes } from 'node:crypto';
import { getProperty } from '../config/index.js';
import type { QueryHeader, QueryStream, StreamedItem } from '../common/query-stream.js';
import type { FetchRequest, PartitionProgress, TopicLog } from '../log/topic-log.js';
import type { AnalyzedQuery } from '../planner/query/analyze.js';
import { compileIn } from '../planner/query/compile.js';
import { QueryPlanningError } from '../planner/query/errors.js';
import type { Expression, Query } from '../parser/ast.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { formatType } from '../common/types.js';
import { AsyncQueue } from './async-queue.js';
import { renderRow } from './json-render.js';
import { Pipeline, type OutputRow, type ProcessingLogSink } from './pipeline.js';
import type { ReadableTable, StoredRow } from './table-store.js';
import { columnRefs } from '../planner/query/expression-text.js';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { JoinRuntime } from './join/join-runtime.js';
import { joinInputs } from './join/join-inputs.js';
import { ScanProgress } from './scan-progress.js';

export interface TransientServices {
  log: TopicLog;
  functions: FunctionRegistry;
  properties: Record<string, unknown>;
  processingLog: ProcessingLogSink;
  getStore(name: string): ReadableTable | undefined;
}

const SUFFIX = '\nAdd EMIT CHANGES if you intended to issue a push query.';
const MORE = ' See https://cnfl.io/queries for more info.';

export function transientQueryId(properties: Record<string, unknown>, sourceName: string): string {
  const prefix = String(getProperty(properties, 'ksql.transient.prefix') ?? 'transient_');
  const random = BigInt(`0x${randomBytes(8).toString('hex')}`) % 10n ** 18n;
  return `${prefix}${sourceName}_${random}`;
}

function header(a: AnalyzedQuery, queryId: string, markKeys: boolean): QueryHeader {
  return {
    queryId,
    columnNames: a.selected.map((c) => c.name),
    columnTypes: a.selected.map((c) => formatType(c.type)),
    schema: a.selected
      .map((c) => `\`${c.name}\` ${formatType(c.type)}${markKeys && c.namespace === 'KEY' ? ' KEY' : ''}`)
      .join(', '),
  };
}

function pipelineFor(a: AnalyzedQuery, queryId: string, s: TransientServices): Pipeline {
  return new Pipeline(a, {
    queryId,
    functions: s.functions,
    processingLog: s.processingLog,
    includeRows: false,
    throwOnInvalidTimestamp: false,
    failOnDeserializationError: false,
  });
}

function flag(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  return v === true || String(v).toLowerCase() === 'true';
}

// ---------------------------------------------------------------- pull checks

export function checkPullQuery(q: Query, properties: Record<string, unknown>): void {
  const reject = (what: string) => {
    throw new QueryPlanningError(`Pull queries don't support ${what} clauses.${MORE}${SUFFIX}`);
  };
  if (q.joins.length > 0) reject('JOIN');
  if (q.window) reject('WINDOW');
  if (q.groupBy && q.groupBy.length > 0) reject('GROUP BY');
  if (q.partitionBy && q.partitionBy.length > 0) reject('PARTITION BY');
  if (q.having) reject('HAVING');
  if (q.limit !== undefined) {
    if (q.limit < 0) throw new QueryPlanningError(`Pull queries don't support negative integers in the LIMIT clause.${MORE}`);
    if (!flag(getProperty(properties, 'ksql.query.pull.limit.clause.enabled'), true)) {
      throw new QueryPlanningError(
        `LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true.${MORE}${SUFFIX}`,
      );
    }
  }
  const disallowed = (exprs: Expression[], clause: string) => {
    const bad = new Set<string>();
    for (const e of exprs) for (const r of columnRefs(e)) if (r.name === 'ROWPARTITION' || r.name === 'ROWOFFSET') bad.add(r.name);
    if (bad.size > 0) {
      throw new QueryPlanningError(
        `Pull queries don't support the following columns in ${clause} clauses: ${[...bad].map((b) => `\`${b}\``).join(', ')}${MORE}${SUFFIX}`,
      );
    }
  };
  disallowed(
    q.select.flatMap((s) => (s.kind === 'SingleColumn' ? [s.expr] : s.kind === 'StructAll' ? [s.expr] : [])),
    'SELECT',
  );
  if (q.where) disallowed([q.where], 'WHERE');
}

// ---------------------------------------------------------------- push

/**
 * A scalable push query (ksql.query.push.v2.enabled): a plain projection/filter over the sink of
 * a persistent query that starts at the latest offset. It is answered like any push query; only
 * its id says which kind it is.
 */
export function isScalablePush(a: AnalyzedQuery, properties: Record<string, unknown>): boolean {
  if (!flag(getProperty(properties, 'ksql.query.push.v2.enabled'), false)) return false;
  if (a.join || a.aggregate || a.partitionBy || a.tableFunctions.length > 0) return false;
  if (a.source.createdByQuery === undefined) return false;
  return String(getProperty(properties, 'auto.offset.reset') ?? 'latest').toLowerCase() === 'latest';
}

function scalablePushQueryId(): string {
  const hex = randomBytes(16).toString('hex');
  return `SCALABLE_PUSH_QUERY_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function runPushQuery(a: AnalyzedQuery, s: TransientServices): QueryStream {
  const queryId = isScalablePush(a, s.properties) ? scalablePushQueryId() : transientQueryId(s.properties, a.source.name);
  const pipeline = pipelineFor(a, queryId, s);
  // A join keeps its state in a scratch SQLite file for the life of the query.
  const joins = a.join ? new JoinRuntime(a, pipeline, pipeline.options, joinPath(tmpdir(), 'eddy-transient', `${queryId}-join.db`)) : null;
  const queue = new AsyncQueue<StreamedItem>();
  const types = a.selected.map((c) => c.type);
  let closed = false;
  let resolveFinal!: (m: string) => void;
  const finalMessage = new Promise<string>((r) => (resolveFinal = r));
  let emitted = 0;
  const limit = a.limit;
  const positions = new Map<string, number[]>();
  const progress = new ScanProgress(s.log, positions);

  const finish = (message: string) => {
    if (closed) return;
    closed = true;
    queue.end();
    resolveFinal(message);
    joins?.destroy();
  };

  const emit = (rows: OutputRow[]): void => {
    for (const o of rows) {
      if (closed) return;
      if (o.value === null) {
        if (o.filteredOut || a.resultType !== 'TABLE') continue;
        const row = a.selected.map((c) => (c.namespace === 'KEY' ? o.key[a.keyColumns.indexOf(c)] : null));
        queue.push({ row: renderRow(row, types), tombstone: true });
      } else {
        queue.push({ row: renderRow(pipeline.selectedRow(o)!, types) });
      }
      emitted++;
      if (limit !== undefined && emitted >= limit) {
        finish('Limit Reached');
        return;
      }
    }
  };

  void (async () => {
    try {
      if (limit === 0) return finish('Limit Reached');
      const topics = joins ? joins.topics : [a.source.topic];
      const reset = String(getProperty(s.properties, 'auto.offset.reset') ?? 'latest').toLowerCase();
      for (const topic of topics) {
        const start = reset === 'earliest' ? await s.log.beginningOffsets(topic) : await s.log.endOffsets(topic);
        positions.set(topic, start.slice());
      }
      // A join reads its inputs in event-time order through a partition group, as a persistent join does.
      const group = joins ? joinInputs(joins, [...positions].flatMap(([topic, offsets]) => offsets.map((offset, partition) => ({ topic, partition, offset }))), s.properties) : null;
      while (!closed) {
        let requests: FetchRequest[];
        if (group) requests = group.requests();
        else {
          requests = [];
          for (const [topic, offsets] of positions) offsets.forEach((offset, partition) => requests.push({ topic, partition, offset }));
        }
        const fetched: PartitionProgress[] = [];
        const maxWaitMs = group?.buffered ? 0 : 100;
        const records = requests.length > 0 ? await s.log.fetch(requests, { maxRecords: 1000, maxWaitMs, progress: fetched }) : [];
        if (closed) break;
        let ready = records;
        if (group) {
          group.add(records, fetched);
          ready = group.take(1000);
          for (const c of group.consumed()) positions.get(c.topic)![c.partition] = c.offset;
        } else {
          for (const r of records) {
            const offsets = positions.get(r.topic)!;
            if (r.offset + 1 > offsets[r.partition]!) offsets[r.partition] = r.offset + 1;
          }
        }
        if (ready.length > 0) emit(joins ? joins.processInOrder(ready) : pipeline.process(ready));
        if (records.length > 0) await progress.afterBatch(records.length);
        else if (ready.length === 0) await new Promise((r) => setTimeout(r, Math.min(10, group?.idleWaitMs() ?? 10)));
      }
    } catch (e) {
      if (!closed) {
        queue.push({ errorMessage: { '@type': 'generic_error', error_code: 50000, message: e instanceof Error ? e.message : String(e) } });
        finish(e instanceof Error ? e.message : String(e));
      }
    }
  })();

  return {
    kind: 'push',
    header: header(a, queryId, false),
    items: queue,
    finalMessage,
    progress: () => progress.snapshot(),
    close: () => finish('Query Completed'),
  };
}

// ---------------------------------------------------------------- pull

export function runPullQuery(a: AnalyzedQuery, s: TransientServices): QueryStream {
  const queryId = transientQueryId(s.properties, a.source.name);
  const queue = new AsyncQueue<StreamedItem>();
  const types = a.selected.map((c) => c.type);
  let resolveFinal!: (m: string) => void;
  const finalMessage = new Promise<string>((r) => (resolveFinal = r));
  let closed = false;
  const finish = (m: string) => {
    if (closed) return;
    closed = true;
    queue.end();
    resolveFinal(m);
  };
  const limit = a.limit;
  let emitted = 0;
  const push = (row: unknown[]): boolean => {
    if (closed) return false;
    queue.push({ row: renderRow(row, types) });
    emitted++;
    if (limit !== undefined && emitted >= limit) {
      finish('Limit Reached');
      return false;
    }
    return true;
  };

  if (a.source.sourceType === 'TABLE') {
    const store = a.source.stateStore ? s.getStore(a.source.stateStore) : undefined;
    if (!store) {
      throw new QueryPlanningError(
        `The \`${a.source.name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${a.source.name} AS SELECT * FROM ${a.source.name}'.${MORE}${SUFFIX}`,
      );
    }
    const rows = tableRows(a, store, s.functions);
    const where = a.where?.evaluate;
    const project = (r: unknown[]) => a.selected.map((c) => c.expr.evaluate(r));
    queueMicrotask(() => {
      try {
        if (limit !== 0) {
          for (const row of rows) {
            if (where && where(row) !== true) continue;
            if (!push(project(row))) break;
          }
        }
        finish('Query Completed');
      } catch (e) {
        queue.push({ errorMessage: { '@type': 'generic_error', error_code: 50000, message: e instanceof Error ? e.message : String(e) } });
        finish(e instanceof Error ? e.message : String(e));
      }
    });
    return { kind: 'pull', header: header(a, queryId, true), items: queue, finalMessage, omitFinalMessage: true, close: () => finish('Query Completed') };
  }

  if (!flag(getProperty(s.properties, 'ksql.query.pull.stream.enabled'), true)) {
    throw new QueryPlanningError(`Pull queries on streams are disabled. To enable, set ksql.query.pull.stream.enabled=true.${SUFFIX}`);
  }
  const pipeline = pipelineFor(a, queryId, s);
  const scanned = new Map<string, number[]>();
  const progress = new ScanProgress(s.log, scanned);
  void (async () => {
    try {
      const topic = a.source.topic;
      const end = await s.log.endOffsets(topic);
      const positions = await s.log.beginningOffsets(topic);
      scanned.set(topic, positions);
      const pending = () => positions.some((p, i) => p < end[i]!);
      if (limit === 0) return finish('Limit Reached');
      while (!closed && pending()) {
        const requests: FetchRequest[] = [];
        positions.forEach((offset, partition) => {
          if (offset < end[partition]!) requests.push({ topic, partition, offset });
        });
        const fetched = await s.log.fetch(requests, { maxRecords: 1000, maxWaitMs: 0 });
        const records = fetched.filter((r) => r.offset < end[r.partition]!);
        for (const r of fetched) if (r.offset + 1 > positions[r.partition]!) positions[r.partition] = Math.min(r.offset + 1, end[r.partition]!);
        if (fetched.length === 0) break;
        for (const o of pipeline.process(records)) {
          const row = pipeline.selectedRow(o);
          if (row && !push(row)) break;
        }
        await progress.afterBatch(fetched.length);
      }
      finish('Query Completed');
    } catch (e) {
      queue.push({ errorMessage: { '@type': 'generic_error', error_code: 50000, message: e instanceof Error ? e.message : String(e) } });
      finish(e instanceof Error ? e.message : String(e));
    }
  })();
  return { kind: 'pull', header: header(a, queryId, false), items: queue, finalMessage, progress: () => progress.snapshot(), close: () => finish('Query Completed') };
}

/** Source rows of a materialized table, narrowed to key lookups when WHERE pins the key. */
function tableRows(a: AnalyzedQuery, store: ReadableTable, functions: FunctionRegistry): unknown[][] {
  const layout = a.layout;
  const toRow = (r: StoredRow): unknown[] => {
    const row = new Array<unknown>(a.rowWidth).fill(null);
    for (let i = 0; i < r.key.length; i++) row[i] = r.key[i];
    for (let i = 0; i < r.values.length; i++) row[layout.keyColumns.length + i] = r.values[i];
    row[layout.rowtimeIndex] = r.rowtime;
    row[layout.rowpartitionIndex] = r.partition;
    if (layout.windowIndexes) {
      // Windowed tables store the window bounds after the key columns.
      const n = layout.keyColumns.length;
      row[layout.windowIndexes.start] = r.key[n];
      row[layout.windowIndexes.end] = r.key[n + 1];
    }
    return row;
  };
  const keys = a.where ? lookupKeys(a.where.ast, a, functions) : undefined;
  if (keys && layout.windowIndexes) {
    // Windowed: every window of each key, keys in the order the query lists them.
    const byKey = new Map<unknown, unknown[][]>(keys.map((k) => [k, []]));
    for (const r of store.scan()) byKey.get(r.key[0])?.push(toRow(r));
    return [...byKey.values()].flat();
  }
  if (keys) {
    const out: unknown[][] = [];
    for (const k of keys) {
      const r = store.lookup([k]);
      if (r) out.push(toRow(r));
    }
    return out;
  }
  const out: unknown[][] = [];
  for (const r of store.scan()) out.push(toRow(r));
  return out;
}

/** `K = lit`, `K IN (lit, ...)` or an OR of those, on a single-column key of a comparable primitive type. */
function lookupKeys(where: Expression, a: AnalyzedQuery, functions: FunctionRegistry): unknown[] | undefined {
  if (a.layout.keyColumns.length !== 1) return undefined;
  const key = a.layout.keyColumns[0]!;
  if (!['INTEGER', 'BIGINT', 'STRING', 'DOUBLE'].includes(key.type.base)) return undefined;
  const isKey = (e: Expression) => {
    if (e.kind !== 'ColumnRef') return false;
    const col = a.layout.scope.resolve(e);
    return col?.namespace === 'KEY' && !col.windowBound;
  };
  const literal = (e: Expression): unknown => {
    if (e.kind !== 'Literal' || e.type === 'NULL') return undefined;
    const c = compileIn(e, a.layout.scope, { functions });
    const numericKey = key.type.base !== 'STRING';
    const numericLit = c.type.base === 'INTEGER' || c.type.base === 'BIGINT' || c.type.base === 'DOUBLE' || c.type.base === 'DECIMAL';
    if (numericKey !== numericLit) return undefined;
    let v = c.evaluate([]);
    if (c.type.base === 'DECIMAL') v = Number(String(v));
    return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' ? v : undefined;
  };
  const collect = (e: Expression): unknown[] | undefined => {
    if (e.kind === 'Comparison' && e.op === '=') {
      const v = isKey(e.left) ? literal(e.right) : isKey(e.right) ? literal(e.left) : undefined;
      return v === undefined ? undefined : [v];
    }
    if (e.kind === 'In' && !e.not && isKey(e.value)) {
      const vs = e.list.map(literal);
      return vs.some((v) => v === undefined) ? undefined : vs;
    }
    if (e.kind === 'Logical' && e.op === 'OR') {
      const l = collect(e.left);
      const r = collect(e.right);
      return l && r ? [...l, ...r] : undefined;
    }
    return undefined;
  };
  const keys = collect(where);
  return keys ? [...new Set(keys)] : undefined;
}
