// Pull queries on a table that several servers share: this server answers for the tasks it
// runs, and asks each other owner (POST /query) for exactly the tasks it owns, so every
// partition is read once. A forwarded request names its tasks in `eddy.pull.tasks` and is
// answered from those alone, never forwarded again. A task with no owner (a rebalance is
// moving it) or an owner that does not answer fails the query: a partial table is never
// returned as if it were whole. Only row-shaped pulls fan out: the rows of each server are
// then a part of the answer, where an aggregate, ORDER BY or OFFSET would need every row in
// one place first (refused with a message saying so).

import { getProperty } from '../../config/index.js';
import type { QueryStream, StreamedItem } from '../../common/query-stream.js';
import { QueryPlanningError } from '../../planner/query/errors.js';
import { AsyncQueue } from '../async-queue.js';
import type { PullPlan } from '../pull/run.js';

export const FORWARDED_TASKS = 'eddy.pull.tasks';

/** The tasks a forwarded pull query asks this server for, or undefined for a client's query. */
export function forwardedTasks(properties: Record<string, unknown>): number[] | undefined {
  const v = getProperty(properties, FORWARDED_TASKS);
  if (v === undefined || v === null || v === '') return undefined;
  return String(v)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n));
}

export interface SharedTable {
  taskOwners(): Record<number, string>;
  localTasks(): number[];
  readonly endpoint: string;
  taskCount(): number;
}

/** Refuses a pull whose answer needs all of a spread table's rows in one place. */
export function refuseSpreadShape(plan: PullPlan, remoteTasks: number): void {
  const what = plan.analysis.aggregate ? 'aggregates and GROUP BY' : plan.order.length > 0 ? 'ORDER BY' : plan.offset > 0 ? 'OFFSET' : undefined;
  if (!what) return;
  const name = plan.analysis.source.name;
  throw new QueryPlanningError(
    `Pull queries on ${name} can't use ${what} here: ${remoteTasks} of the table's partitions are run by other servers of this cluster (same ksql.service.id), and ${what} would need all of its rows on one server. ` +
      `Select the rows without ${what} and combine them in the client, or materialize the result with a persistent query (CREATE TABLE ... AS SELECT ... FROM ${name} ...) and look it up by key.`,
  );
}

function fail(message: string): StreamedItem {
  return { errorMessage: { '@type': 'generic_error', error_code: 50000, message } };
}

async function remoteRows(endpoint: string, sql: string, properties: Record<string, unknown>, tasks: number[]): Promise<unknown[][]> {
  const res = await fetch(new URL('/query', endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: { ...properties, [FORWARDED_TASKS]: tasks.join(',') } }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`answered ${res.status}: ${text.slice(0, 300)}`);
  const items = JSON.parse(text) as { row?: { columns: unknown[] }; errorMessage?: { message: string } }[];
  const error = items.find((i) => i.errorMessage);
  if (error) throw new Error(error.errorMessage!.message);
  return items.filter((i) => i.row).map((i) => i.row!.columns);
}

/** The local answer followed by the other owners' rows, with the LIMIT applied to the whole. */
export function fanOutPull(local: QueryStream, table: SharedTable, sql: string, properties: Record<string, unknown>, limit: number | undefined): QueryStream {
  const mine = new Set(table.localTasks());
  const owners = table.taskOwners();
  const byEndpoint = new Map<string, number[]>();
  const unowned: number[] = [];
  for (let t = 0; t < table.taskCount(); t++) {
    if (mine.has(t)) continue;
    const owner = owners[t];
    if (!owner || owner === table.endpoint) unowned.push(t);
    else byEndpoint.set(owner, [...(byEndpoint.get(owner) ?? []), t]);
  }
  const queue = new AsyncQueue<StreamedItem>();
  let emitted = 0;
  let closed = false;
  let resolveFinal!: (m: string) => void;
  const finalMessage = new Promise<string>((r) => (resolveFinal = r));
  const finish = (m: string) => {
    if (closed) return;
    closed = true;
    queue.end();
    local.close();
    resolveFinal(m);
  };
  const push = (row: unknown[]): boolean => {
    if (closed) return false;
    queue.push({ row });
    emitted++;
    if (limit !== undefined && emitted >= limit) {
      finish('Limit Reached');
      return false;
    }
    return true;
  };
  void (async () => {
    if (unowned.length > 0) {
      queue.push(fail(`Partitions ${unowned.join(', ')} of this table have no running owner right now (a rebalance is moving them); try again shortly`));
      return finish('Query Completed');
    }
    const remote = [...byEndpoint].map(([endpoint, tasks]) =>
      remoteRows(endpoint, sql, properties, tasks).then(
        (rows) => ({ rows }),
        (e: Error) => ({ error: `the server ${endpoint} owning partitions ${tasks.join(', ')} did not answer: ${e.message}` }),
      ),
    );
    for await (const item of local.items) {
      if ('errorMessage' in item) {
        queue.push(item);
        return finish('Query Completed');
      }
      if (!push(item.row)) return;
    }
    for (const r of await Promise.all(remote)) {
      if ('error' in r) {
        queue.push(fail(`Pull query failed: ${r.error}`));
        return finish('Query Completed');
      }
      for (const row of r.rows) if (!push(row)) return;
    }
    finish('Query Completed');
  })().catch((e: Error) => {
    queue.push(fail(e.message));
    finish('Query Completed');
  });
  // The local part may be answered at once; the whole is not, so `answered` is left out.
  const { answered: _localOnly, ...rest } = local;
  return { ...rest, items: queue, finalMessage, close: () => finish('Query Completed') };
}
