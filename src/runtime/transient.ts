// Transient queries: push queries (EMIT CHANGES) that stream changes until LIMIT or
// close(), and pull queries that answer from a materialized table's SQLite store or by
// scanning a stream's topic up to the end offsets captured when the query starts.

import { randomBytes } from 'node:crypto';
import { getProperty } from '../config/index.js';
import type { QueryHeader, QueryStream, StreamedItem } from '../common/query-stream.js';
import type { FetchRequest, PartitionProgress, TopicLog } from '../log/topic-log.js';
import type { AnalyzedQuery, OutputColumn } from '../planner/query/analyze.js';
import { checkPullSqlClauses } from '../planner/query/pull-sql.js';
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
  // 18 random digits as ksqlDB's ids have; an id names a query, it guards nothing.
  const high = Math.floor(Math.random() * 1e9);
  const low = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  return `${prefix}${sourceName}_${high}${low}`;
}

/**
 * The header of a pull query. A table pull marks its key columns, and for `SELECT *` its schema
 * text lists the columns as ksqlDB's pull projection schema does: keys (window bounds
 * included), then header columns, then values, while the names and rows keep select order.
 */
export function pullHeader(a: AnalyzedQuery, queryId: string, markKeys: boolean, selectStar = false): QueryHeader {
  const text = (c: OutputColumn, suffix: string) => `\`${c.name}\` ${formatType(c.type)}${suffix}`;
  let schema: string;
  if (markKeys && selectStar && a.layout.headerColumns.length > 0) {
    const headerKeys = new Map(a.layout.headerColumns.map((h) => [h.index, h.column.headerKey ?? null]));
    const headerOf = (c: OutputColumn) => (c.namespace === 'VALUE' && c.expr.columnIndex !== undefined ? headerKeys.get(c.expr.columnIndex) : undefined);
    const keys = a.selected.filter((c) => c.namespace === 'KEY').map((c) => text(c, ' KEY'));
    const headers = a.selected.filter((c) => headerOf(c) !== undefined).map((c) => text(c, headerOf(c) === null ? ' HEADERS' : ` HEADER('${headerOf(c)!}')`));
    const values = a.selected.filter((c) => c.namespace !== 'KEY' && headerOf(c) === undefined).map((c) => text(c, ''));
    schema = [...keys, ...headers, ...values].join(', ');
  } else {
    schema = a.selected.map((c) => text(c, markKeys && c.namespace === 'KEY' ? ' KEY' : '')).join(', ');
  }
  return {
    queryId,
    columnNames: a.selected.map((c) => c.name),
    columnTypes: a.selected.map((c) => formatType(c.type)),
    schema,
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

export function checkPullQuery(q: Query, statementText: string, properties: Record<string, unknown>): void {
  const reject = (what: string) => {
    throw new QueryPlanningError(`Pull queries don't support ${what} clauses.${MORE}${SUFFIX}`);
  };
  if (q.joins.length > 0) reject('JOIN');
  if (q.window) reject('WINDOW');
  checkPullSqlClauses(q, statementText, properties);
  if (q.partitionBy && q.partitionBy.length > 0) reject('PARTITION BY');
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
        else if (ready.length === 0) {
          // EMIT FINAL with an idle timeout: a quiet input's stream time follows the wall clock.
          if (!joins) emit(pipeline.advanceIdle(Date.now()));
          await new Promise((r) => setTimeout(r, Math.min(10, group?.idleWaitMs() ?? 10)));
        }
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
    header: pullHeader(a, queryId, false),
    items: queue,
    finalMessage,
    progress: () => progress.snapshot(),
    close: () => finish('Query Completed'),
  };
}
