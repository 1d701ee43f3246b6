// The SQL part of a pull query over rows already read (from a table's store or a stream's
// scan): WHERE, then GROUP BY with aggregate functions and HAVING, then the projection,
// ORDER BY, OFFSET and LIMIT. Synchronous and allocation-light: rows are arrays in the
// source layout, results arrays in select order.
//
// Grouping follows SQL: NULL grouping values form their own group, and an aggregate without
// GROUP BY gives one row even over no rows. Aggregate errors end the query with an error
// (a push query would log and go on; a pull query's answer would then be wrong).

import { Decimal } from '../../common/decimal.js';
import { aggregateLimits } from '../../functions/aggregate/aggregates.js';
import type { AnalyzedQuery } from '../../planner/query/analyze.js';
import type { OrderKey } from '../../planner/query/pull-sql.js';
import { groupKeyText } from '../aggregate/state-store.js';

export class PullEvaluationError extends Error {}

/** WHERE and the projection (or the aggregation) over source rows. */
export function resultRows(a: AnalyzedQuery, rows: Iterable<unknown[]>, applyWhere = true): unknown[][] {
  const where = applyWhere ? a.where?.evaluate : undefined;
  const out: unknown[][] = [];
  if (!a.aggregate) {
    const sel = a.selected.map((c) => c.expr.evaluate);
    const n = sel.length;
    for (const row of rows) {
      if (where && where(row) !== true) continue;
      const r = new Array<unknown>(n);
      for (let i = 0; i < n; i++) r[i] = sel[i]!(row) ?? null;
      out.push(r);
    }
    return out;
  }
  return aggregate(a, rows, where);
}

interface Group {
  key: unknown[];
  states: unknown[];
  start: unknown;
  end: unknown;
}

function aggregate(a: AnalyzedQuery, rows: Iterable<unknown[]>, where: ((row: unknown[]) => unknown) | undefined): unknown[][] {
  const step = a.aggregate!;
  Object.assign(aggregateLimits, step.limits);
  const calls = step.calls;
  const groups = new Map<string, Group>();
  const fold = (states: unknown[], row: unknown[]) => {
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      const args = c.args.map((x) => x.evaluate(row) ?? null);
      try {
        states[i] = c.fn.aggregate(states[i], args);
      } catch (e) {
        throw new PullEvaluationError(`Error in aggregate function ${c.text}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  for (const row of rows) {
    if (where && where(row) !== true) continue;
    const key = step.groupBy.map((g) => g.evaluate(row) ?? null);
    const id = step.groupBy.length === 0 ? '' : groupKeyText(key);
    let g = groups.get(id);
    if (!g) {
      g = { key, states: calls.map((c) => c.fn.initialize()), start: null, end: null };
      groups.set(id, g);
    }
    fold(g.states, row);
  }
  if (groups.size === 0 && step.groupBy.length === 0) groups.set('', { key: [], states: calls.map((c) => c.fn.initialize()), start: null, end: null });

  const sel = a.selected.map((c) => c.expr.evaluate);
  const having = step.having?.evaluate;
  const out: unknown[][] = [];
  for (const g of groups.values()) {
    const row = new Array<unknown>(step.width).fill(null);
    for (let i = 0; i < g.key.length; i++) row[i] = g.key[i];
    for (let i = 0; i < calls.length; i++) {
      try {
        row[step.aggregateBase + i] = calls[i]!.fn.result(g.states[i]) ?? null;
      } catch (e) {
        throw new PullEvaluationError(`Error computing the result of ${calls[i]!.text}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (having && having(row) !== true) continue;
    out.push(sel.map((f) => f(row) ?? null));
  }
  return out;
}

/** SQL order of two values of one column type; NULLs handled by the caller. */
export function compareValues(x: unknown, y: unknown): number {
  if (typeof x === 'number' || typeof x === 'bigint') return x < (y as number) ? -1 : x > (y as number) ? 1 : 0;
  if (typeof x === 'string') return x < (y as string) ? -1 : x > (y as string) ? 1 : 0;
  if (typeof x === 'boolean') return Number(x) - Number(y);
  if (x instanceof Decimal) return x.compareTo(y as Decimal);
  if (Buffer.isBuffer(x)) return Buffer.compare(x, y as Buffer);
  return 0;
}

export function sortRows(rows: unknown[][], keys: OrderKey[]): void {
  if (keys.length === 0) return;
  rows.sort((r1, r2) => {
    for (const k of keys) {
      const x = r1[k.index];
      const y = r2[k.index];
      if (x === y) continue;
      const xn = x === null || x === undefined;
      const yn = y === null || y === undefined;
      if (xn || yn) {
        if (xn && yn) continue;
        return xn === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  });
}

/** ORDER BY, then OFFSET and LIMIT. */
export function finishRows(rows: unknown[][], order: OrderKey[], offset: number, limit: number | undefined): unknown[][] {
  sortRows(rows, order);
  if (offset === 0 && (limit === undefined || limit >= rows.length)) return rows;
  return rows.slice(offset, limit === undefined ? undefined : offset + limit);
}
