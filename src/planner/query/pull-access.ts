// How a pull query reaches the rows of a materialized table: the WHERE conjuncts on the key
// columns (and, for windowed tables, on WINDOWSTART / WINDOWEND) become a point lookup, a key
// range or bounds on the window columns, all answered by the store's primary-key index.
// The access path only narrows: the full WHERE still runs over what it returns, unless
// `exact` says the path returns exactly the rows WHERE keeps (then the fast path skips it).

import type { Expression, Literal } from '../../parser/ast.js';
import type { SqlType } from '../../common/types.js';
import type { SourceLayout } from './layout.js';

/** A key value taken from a literal of the statement (the fast path rebinds it by `literal`). */
export interface KeyValue {
  value: unknown;
  literal: Literal;
}

export interface Bound {
  value: KeyValue;
  inclusive: boolean;
}

export interface Bounds {
  lower?: Bound;
  upper?: Bound;
}

export interface KeyAccess {
  /** Full key tuples to look up, in the order the query lists them (duplicates removed). */
  points?: KeyValue[][];
  /** Bounds on the (only) key column. */
  range?: Bounds;
  /** Windowed tables: bounds on the window start and end. */
  windowStart?: Bounds;
  windowEnd?: Bounds;
  /** The rows the path returns are exactly those WHERE keeps. */
  exact: boolean;
  /** How many key tuples the query lists before duplicates are removed. */
  listed?: number;
  /**
   * Points come back in the order listed (what ksqlDB does for a WHERE that is only a key
   * lookup); otherwise rows come in scan order: by partition, then key.
   */
  listedOrder: boolean;
}

/** Key types whose SQLite comparison is the SQL comparison (DOUBLE: numerically, so never `exact`). */
const INDEXABLE = new Set(['INTEGER', 'BIGINT', 'STRING', 'DOUBLE']);

type Cmp = '=' | '<' | '<=' | '>' | '>=';
const FLIP: Record<Cmp, Cmp> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function conjuncts(e: Expression, out: Expression[] = []): Expression[] {
  if (e.kind === 'Logical' && e.op === 'AND') {
    conjuncts(e.left, out);
    conjuncts(e.right, out);
  } else out.push(e);
  return out;
}

export function keyAccess(where: Expression | undefined, layout: SourceLayout): KeyAccess {
  if (!where) return { exact: true, listedOrder: false };
  const keys = layout.keyColumns;
  const windowed = layout.windowIndexes !== undefined;
  const usable = keys.length > 0 && keys.every((k) => INDEXABLE.has(k.type.base));

  /** Which column a side of a comparison names: a key position, 'WS' / 'WE', or undefined. */
  const target = (e: Expression): number | 'WS' | 'WE' | undefined => {
    if (e.kind !== 'ColumnRef') return undefined;
    const col = layout.scope.resolve(e);
    if (!col || col.namespace !== 'KEY') return undefined;
    if (col.windowBound) return windowed ? (col.name === 'WINDOWSTART' ? 'WS' : 'WE') : undefined;
    const i = keys.findIndex((k) => k.name === col.name);
    return i >= 0 ? i : undefined;
  };
  const typeOf = (t: number | 'WS' | 'WE'): SqlType => (typeof t === 'number' ? keys[t]!.type : { base: 'BIGINT' } as SqlType);
  const literal = (e: Expression, type: SqlType): KeyValue | undefined => {
    const v = literalKeyValue(e, type);
    return v === undefined ? undefined : { value: v, literal: e as Literal };
  };

  const eq: (KeyValue | undefined)[] = keys.map(() => undefined);
  let inList: KeyValue[] | undefined;
  const range: Bounds = {};
  const ws: Bounds = {};
  const we: Bounds = {};
  let exact = true;

  const bound = (b: Bounds, op: Cmp, v: KeyValue): boolean => {
    if (op === '=') {
      if (b.lower || b.upper) return false;
      b.lower = { value: v, inclusive: true };
      b.upper = { value: v, inclusive: true };
      return true;
    }
    const side = op === '<' || op === '<=' ? 'upper' : 'lower';
    if (b[side]) return false;
    b[side] = { value: v, inclusive: op === '<=' || op === '>=' };
    return true;
  };

  const comparison = (t: number | 'WS' | 'WE', op: Cmp, v: KeyValue): boolean => {
    if (t === 'WS') return bound(ws, op, v);
    if (t === 'WE') return bound(we, op, v);
    if (!usable) return false;
    if (op === '=') {
      if (eq[t] || inList) return false;
      eq[t] = v;
      return true;
    }
    return keys.length === 1 && bound(range, op, v);
  };

  /** `K = a OR K = b OR K IN (...)` on a single key column. */
  const disjunction = (e: Expression): KeyValue[] | undefined => {
    if (e.kind === 'Logical' && e.op === 'OR') {
      const l = disjunction(e.left);
      const r = l && disjunction(e.right);
      return l && r ? [...l, ...r] : undefined;
    }
    if (e.kind === 'Comparison' && e.op === '=') {
      const l = target(e.left);
      const r = target(e.right);
      const v = l === 0 ? literal(e.right, keys[0]!.type) : r === 0 ? literal(e.left, keys[0]!.type) : undefined;
      return v ? [v] : undefined;
    }
    if (e.kind === 'In' && !e.not && target(e.value) === 0) {
      const vs = e.list.map((x) => literal(x, keys[0]!.type));
      return vs.every((v) => v !== undefined) ? (vs as KeyValue[]) : undefined;
    }
    return undefined;
  };

  for (const c of conjuncts(where)) {
    let used = false;
    if (c.kind === 'Comparison' && c.op in FLIP) {
      const op = c.op as Cmp;
      const l = target(c.left);
      const r = target(c.right);
      if (l !== undefined && r === undefined) {
        const v = literal(c.right, typeOf(l));
        used = v !== undefined && comparison(l, op, v);
      } else if (r !== undefined && l === undefined) {
        const v = literal(c.left, typeOf(r));
        used = v !== undefined && comparison(r, FLIP[op], v);
      }
    } else if (c.kind === 'Between' && !c.not) {
      const t = target(c.value);
      if (t !== undefined) {
        const lo = literal(c.low, typeOf(t));
        const hi = literal(c.high, typeOf(t));
        used = lo !== undefined && hi !== undefined && comparison(t, '>=', lo) && comparison(t, '<=', hi);
      }
    } else if (usable && keys.length === 1 && !eq[0] && !inList) {
      const list = disjunction(c);
      if (list) {
        inList = list;
        used = true;
      }
    }
    if (!used) exact = false;
  }

  const windowBounds = ws.lower || ws.upper || we.lower || we.upper;
  const access: KeyAccess = { exact: exact && !keys.some((k) => k.type.base === 'DOUBLE'), listedOrder: !windowBounds };
  if (ws.lower || ws.upper) access.windowStart = ws;
  if (we.lower || we.upper) access.windowEnd = we;
  const hasRange = range.lower !== undefined || range.upper !== undefined;
  if (inList || eq.every((v) => v !== undefined)) {
    access.points = inList ? dedupe(inList.map((v) => [v])) : [eq as KeyValue[]];
    access.listed = inList ? inList.length : 1;
    // A key range next to a key equality: the lookup ignores it, WHERE applies it.
    if (hasRange) access.exact = access.listedOrder = false;
  } else if (eq.some((v) => v !== undefined)) {
    // A partial key equality narrows nothing through this path: WHERE does the work.
    access.exact = access.listedOrder = false;
    if (hasRange) access.range = range;
  } else {
    if (hasRange) access.range = range;
  }
  return access;
}

function dedupe(points: KeyValue[][]): KeyValue[][] {
  const seen = new Set<string>();
  return points.filter((p) => {
    const id = JSON.stringify(p.map((v) => (typeof v.value === 'bigint' ? `${v.value}n` : v.value)));
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The value a literal gives a key column of `type`, or undefined when the literal is not of
 * that type's kind (a WHERE that compares differently: answered by the full filter).
 */
export function literalKeyValue(e: Expression, type: SqlType): unknown {
  if (e.kind !== 'Literal') return undefined;
  if (type.base === 'STRING') return e.type === 'STRING' ? e.value : undefined;
  if (type.base === 'DOUBLE') return e.type === 'INT' || e.type === 'BIGINT' || e.type === 'DECIMAL' || e.type === 'DOUBLE' ? Number(e.value) : undefined;
  if (e.type !== 'INT' && e.type !== 'BIGINT') return undefined;
  const v = BigInt(e.value as string);
  if (type.base === 'INTEGER' && !(v >= -2147483648n && v <= 2147483647n)) return undefined;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
