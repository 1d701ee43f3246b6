// Aggregate functions; the conventions of aggregates.ts hold here too.
// EARLIEST_BY_OFFSET, LATEST_BY_OFFSET, TOPK and TOPKDISTINCT: aggregates that keep rows in an order.

import type { AggregateImpl } from '../library.js';
import type { CallContext } from '../overloads.js';
import { type SqlType, arrayOf, structOf } from '../../common/types.js';
import { compareValues } from '../values.js';
import { type Encoded, decodeValue, encodeValue } from './state-codec.js';
import { literalBool, literalInt } from './literal-args.js';
// ---- EARLIEST / LATEST BY OFFSET -----------------------------------------------------------

// A process-wide sequence standing in for the record offset; it starts from the clock so it
// keeps increasing across restarts (states survive restarts in SQLite).
let sequence = Date.now() * 1024;
function nextSequence(): number {
  return ++sequence;
}

interface Seen {
  s: number;
  v: Encoded;
}

export function byOffset(ctx: CallContext, latest: boolean): AggregateImpl {
  const fn = latest ? 'LATEST_BY_OFFSET' : 'EARLIEST_BY_OFFSET';
  const n = ctx.args.length;
  let count: number | null = null;
  let ignoreNulls = true;
  if (n >= 2) {
    const t = ctx.paramTypes[1] ?? ctx.argTypes[1];
    if (t && t.base === 'BOOLEAN') ignoreNulls = literalBool(ctx, 1, fn, 'ignoreNulls');
    else count = literalInt(ctx, 1, fn, 'the number of values');
  }
  if (n >= 3) ignoreNulls = literalBool(ctx, 2, fn, 'ignoreNulls');
  if (count !== null && count < 1) throw new Error(`${fn} must be called with a positive number of values, got ${count}.`);
  const limit = count ?? 1;
  const keep = (items: Seen[]): Seen[] => {
    items.sort((a, b) => a.s - b.s);
    return latest ? items.slice(Math.max(0, items.length - limit)) : items.slice(0, limit);
  };
  return {
    initialize: () => [],
    aggregate: (s, args) => {
      const st = s as Seen[];
      const v = args[0];
      if (v === null && ignoreNulls) return st;
      if (!latest && st.length >= limit) return st;
      const next = [...st, { s: nextSequence(), v: encodeValue(v) }];
      return latest && next.length > limit ? next.slice(next.length - limit) : next;
    },
    merge: (a, b) => keep([...(a as Seen[]), ...(b as Seen[])]),
    result: (s) => {
      const st = s as Seen[];
      if (count === null) return st.length === 0 ? null : decodeValue(st[st.length - 1]!.v);
      return st.map((x) => decodeValue(x.v));
    },
  };
}

// ---- TOPK / TOPKDISTINCT -------------------------------------------------------------------

export function topk(ctx: CallContext, distinct: boolean): AggregateImpl {
  const fn = distinct ? 'TOPKDISTINCT' : 'TOPK';
  const kIndex = ctx.args.length - 1;
  const k = literalInt(ctx, kIndex, fn, 'k');
  if (k < 1) throw new Error(`${fn} requires k to be positive, got ${k}.`);
  const extra = kIndex - 1; // columns carried along in the struct form
  type Entry = [Encoded, Encoded[]];
  const insert = (st: Entry[], sortVal: unknown, others: unknown[]): Entry[] => {
    if (sortVal === null) return st;
    if (distinct && st.some(([e]) => compareValues(decodeValue(e), sortVal) === 0)) return st;
    let i = 0;
    while (i < st.length && compareValues(decodeValue(st[i]![0]), sortVal) >= 0) i++;
    if (i >= k) return st;
    const next = [...st];
    next.splice(i, 0, [encodeValue(sortVal), others.map(encodeValue)]);
    if (next.length > k) next.length = k;
    return next;
  };
  return {
    initialize: () => [],
    aggregate: (s, args) => insert(s as Entry[], args[0], extra > 0 ? args.slice(1, kIndex) : []),
    merge: (a, b) => {
      let st = a as Entry[];
      for (const [e, o] of b as Entry[]) st = insert(st, decodeValue(e), o.map(decodeValue));
      return st;
    },
    result: (s) => {
      const st = s as Entry[];
      if (extra === 0) return st.map(([e]) => decodeValue(e));
      return st.map(([e, o]) => {
        const row: Record<string, unknown> = { sort_col: decodeValue(e) };
        o.forEach((x, i) => (row[`col${i}`] = decodeValue(x)));
        return row;
      });
    },
  };
}

export function topkReturn(ctx: CallContext): SqlType {
  const sortType = ctx.paramTypes[0];
  if (!sortType) throw new Error(`Function 'topk' cannot infer its return type from a NULL column.`);
  const kIndex = ctx.args.length - 1;
  if (kIndex === 1) return arrayOf(sortType);
  const fields = [{ name: 'sort_col', type: sortType }];
  for (let i = 1; i < kIndex; i++) {
    const t = ctx.paramTypes[i];
    if (!t) throw new Error(`Function 'topk' cannot infer the type of a NULL column.`);
    fields.push({ name: `col${i - 1}`, type: t });
  }
  return arrayOf(structOf(fields));
}
