// Type rules of ksqlDB expressions: numeric widening, DECIMAL precision/scale of arithmetic,
// implicit coercion between types and the common type of a list of types.

import { BIGINT, DOUBLE, INTEGER, decimalType, isNumeric, typesEqual } from '../../common/types.js';
import type { SqlType, StructField } from '../../common/types.js';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

const NUMERIC_RANK: Record<string, number> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

/** INT widens to DECIMAL(10, 0) and BIGINT to DECIMAL(19, 0). */
export function asDecimal(t: SqlType): { precision: number; scale: number } {
  if (t.base === 'DECIMAL') return { precision: t.precision, scale: t.scale };
  if (t.base === 'INTEGER') return { precision: 10, scale: 0 };
  if (t.base === 'BIGINT') return { precision: 19, scale: 0 };
  throw new Error(`not an exact numeric type: ${t.base}`);
}

/** Result type of `l op r` for numeric operands (SQL Server-style DECIMAL rules, as ksqlDB). */
export function numericResultType(op: ArithmeticOp, l: SqlType, r: SqlType): SqlType {
  const rank = Math.max(NUMERIC_RANK[l.base]!, NUMERIC_RANK[r.base]!);
  if (rank === 0) return INTEGER;
  if (rank === 1) return BIGINT;
  if (rank === 3) return DOUBLE;
  const a = asDecimal(l);
  const b = asDecimal(r);
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(a.scale, b.scale);
      return decimalType(Math.max(a.precision - a.scale, b.precision - b.scale) + scale + 1, scale);
    }
    case '*':
      return decimalType(a.precision + b.precision + 1, a.scale + b.scale);
    case '/': {
      const scale = Math.max(6, a.scale + b.precision + 1);
      return decimalType(a.precision - a.scale + b.scale + scale, scale);
    }
    case '%': {
      const scale = Math.max(a.scale, b.scale);
      return decimalType(Math.min(a.precision - a.scale, b.precision - b.scale) + scale, scale);
    }
  }
}

/** The wider of two numeric types (for comparisons and common types). */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  const ra = NUMERIC_RANK[a.base]!;
  const rb = NUMERIC_RANK[b.base]!;
  if (ra === 2 || rb === 2) {
    if (ra === 3 || rb === 3) return DOUBLE;
    const x = asDecimal(a);
    const y = asDecimal(b);
    const scale = Math.max(x.scale, y.scale);
    return decimalType(Math.max(x.precision - x.scale, y.precision - y.scale) + scale, scale);
  }
  return ra >= rb ? a : b;
}

/** True when a value of `from` may be used where `to` is expected without an explicit CAST. */
export function canImplicitlyCoerce(from: SqlType, to: SqlType): boolean {
  if (typesEqual(from, to)) return true;
  if (isNumeric(from) && isNumeric(to)) {
    const rf = NUMERIC_RANK[from.base]!;
    const rt = NUMERIC_RANK[to.base]!;
    if (to.base === 'DECIMAL') {
      if (rf > 2) return false;
      const f = asDecimal(from);
      return to.precision - to.scale >= f.precision - f.scale && to.scale >= f.scale;
    }
    return rt >= rf;
  }
  if (from.base === 'ARRAY' && to.base === 'ARRAY') return canImplicitlyCoerce(from.item, to.item);
  if (from.base === 'MAP' && to.base === 'MAP') {
    return canImplicitlyCoerce(from.key, to.key) && canImplicitlyCoerce(from.value, to.value);
  }
  if (from.base === 'STRUCT' && to.base === 'STRUCT') {
    // fields matched by name; the target may have more fields (they become null)
    return from.fields.every((f) => {
      const t = to.fields.find((x) => x.name === f.name);
      return t !== undefined && canImplicitlyCoerce(f.type, t.type);
    });
  }
  return false;
}

/**
 * Common type of two non-null types or undefined when there is none: numerics widen,
 * containers combine element-wise, structs take the union of their fields.
 */
export function commonOf(a: SqlType, b: SqlType): SqlType | undefined {
  if (typesEqual(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b);
  if (a.base === 'ARRAY' && b.base === 'ARRAY') {
    const item = commonOf(a.item, b.item);
    return item && { base: 'ARRAY', item };
  }
  if (a.base === 'MAP' && b.base === 'MAP') {
    const key = commonOf(a.key, b.key);
    const value = commonOf(a.value, b.value);
    return key && value && { base: 'MAP', key, value };
  }
  if (a.base === 'STRUCT' && b.base === 'STRUCT') {
    const fields: StructField[] = a.fields.map((f) => ({ ...f }));
    for (const f of b.fields) {
      const existing = fields.find((x) => x.name === f.name);
      if (!existing) {
        fields.push({ ...f });
        continue;
      }
      const t = commonOf(existing.type, f.type);
      if (!t) return undefined;
      existing.type = t;
    }
    return { base: 'STRUCT', fields };
  }
  return undefined;
}

/** Common type of a list (nulls are untyped NULLs and are skipped); undefined when incompatible or all null. */
export function commonType(types: (SqlType | null)[]): SqlType | undefined {
  let acc: SqlType | undefined;
  for (const t of types) {
    if (t === null) continue;
    if (acc === undefined) {
      acc = t;
      continue;
    }
    const next = commonOf(acc, t);
    if (next === undefined) return undefined;
    acc = next;
  }
  return acc;
}

const ORDERED = new Set(['INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE', 'STRING', 'BOOLEAN', 'DATE', 'TIME', 'TIMESTAMP', 'BYTES']);

/** True when values of the two types can be compared with the operator (without literal coercion). */
export function comparable(l: SqlType, r: SqlType, equalityOnly: boolean): boolean {
  if (isNumeric(l) && isNumeric(r)) return true;
  const temporal = (t: SqlType) => t.base === 'DATE' || t.base === 'TIMESTAMP';
  if (temporal(l) && temporal(r)) return true;
  if (l.base !== r.base) return false;
  if (ORDERED.has(l.base)) return true;
  if (!equalityOnly) return false;
  return commonOf(l, r) !== undefined;
}
