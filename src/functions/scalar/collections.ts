// Array, map, lambda and null-handling scalar functions.

import type { FunctionLibrary } from '../library.js';
import type { CallContext } from '../overloads.js';
import { type SqlType, STRING, arrayOf, structOf } from '../../common/types.js';
import { compareValues, textFormatter, valueKey, valuesEqual } from '../values.js';

type Arr = unknown[] | null;
type M = Map<unknown, unknown> | null;

function isPrimitiveKey(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** A set over SQL values keyed by structural equality. */
class ValueSet {
  private readonly keys = new Set<unknown>();
  add(v: unknown): boolean {
    const k = isPrimitiveKey(v) ? v : valueKey(v);
    if (this.keys.has(k)) return false;
    this.keys.add(k);
    return true;
  }
  has(v: unknown): boolean {
    return this.keys.has(isPrimitiveKey(v) ? v : valueKey(v));
  }
}

function distinct(a: Arr): Arr {
  if (a === null) return null;
  const seen = new ValueSet();
  const out: unknown[] = [];
  for (const v of a) if (seen.add(v)) out.push(v);
  return out;
}

function except(a: Arr, b: Arr): Arr {
  if (a === null || b === null) return null;
  const excluded = new ValueSet();
  for (const v of b) excluded.add(v);
  const seen = new ValueSet();
  const out: unknown[] = [];
  for (const v of a) if (!excluded.has(v) && seen.add(v)) out.push(v);
  return out;
}

function intersect(a: Arr, b: Arr): Arr {
  if (a === null || b === null) return null;
  const inB = new ValueSet();
  for (const v of b) inB.add(v);
  const seen = new ValueSet();
  const out: unknown[] = [];
  for (const v of a) if (inB.has(v) && seen.add(v)) out.push(v);
  return out;
}

function union(a: Arr, b: Arr): Arr {
  if (a === null || b === null) return null;
  const seen = new ValueSet();
  const out: unknown[] = [];
  for (const v of a) if (seen.add(v)) out.push(v);
  for (const v of b) if (seen.add(v)) out.push(v);
  return out;
}

function extremum(a: Arr, sign: 1 | -1): unknown {
  if (a === null) return null;
  let best: unknown = null;
  for (const v of a) {
    if (v === null) continue;
    if (best === null || compareValues(v, best) * sign > 0) best = v;
  }
  return best;
}

function sortArray(a: Arr, direction?: string | null): Arr {
  if (a === null) return null;
  let sign = 1;
  if (direction !== undefined) {
    if (direction === null) return null;
    const d = direction.toUpperCase();
    if (d === 'DESC') sign = -1;
    else if (d !== 'ASC') return null;
  }
  const nonNull: unknown[] = a.filter((v) => v !== null);
  nonNull.sort((x, y) => compareValues(x, y) * sign);
  for (let i = nonNull.length; i < a.length; i++) nonNull.push(null);
  return nonNull;
}

function slice(a: Arr, from: number | null, to: number | null): Arr {
  if (a === null) return null;
  const start = from === null ? 0 : from - 1;
  const end = to === null ? a.length : to;
  if (start < 0 || start >= a.length || end < start) return null;
  return a.slice(start, Math.min(end, a.length));
}

function primitiveElements(ctx: CallContext): void {
  const t = ctx.paramTypes[0];
  if (t && t.base === 'ARRAY' && (t.item.base === 'ARRAY' || t.item.base === 'MAP' || t.item.base === 'STRUCT')) {
    throw new Error(`Function '${ctx.name.toLowerCase()}' only supports arrays of primitive types, not ${t.item.base}`);
  }
}

function entriesType(ctx: CallContext): SqlType {
  const m = ctx.paramTypes[0];
  const v = m && m.base === 'MAP' ? m.value : STRING;
  return arrayOf(structOf([
    { name: 'K', type: STRING },
    { name: 'V', type: v },
  ]));
}

export function registerCollections(lib: FunctionLibrary): void {
  lib.scalar({
    name: 'ARRAY_CONCAT',
    category: 'ARRAY',
    description: 'Returns an array of the elements of the first array followed by those of the second; null only when both are null.',
    overloads: [
      {
        sig: '(left ARRAY<T>, right ARRAY<T>) ARRAY<T>',
        impl: (a: Arr, b: Arr) => (a === null && b === null ? null : [...(a ?? []), ...(b ?? [])]),
      },
    ],
  });
  lib.scalar({
    name: 'ARRAY_CONTAINS',
    category: 'ARRAY',
    description: 'Returns true when the array contains the value.',
    overloads: [
      {
        sig: '(array ARRAY<T>, val T) BOOLEAN',
        impl: (a: Arr, v: unknown) => {
          if (a === null) return false;
          if (isPrimitiveKey(v)) return a.includes(v);
          for (const x of a) if (valuesEqual(x, v)) return true;
          return false;
        },
      },
    ],
  });
  lib.scalar({
    name: 'ARRAY_LENGTH',
    category: 'ARRAY',
    description: 'Returns the number of elements in the array.',
    overloads: [{ sig: '(array ARRAY<T>) INT', impl: (a: Arr) => (a === null ? null : a.length) }],
  });
  lib.scalar({
    name: 'ARRAY_REMOVE',
    category: 'ARRAY',
    description: 'Removes every element equal to the value.',
    overloads: [
      {
        sig: '(array ARRAY<T>, victim T) ARRAY<T>',
        impl: (a: Arr, v: unknown) => (a === null ? null : a.filter((x) => !valuesEqual(x, v))),
      },
    ],
  });
  lib.scalar({
    name: 'ARRAY_DISTINCT',
    category: 'ARRAY',
    description: 'Returns the distinct elements in order of first occurrence.',
    overloads: [{ sig: '(array ARRAY<T>) ARRAY<T>', impl: distinct }],
  });
  lib.scalar({
    name: 'ARRAY_EXCEPT',
    category: 'ARRAY',
    description: 'Returns the distinct elements of the first array that are not in the second.',
    overloads: [{ sig: '(left ARRAY<T>, right ARRAY<T>) ARRAY<T>', impl: except }],
  });
  lib.scalar({
    name: 'ARRAY_INTERSECT',
    category: 'ARRAY',
    description: 'Returns the distinct elements present in both arrays.',
    overloads: [{ sig: '(left ARRAY<T>, right ARRAY<T>) ARRAY<T>', impl: intersect }],
  });
  lib.scalar({
    name: 'ARRAY_UNION',
    category: 'ARRAY',
    description: 'Returns the distinct elements of both arrays.',
    overloads: [{ sig: '(left ARRAY<T>, right ARRAY<T>) ARRAY<T>', impl: union }],
  });
  const joinMake = (ctx: CallContext) => {
    primitiveElements(ctx);
    const t = ctx.paramTypes[0];
    const fmt = textFormatter(t && t.base === 'ARRAY' ? t.item : null);
    return (a: Arr, delim?: string | null) => {
      if (a === null) return null;
      const d = delim === undefined ? ',' : delim ?? '';
      let out = '';
      for (let i = 0; i < a.length; i++) {
        if (i > 0) out += d;
        out += fmt(a[i]);
      }
      return out;
    };
  };
  lib.scalar({
    name: 'ARRAY_JOIN',
    category: 'ARRAY',
    description: 'Joins the elements of an array of primitives into a string with a delimiter (default comma).',
    overloads: [
      { sig: '(array ARRAY<T>) STRING', make: joinMake },
      { sig: '(array ARRAY<T>, delimiter STRING) STRING', make: joinMake },
    ],
  });
  lib.scalar({
    name: 'ARRAY_MAX',
    category: 'ARRAY',
    description: 'Returns the maximum non-null element of an array of primitives.',
    overloads: [
      {
        sig: '(array ARRAY<T>) T',
        make: (ctx) => {
          primitiveElements(ctx);
          return (a: Arr) => extremum(a, 1);
        },
      },
    ],
  });
  lib.scalar({
    name: 'ARRAY_MIN',
    category: 'ARRAY',
    description: 'Returns the minimum non-null element of an array of primitives.',
    overloads: [
      {
        sig: '(array ARRAY<T>) T',
        make: (ctx) => {
          primitiveElements(ctx);
          return (a: Arr) => extremum(a, -1);
        },
      },
    ],
  });
  const sortMake = (ctx: CallContext) => {
    primitiveElements(ctx);
    return sortArray;
  };
  lib.scalar({
    name: 'ARRAY_SORT',
    category: 'ARRAY',
    description: "Sorts an array of primitives ascending, or descending with 'DESC'; nulls go last.",
    overloads: [
      { sig: '(array ARRAY<T>) ARRAY<T>', make: sortMake },
      { sig: '(array ARRAY<T>, direction STRING) ARRAY<T>', make: sortMake },
    ],
  });
  lib.scalar({
    name: 'SLICE',
    category: 'ARRAY',
    description: 'Returns the elements between the 1-based positions from and to, inclusive.',
    overloads: [{ sig: '(array ARRAY<T>, from INT, to INT) ARRAY<T>', impl: slice }],
  });

  lib.scalar({
    name: 'AS_MAP',
    category: 'MAP',
    description: 'Constructs a map from an array of keys and an array of values.',
    overloads: [
      {
        sig: '(keys ARRAY<STRING>, values ARRAY<T>) MAP<STRING, T>',
        impl: (ks: Arr, vs: Arr) => {
          if (ks === null || vs === null) return null;
          const m = new Map<unknown, unknown>();
          const n = Math.min(ks.length, vs.length);
          for (let i = 0; i < n; i++) m.set(ks[i], vs[i]);
          return m;
        },
      },
    ],
  });
  lib.scalar({
    name: 'MAP_KEYS',
    category: 'MAP',
    description: 'Returns the keys of a map.',
    overloads: [{ sig: '(input MAP<STRING, T>) ARRAY<STRING>', impl: (m: M) => (m === null ? null : [...m.keys()]) }],
  });
  lib.scalar({
    name: 'MAP_VALUES',
    category: 'MAP',
    description: 'Returns the values of a map.',
    overloads: [{ sig: '(input MAP<STRING, T>) ARRAY<T>', impl: (m: M) => (m === null ? null : [...m.values()]) }],
  });
  lib.scalar({
    name: 'MAP_UNION',
    category: 'MAP',
    description: 'Merges two maps; the second wins on duplicate keys.',
    overloads: [
      {
        sig: '(map1 MAP<STRING, T>, map2 MAP<STRING, T>) MAP<STRING, T>',
        impl: (a: M, b: M) => {
          if (a === null && b === null) return null;
          const out = new Map<unknown, unknown>(a ?? []);
          if (b !== null) for (const [k, v] of b) out.set(k, v);
          return out;
        },
      },
    ],
  });
  lib.scalar({
    name: 'ENTRIES',
    category: 'MAP',
    description: 'Returns the entries of a map as an array of structs with fields K and V, optionally sorted by key.',
    overloads: [
      {
        sig: '(map MAP<STRING, T>, sorted BOOLEAN) ARRAY<STRUCT>',
        returns: entriesType,
        impl: (m: M, sorted: boolean | null) => {
          if (m === null) return null;
          const out = [...m].map(([K, V]) => ({ K, V }));
          if (sorted) out.sort((x, y) => compareValues(x.K, y.K));
          return out;
        },
      },
    ],
  });

  lib.scalar({
    name: 'TRANSFORM',
    category: 'LAMBDA',
    description: 'Applies a lambda to each element of an array, or lambdas to the keys and values of a map.',
    overloads: [
      {
        sig: '(array ARRAY<T>, fn FUNC(T => U)) ARRAY<U>',
        impl: (a: Arr, fn: (x: unknown) => unknown) => (a === null ? null : a.map((x) => fn(x))),
      },
      {
        sig: '(map MAP<K, V>, keyFn FUNC(K, V => K2), valueFn FUNC(K, V => V2)) MAP<K2, V2>',
        impl: (m: M, kf: (k: unknown, v: unknown) => unknown, vf: (k: unknown, v: unknown) => unknown) => {
          if (m === null) return null;
          const out = new Map<unknown, unknown>();
          for (const [k, v] of m) out.set(kf(k, v), vf(k, v));
          return out;
        },
      },
    ],
  });
  lib.scalar({
    name: 'FILTER',
    category: 'LAMBDA',
    description: 'Keeps the array elements, or map entries, for which the lambda returns true.',
    overloads: [
      {
        sig: '(array ARRAY<T>, fn FUNC(T => BOOLEAN)) ARRAY<T>',
        impl: (a: Arr, fn: (x: unknown) => unknown) => (a === null ? null : a.filter((x) => fn(x) === true)),
      },
      {
        sig: '(map MAP<K, V>, fn FUNC(K, V => BOOLEAN)) MAP<K, V>',
        impl: (m: M, fn: (k: unknown, v: unknown) => unknown) => {
          if (m === null) return null;
          const out = new Map<unknown, unknown>();
          for (const [k, v] of m) if (fn(k, v) === true) out.set(k, v);
          return out;
        },
      },
    ],
  });
  lib.scalar({
    name: 'REDUCE',
    category: 'LAMBDA',
    description: 'Folds an array, or a map, into a single value starting from an initial state.',
    overloads: [
      {
        sig: '(array ARRAY<T>, initialState S, fn FUNC(S, T => S)) S',
        impl: (a: Arr, init: unknown, fn: (s: unknown, x: unknown) => unknown) => {
          if (a === null) return init;
          if (init === null) return null;
          let s: unknown = init;
          for (const x of a) s = fn(s, x);
          return s;
        },
      },
      {
        sig: '(map MAP<K, V>, initialState S, fn FUNC(S, K, V => S)) S',
        impl: (m: M, init: unknown, fn: (s: unknown, k: unknown, v: unknown) => unknown) => {
          if (m === null) return init;
          if (init === null) return null;
          let s: unknown = init;
          for (const [k, v] of m) s = fn(s, k, v);
          return s;
        },
      },
    ],
  });

  lib.scalar({
    name: 'COALESCE',
    errorName: 'COALESCE',
    category: 'CONDITIONAL',
    description: 'Returns the first non-null argument.',
    overloads: [
      {
        sig: '(first T, others T...) T',
        impl: (...xs: unknown[]) => {
          for (let i = 0; i < xs.length; i++) if (xs[i] !== null) return xs[i];
          return null;
        },
      },
    ],
  });
  lib.scalar({
    name: 'IFNULL',
    category: 'CONDITIONAL',
    description: 'Returns the second argument when the first is null.',
    overloads: [{ sig: '(expression T, altValue T) T', impl: (x: unknown, alt: unknown) => (x === null ? alt : x) }],
  });
  lib.scalar({
    name: 'NULLIF',
    category: 'CONDITIONAL',
    description: 'Returns null when both arguments are equal, else the first.',
    overloads: [{ sig: '(expr1 T, expr2 T) T', impl: (a: unknown, b: unknown) => (valuesEqual(a, b) ? null : a) }],
  });
  lib.scalar({
    name: 'AS_VALUE',
    category: 'OTHER',
    description: 'Copies a key column into the value of the result.',
    overloads: [{ sig: '(source T) T', impl: (x: unknown) => x }],
  });
}
