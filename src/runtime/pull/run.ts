// Runs a pull query: reads the rows (a table's store through the key index, or a stream's
// topic up to the end offsets captured at start), then evaluates the SQL over them
// (./evaluate.ts) and hands the rendered rows to the response.

import { getProperty } from '../../config/index.js';
import type { QueryStream, StreamedItem } from '../../common/query-stream.js';
import type { FetchRequest } from '../../log/topic-log.js';
import type { AnalyzedQuery } from '../../planner/query/analyze.js';
import { QueryPlanningError } from '../../planner/query/errors.js';
import { keyAccess, type KeyAccess } from '../../planner/query/pull-access.js';
import type { OrderKey } from '../../planner/query/pull-sql.js';
import { AsyncQueue } from '../async-queue.js';
import { renderRow } from '../json-render.js';
import { Pipeline } from '../pipeline.js';
import { ScanProgress } from '../scan-progress.js';
import { pullHeader, transientQueryId, type TransientServices } from '../transient.js';
import { finishRows, resultRows } from './evaluate.js';
import type { RowShape, StoredRows } from './table-reader.js';

const MORE = ' See https://cnfl.io/queries for more info.';
const SUFFIX = '\nAdd EMIT CHANGES if you intended to issue a push query.';

/** A pull query planned once: what every run of it (and of its shape, see ./cache.ts) reuses. */
export interface PullPlan {
  analysis: AnalyzedQuery;
  order: OrderKey[];
  offset: number;
  limit?: number;
  /** Tables: the index access path and where stored rows go in the source row. */
  access?: KeyAccess;
  shape?: RowShape;
  keyCount: number;
  /** The projection is `SELECT *` (its header schema text then lists header columns before values). */
  selectStar: boolean;
}

export function pullPlan(a: AnalyzedQuery, order: OrderKey[], offset: number, selectStar: boolean): PullPlan {
  const plan: PullPlan = { analysis: a, order, offset, keyCount: a.layout.keyColumns.length, selectStar, ...(a.limit !== undefined ? { limit: a.limit } : {}) };
  if (a.source.sourceType === 'TABLE') {
    const layout = a.layout;
    plan.access = keyAccess(a.where?.ast, layout);
    plan.shape = {
      width: a.rowWidth,
      keyCount: layout.keyColumns.length,
      // The store keeps every value-side column, header columns included, in schema order.
      valueIndexes: a.source.schema.value.map((_, i) => layout.keyColumns.length + i),
      rowtimeIndex: layout.rowtimeIndex,
      rowpartitionIndex: layout.rowpartitionIndex,
      ...(layout.windowIndexes ? { windowIndexes: layout.windowIndexes } : {}),
    };
  }
  return plan;
}

export function notQueryable(name: string): QueryPlanningError {
  return new QueryPlanningError(
    `The \`${name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${name} AS SELECT * FROM ${name}'.${MORE}${SUFFIX}`,
  );
}

/** Items already computed, as the response reads them. */
export function itemsOf(items: StreamedItem[]): AsyncIterable<StreamedItem> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return { next: () => Promise.resolve(i < items.length ? { value: items[i++]!, done: false } : { value: undefined, done: true as const }) };
    },
  };
}

function errorItem(e: unknown): StreamedItem {
  return { errorMessage: { '@type': 'generic_error', error_code: 50000, message: e instanceof Error ? e.message : String(e) } };
}

/** The answer of a pull query on a table, computed at once. `points` rebinds the lookup keys. */
export function runTablePull(plan: PullPlan, reader: StoredRows, s: Pick<TransientServices, 'properties'>, points?: unknown[][]): QueryStream {
  const a = plan.analysis;
  const queryId = transientQueryId(s.properties, a.source.name);
  const types = a.selected.map((c) => c.type);
  const items: StreamedItem[] = [];
  let final = 'Query Completed';
  try {
    if (plan.limit !== 0) {
      const stored = reader.rows(plan.access!, plan.keyCount, plan.shape!, points);
      const rows = finishRows(resultRows(a, stored, points === undefined || !plan.access!.exact), plan.order, plan.offset, plan.limit);
      for (const r of rows) items.push({ row: renderRow(r, types) });
      if (plan.limit !== undefined && rows.length >= plan.limit) final = 'Limit Reached';
    }
  } catch (e) {
    items.push(errorItem(e));
    final = e instanceof Error ? e.message : String(e);
  }
  return {
    kind: 'pull',
    header: pullHeader(a, queryId, true, plan.selectStar),
    items: itemsOf(items),
    answered: { items, finalMessage: final },
    finalMessage: Promise.resolve(final),
    omitFinalMessage: true,
    close: () => undefined,
  };
}

/** A pull query on a stream: scans to the end offsets captured at start. */
export function runStreamPull(plan: PullPlan, s: TransientServices): QueryStream {
  const a = plan.analysis;
  if (String(getProperty(s.properties, 'ksql.query.pull.stream.enabled') ?? true).toLowerCase() !== 'true') {
    throw new QueryPlanningError(`Pull queries on streams are disabled. To enable, set ksql.query.pull.stream.enabled=true.${SUFFIX}`);
  }
  const queryId = transientQueryId(s.properties, a.source.name);
  const types = a.selected.map((c) => c.type);
  const queue = new AsyncQueue<StreamedItem>();
  let resolveFinal!: (m: string) => void;
  const finalMessage = new Promise<string>((r) => (resolveFinal = r));
  let closed = false;
  const finish = (m: string) => {
    if (closed) return;
    closed = true;
    queue.end();
    resolveFinal(m);
  };
  // Rows stream out as they are scanned unless the answer needs all of them first.
  const whole = a.aggregate !== undefined || plan.order.length > 0 || plan.offset > 0;
  const limit = plan.limit;
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
  const pipeline = new Pipeline(a, { queryId, functions: s.functions, processingLog: s.processingLog, includeRows: false, throwOnInvalidTimestamp: false, failOnDeserializationError: false });
  const collected: unknown[][] = [];
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
        if (a.aggregate) {
          // Source rows (after decoding); WHERE and the aggregation run over all of them at the end.
          for (const row of pipeline.decode(records).rows) if ((row as { nullValue?: boolean }).nullValue !== true) collected.push(row);
        } else {
          for (const o of pipeline.process(records)) {
            const row = pipeline.selectedRow(o);
            if (!row) continue;
            if (whole) collected.push(row);
            else if (!push(row)) break;
          }
        }
        await progress.afterBatch(fetched.length);
      }
      if (whole && !closed) {
        const result = a.aggregate ? resultRows(a, collected) : collected;
        for (const row of finishRows(result, plan.order, plan.offset, limit)) if (!push(row)) break;
      }
      finish('Query Completed');
    } catch (e) {
      queue.push(errorItem(e));
      finish(e instanceof Error ? e.message : String(e));
    }
  })();
  return { kind: 'pull', header: pullHeader(a, queryId, false), items: queue, finalMessage, progress: () => progress.snapshot(), close: () => finish('Query Completed') };
}
