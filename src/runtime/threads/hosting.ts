// Where a persistent query runs: in worker threads when `eddy.query.threads` asks for more
// than one and the query can (stateless, over the embedded log, with the built-in
// functions), else in the main thread as a PersistentQuery. Stateful queries
// (aggregations, joins, materialized tables) keep their SQLite state in the main thread
// for now.

import { getProperty } from '../../config/index.js';
import { EddyError } from '../../common/errors.js';
import type { SqlType } from '../../common/types.js';
import { functionRegistry } from '../../functions/index.js';
import { rawBatchLog } from '../../log/raw-batches.js';
import type { PersistentPhysicalPlan } from '../builder.js';
import type { PersistentQueryPlan, QueryServiceContext } from '../contract.js';
import type { ProcessingLogSink } from '../pipeline.js';
import { ThreadedQuery } from './threaded-query.js';

export const QUERY_THREADS = 'eddy.query.threads';

export class QueryThreadsError extends EddyError {
  override readonly kind = 'config';
}

/** `eddy.query.threads`: worker threads per persistent query; 1 (the default) runs it in the main thread. */
export function queryThreads(properties: Record<string, unknown>): number {
  const v = getProperty(properties, QUERY_THREADS);
  if (v === undefined || v === null || v === '') return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new QueryThreadsError(`Invalid value '${String(v)}' for ${QUERY_THREADS}: use a whole number of threads, 1 or more`);
  return n;
}

/** Why `physical` cannot run in worker threads, or undefined when it can. */
export function workerProblem(physical: PersistentPhysicalPlan, ctx: QueryServiceContext): string | undefined {
  const a = physical.analysis;
  if (a.aggregate || a.join || physical.materialize || !physical.produce) return 'it keeps state';
  if (!rawBatchLog(ctx.log)) return 'its log is not the embedded log';
  if (ctx.functions !== functionRegistry) return 'it may use user-defined functions';
  return undefined;
}

/** The query in worker threads when it asks for them and can; undefined to run it in the main thread. */
export function startInWorkers(
  plan: PersistentQueryPlan,
  physical: PersistentPhysicalPlan,
  types: Record<string, SqlType>,
  ctx: QueryServiceContext,
  processingLog: ProcessingLogSink,
): ThreadedQuery | undefined {
  const threads = queryThreads(ctx.properties);
  if (threads <= 1 || workerProblem(physical, ctx)) return undefined;
  const raw = rawBatchLog(ctx.log)!;
  return new ThreadedQuery(physical, plan.plan, types, threads, { log: ctx.log, raw, properties: ctx.properties, processingLog }, plan.sinkTopic, plan.inheritPartitionsFrom);
}
