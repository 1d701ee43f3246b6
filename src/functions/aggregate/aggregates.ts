// Aggregate functions. Conventions for every implementation here:
// - `aggregate(state, args)` receives the row's argument values in call order (constant
//   arguments such as TOPK's k included) and returns a new state; states passed in are never
//   mutated, so the runtime may keep old states (table aggregations emit before/after values).
// - States are plain JSON data (see state-codec.ts), so the runtime can store them as they are.

import type { AggregateImpl, FunctionLibrary } from '../library.js';
import type { CallContext } from '../overloads.js';
import { Decimal } from '../../common/decimal.js';
import { type SqlType, arrayOf, normalizeBigint, structOf } from '../../common/types.js';
import { compareValues, valueKey, valuesEqual } from '../values.js';
import {
  type DoubleState,
  type Encoded,
  type IntState,
  addIntState,
  decodeValue,
  encodeValue,
  fromDoubleState,
  intStateToBig,
  toDoubleState,
} from './state-codec.js';
import { byOffset, topk, topkReturn } from './by-offset.js';
import { correlation, variance } from './statistics.js';
import { countDistinctAdd, countDistinctEstimate, countDistinctInit, countDistinctMerge } from './count-distinct.js';

type Num = number | bigint;

/** Limits that ksqlDB reads from server properties; the engine may change them at startup. */
export const aggregateLimits = {
  collectList: 1000,
  collectSet: 1000,
  histogram: 1000,
};

// ---- COUNT ----------------------------------------------------------------------------------

const countRows: AggregateImpl = {
  initialize: () => 0,
  aggregate: (s) => (s as number) + 1,
  undo: (s) => (s as number) - 1,
  merge: (a, b) => (a as number) + (b as number),
  result: (s) => s,
};

const countNonNull: AggregateImpl = {
  initialize: () => 0,
  aggregate: (s, args) => (args[0] === null ? s : (s as number) + 1),
  undo: (s, args) => (args[0] === null ? s : (s as number) - 1),
  merge: (a, b) => (a as number) + (b as number),
  result: (s) => s,
};

// ---- SUM / AVG ------------------------------------------------------------------------------

function sumInt(): AggregateImpl {
  return {
    initialize: () => 0,
    aggregate: (s, args) => (args[0] === null ? s : ((s as number) + (args[0] as number)) | 0),
    undo: (s, args) => (args[0] === null ? s : ((s as number) - (args[0] as number)) | 0),
    merge: (a, b) => ((a as number) + (b as number)) | 0,
    result: (s) => s,
  };
}

function wrap64(s: IntState): IntState {
  if (typeof s === 'number') return s;
  const n = normalizeBigint(BigInt(s));
  return typeof n === 'number' ? n : n.toString();
}

function sumBigint(): AggregateImpl {
  return {
    initialize: () => 0,
    aggregate: (s, args) => (args[0] === null ? s : wrap64(addIntState(s as IntState, args[0] as Num))),
    undo: (s, args) => (args[0] === null ? s : wrap64(addIntState(s as IntState, -BigInt(args[0] as Num)))),
    merge: (a, b) => wrap64(addIntState(a as IntState, intStateToBig(b as IntState))),
    result: (s) => normalizeBigint(intStateToBig(s as IntState)),
  };
}

function sumDouble(): AggregateImpl {
  return {
    initialize: () => 0,
    aggregate: (s, args) => (args[0] === null ? s : toDoubleState(fromDoubleState(s as DoubleState) + (args[0] as number))),
    undo: (s, args) => (args[0] === null ? s : toDoubleState(fromDoubleState(s as DoubleState) - (args[0] as number))),
    merge: (a, b) => toDoubleState(fromDoubleState(a as DoubleState) + fromDoubleState(b as DoubleState)),
    result: (s) => fromDoubleState(s as DoubleState),
  };
}

/**
 * An aggregate whose state cannot go on (a DECIMAL sum past its type). ksqlDB's aggregation
 * fails its query on it rather than skipping the record, and so does Eddy's.
 */
export class AggregateOverflowError extends Error {
  override name = 'AggregateOverflowError';
}

function sumDecimal(ctx: CallContext): AggregateImpl {
  const t = ctx.paramTypes[0];
  const precision = t && t.base === 'DECIMAL' ? t.precision : 38;
  const scale = t && t.base === 'DECIMAL' ? t.scale : 0;
  const checked = (d: Decimal): string => {
    if (!d.fits(precision, scale)) {
      throw new AggregateOverflowError(`Numeric field overflow: the sum ${d.toString()} does not fit DECIMAL(${precision}, ${scale})`);
    }
    return d.setScale(scale).toString();
  };
  return {
    initialize: () => new Decimal(0n, scale).toString(),
    aggregate: (s, args) => (args[0] === null ? s : checked(Decimal.parse(s as string).add(args[0] as Decimal))),
    undo: (s, args) => (args[0] === null ? s : checked(Decimal.parse(s as string).subtract(args[0] as Decimal))),
    merge: (a, b) => checked(Decimal.parse(a as string).add(Decimal.parse(b as string))),
    result: (s) => Decimal.parse(s as string).setScale(scale),
  };
}

interface AvgState {
  sum: IntState | DoubleState | string;
  count: number;
}

function avgOf(kind: 'int' | 'double' | 'decimal'): AggregateImpl {
  const add = (sum: AvgState['sum'], v: unknown, sign: 1 | -1): AvgState['sum'] => {
    if (kind === 'int') return addIntState(sum as IntState, sign === 1 ? (v as Num) : -BigInt(v as Num));
    if (kind === 'double') return toDoubleState(fromDoubleState(sum as DoubleState) + sign * (v as number));
    const d = v as Decimal;
    return Decimal.parse(sum as string).add(sign === 1 ? d : d.negate()).toString();
  };
  const zero = kind === 'decimal' ? '0' : 0;
  return {
    initialize: (): AvgState => ({ sum: zero, count: 0 }),
    aggregate: (s, args) => {
      const st = s as AvgState;
      return args[0] === null ? st : { sum: add(st.sum, args[0], 1), count: st.count + 1 };
    },
    undo: (s, args) => {
      const st = s as AvgState;
      return args[0] === null ? st : { sum: add(st.sum, args[0], -1), count: st.count - 1 };
    },
    merge: (a, b) => {
      const x = a as AvgState;
      const y = b as AvgState;
      let sum: AvgState['sum'];
      if (kind === 'int') sum = addIntState(x.sum as IntState, intStateToBig(y.sum as IntState));
      else if (kind === 'double') sum = toDoubleState(fromDoubleState(x.sum as DoubleState) + fromDoubleState(y.sum as DoubleState));
      else sum = Decimal.parse(x.sum as string).add(Decimal.parse(y.sum as string)).toString();
      return { sum, count: x.count + y.count };
    },
    result: (s) => {
      const st = s as AvgState;
      if (st.count === 0) return 0;
      if (kind === 'int') return Number(intStateToBig(st.sum as IntState)) / st.count;
      if (kind === 'double') return fromDoubleState(st.sum as DoubleState) / st.count;
      return Decimal.parse(st.sum as string).toNumber() / st.count;
    },
  };
}

// ---- MIN / MAX / ATTR -----------------------------------------------------------------------

function extremum(sign: 1 | -1): AggregateImpl {
  const pick = (s: unknown, v: unknown): unknown => {
    if (v === null) return s;
    if (s === null) return encodeValue(v);
    return compareValues(v, decodeValue(s)) * sign > 0 ? encodeValue(v) : s;
  };
  return {
    initialize: () => null,
    aggregate: (s, args) => pick(s, args[0]),
    merge: (a, b) => (b === null ? a : pick(a, decodeValue(b))),
    result: (s) => decodeValue(s),
  };
}

/** ATTR: value counts, so table undo works; the result is the value when exactly one distinct value was seen. */
function attr(): AggregateImpl {
  type St = [Encoded, number][];
  const find = (st: St, v: unknown): number => st.findIndex(([e]) => valuesEqual(decodeValue(e), v));
  const change = (s: unknown, v: unknown, delta: number): St => {
    const st = (s as St).map(([e, n]) => [e, n] as [Encoded, number]);
    const i = find(st, v);
    if (i >= 0) {
      st[i]![1] += delta;
      if (st[i]![1] <= 0) st.splice(i, 1);
    } else if (delta > 0) {
      st.push([encodeValue(v), delta]);
    }
    return st;
  };
  return {
    initialize: () => [],
    aggregate: (s, args) => change(s, args[0], 1),
    undo: (s, args) => change(s, args[0], -1),
    merge: (a, b) => {
      let st = a as St;
      for (const [e, n] of b as St) st = change(st, decodeValue(e), n);
      return st;
    },
    result: (s) => {
      const st = s as St;
      return st.length === 1 ? decodeValue(st[0]![0]) : null;
    },
  };
}

// ---- COLLECT_LIST / COLLECT_SET / HISTOGRAM -----------------------------------------------

function collectList(): AggregateImpl {
  return {
    initialize: () => [],
    aggregate: (s, args) => {
      const st = s as Encoded[];
      if (st.length >= aggregateLimits.collectList) return st;
      return [...st, encodeValue(args[0])];
    },
    undo: (s, args) => {
      const st = s as Encoded[];
      const v = args[0];
      const i = st.findIndex((e) => valuesEqual(decodeValue(e), v));
      if (i < 0) return st;
      return [...st.slice(0, i), ...st.slice(i + 1)];
    },
    merge: (a, b) => [...(a as Encoded[]), ...(b as Encoded[])].slice(0, aggregateLimits.collectList),
    result: (s) => (s as Encoded[]).map(decodeValue),
  };
}

function setIndex(st: Encoded[], v: unknown): number {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
    return st.indexOf(v as Encoded);
  }
  const key = valueKey(v);
  return st.findIndex((e) => valueKey(decodeValue(e)) === key);
}

function collectSet(): AggregateImpl {
  return {
    initialize: () => [],
    aggregate: (s, args) => {
      const st = s as Encoded[];
      if (st.length >= aggregateLimits.collectSet || setIndex(st, args[0]) >= 0) return st;
      return [...st, encodeValue(args[0])];
    },
    undo: (s, args) => {
      const st = s as Encoded[];
      const i = setIndex(st, args[0]);
      return i < 0 ? st : [...st.slice(0, i), ...st.slice(i + 1)];
    },
    merge: (a, b) => {
      let st = a as Encoded[];
      for (const e of b as Encoded[]) {
        const v = decodeValue(e);
        if (st.length < aggregateLimits.collectSet && setIndex(st, v) < 0) st = [...st, e];
      }
      return st;
    },
    result: (s) => (s as Encoded[]).map(decodeValue),
  };
}

function histogram(): AggregateImpl {
  type St = [string, number][];
  const change = (s: unknown, key: unknown, delta: number): St => {
    const st = s as St;
    if (key === null) return st;
    const i = st.findIndex(([k]) => k === key);
    if (i < 0) {
      if (delta <= 0 || st.length >= aggregateLimits.histogram) return st;
      return [...st, [key as string, delta]];
    }
    const out = st.map(([k, n]) => [k, n] as [string, number]);
    out[i]![1] += delta;
    if (out[i]![1] <= 0) out.splice(i, 1);
    return out;
  };
  return {
    initialize: () => [],
    aggregate: (s, args) => change(s, args[0], 1),
    undo: (s, args) => change(s, args[0], -1),
    merge: (a, b) => {
      let st = a as St;
      for (const [k, n] of b as St) st = change(st, k, n);
      return st;
    },
    result: (s) => new Map((s as St).map(([k, n]) => [k, n])),
  };
}

// ---- SUM_LIST --------------------------------------------------------------------------------

function sumList(kind: 'int' | 'bigint' | 'double'): AggregateImpl {
  const total = (xs: unknown[] | null, sign: 1 | -1): Num => {
    if (xs === null) return 0;
    if (kind === 'double') {
      let d = 0;
      for (const x of xs) if (x !== null) d += sign * (x as number);
      return d;
    }
    let b = 0n;
    for (const x of xs) if (x !== null) b += BigInt(x as Num);
    return sign === 1 ? b : -b;
  };
  const inner = kind === 'int' ? sumInt() : kind === 'bigint' ? sumBigint() : sumDouble();
  return {
    initialize: inner.initialize,
    aggregate: (s, args) => {
      const t = total(args[0] as unknown[] | null, 1);
      return inner.aggregate(s, [kind === 'int' ? Number(BigInt.asIntN(32, BigInt(t))) : kind === 'bigint' ? normalizeBigint(t as bigint) : t]);
    },
    undo: (s, args) => {
      const t = total(args[0] as unknown[] | null, 1);
      return inner.undo!(s, [kind === 'int' ? Number(BigInt.asIntN(32, BigInt(t))) : kind === 'bigint' ? normalizeBigint(t as bigint) : t]);
    },
    merge: inner.merge,
    result: inner.result,
  };
}

// ---- registration ---------------------------------------------------------------------------

const COMPARABLE = ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP', 'BOOLEAN'];

function sameAsArg(ctx: CallContext): SqlType {
  const t = ctx.paramTypes[0];
  if (!t) throw new Error(`Function '${ctx.name.toLowerCase()}' cannot infer its return type from a NULL argument.`);
  return t;
}

export function registerAggregates(lib: FunctionLibrary): void {
  lib.aggregate({
    name: 'COUNT',
    category: 'AGGREGATE',
    description: 'COUNT(*) and COUNT() count rows; COUNT(col) counts non-null values.',
    overloads: [
      { sig: '() BIGINT', make: () => countRows },
      { sig: '(col T) BIGINT', make: () => countNonNull },
    ],
  });

  lib.aggregate({
    name: 'SUM',
    category: 'AGGREGATE',
    description: 'Sums the non-null values.',
    overloads: [
      { sig: '(col INT) INT', make: sumInt },
      { sig: '(col BIGINT) BIGINT', make: sumBigint },
      { sig: '(col DOUBLE) DOUBLE', make: sumDouble },
      { sig: '(col DECIMAL) DECIMAL', returns: sameAsArg, make: sumDecimal },
    ],
  });

  lib.aggregate({
    name: 'AVG',
    category: 'AGGREGATE',
    description: 'Returns the average of the non-null values.',
    overloads: [
      { sig: '(col INT) DOUBLE', make: () => avgOf('int') },
      { sig: '(col BIGINT) DOUBLE', make: () => avgOf('int') },
      { sig: '(col DOUBLE) DOUBLE', make: () => avgOf('double') },
      { sig: '(col DECIMAL) DOUBLE', make: () => avgOf('decimal') },
    ],
  });

  for (const [name, sign] of [['MIN', -1], ['MAX', 1]] as const) {
    lib.aggregate({
      name,
      category: 'AGGREGATE',
      description: `Returns the ${name === 'MIN' ? 'minimum' : 'maximum'} non-null value.`,
      overloads: COMPARABLE.map((t) => ({
        sig: `(col ${t}) ${t}`,
        returns: t === 'DECIMAL' ? sameAsArg : undefined,
        make: () => extremum(sign),
      })),
    });
  }

  lib.aggregate({
    name: 'ATTR',
    category: 'AGGREGATE',
    description: 'Returns the value when all rows of the group have the same value, otherwise null.',
    overloads: [{ sig: '(col T) T', make: attr }],
  });

  lib.aggregate({
    name: 'COLLECT_LIST',
    category: 'AGGREGATE',
    description: 'Gathers all values, nulls included, into an array (at most ksql.functions.collect_list.limit values).',
    overloads: [{ sig: '(col T) ARRAY<T>', make: collectList }],
  });
  lib.aggregate({
    name: 'COLLECT_SET',
    category: 'AGGREGATE',
    description: 'Gathers the distinct values into an array (at most ksql.functions.collect_set.limit values).',
    overloads: [{ sig: '(col T) ARRAY<T>', make: collectSet }],
  });
  lib.aggregate({
    name: 'COUNT_DISTINCT',
    category: 'AGGREGATE',
    description: 'Returns the approximate number of distinct non-null values (exact for small groups, HyperLogLog beyond).',
    overloads: [
      {
        sig: '(col T) BIGINT',
        make: () => ({
          initialize: countDistinctInit,
          aggregate: (s, args) => (args[0] === null ? s : countDistinctAdd(s, args[0])),
          merge: countDistinctMerge,
          result: countDistinctEstimate,
        }),
      },
    ],
  });
  lib.aggregate({
    name: 'HISTOGRAM',
    category: 'AGGREGATE',
    description: 'Returns a map of each distinct string value to the number of times it occurs (at most 1000 values).',
    overloads: [{ sig: '(col STRING) MAP<STRING, BIGINT>', make: histogram }],
  });

  for (const latest of [false, true]) {
    const name = latest ? 'LATEST_BY_OFFSET' : 'EARLIEST_BY_OFFSET';
    const which = latest ? 'latest' : 'earliest';
    lib.aggregate({
      name,
      category: 'AGGREGATE',
      description: `Returns the ${which} value by offset (or the ${which} n values as an array); nulls are ignored unless ignoreNulls is false.`,
      overloads: [
        { sig: '(col T) T', make: (ctx) => byOffset(ctx, latest) },
        { sig: '(col T, ignoreNulls BOOLEAN) T', make: (ctx) => byOffset(ctx, latest) },
        { sig: '(col T, n INT) ARRAY<T>', make: (ctx) => byOffset(ctx, latest) },
        { sig: '(col T, n INT, ignoreNulls BOOLEAN) ARRAY<T>', make: (ctx) => byOffset(ctx, latest) },
      ],
    });
  }

  const topkTypes = ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP'];
  lib.aggregate({
    name: 'TOPK',
    category: 'AGGREGATE',
    description: 'Returns the k highest values, or structs of the sort column and other columns for the k highest sort values.',
    overloads: [
      ...topkTypes.map((t) => ({ sig: `(col ${t}, k INT) ARRAY<${t}>`, returns: topkReturn, make: (ctx: CallContext) => topk(ctx, false) })),
      ...topkTypes.map((t) => ({
        sig: `(sortCol ${t}, otherCols ANY..., k INT) ARRAY<STRUCT>`,
        returns: topkReturn,
        make: (ctx: CallContext) => topk(ctx, false),
      })),
    ],
  });
  lib.aggregate({
    name: 'TOPKDISTINCT',
    category: 'AGGREGATE',
    description: 'Returns the k highest distinct values.',
    overloads: topkTypes.map((t) => ({ sig: `(col ${t}, k INT) ARRAY<${t}>`, returns: topkReturn, make: (ctx: CallContext) => topk(ctx, true) })),
  });

  const numeric = ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL'];
  lib.aggregate({
    name: 'STDDEV_SAMP',
    category: 'AGGREGATE',
    description: 'Returns the sample variance of the values (named STDDEV_SAMP for compatibility with ksqlDB, which returns the variance).',
    overloads: numeric.map((t) => ({ sig: `(col ${t}) DOUBLE`, make: () => variance('variance') })),
  });
  lib.aggregate({
    name: 'STDDEV_SAMPLE',
    category: 'AGGREGATE',
    description: 'Returns the sample standard deviation of the values.',
    overloads: numeric.map((t) => ({ sig: `(col ${t}) DOUBLE`, make: () => variance('stddev') })),
  });
  lib.aggregate({
    name: 'CORRELATION',
    category: 'AGGREGATE',
    description: 'Returns the Pearson correlation coefficient of two columns (NaN when undefined).',
    overloads: [{ sig: '(x DOUBLE, y DOUBLE) DOUBLE', make: correlation }],
  });
  lib.aggregate({
    name: 'SUM_LIST',
    category: 'AGGREGATE',
    description: 'Sums the elements of arrays across rows.',
    overloads: [
      { sig: '(list ARRAY<INT>) INT', make: () => sumList('int') },
      { sig: '(list ARRAY<BIGINT>) BIGINT', make: () => sumList('bigint') },
      { sig: '(list ARRAY<DOUBLE>) DOUBLE', make: () => sumList('double') },
    ],
  });
}

