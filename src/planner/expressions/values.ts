// Runtime operations on SQL values in Eddy's representation (see src/common/types.ts):
// equality and ordering across the numeric representations, and text forms used by CAST.

import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import { javaDoubleToString } from '../../functions/values.js';
import { formatDate, formatTime, formatTimestamp } from './time.js';

function isNumberLike(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

function toDecimal(v: number | bigint | Decimal): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return Decimal.fromBigint(v);
  return Number.isInteger(v) ? Decimal.fromBigint(BigInt(v)) : Decimal.fromNumber(v);
}

/** Orders two numeric values of any representation (number, bigint, Decimal). NaN sorts last. */
export function compareNumeric(a: number | bigint | Decimal, b: number | bigint | Decimal): number {
  if (!(a instanceof Decimal) && !(b instanceof Decimal)) {
    // number/bigint comparisons are exact in JS, also across the two representations
    if (a < b) return -1;
    if (a > b) return 1;
    if (a == b) return 0; // eslint-disable-line eqeqeq
    // NaN involved: Java's Double.compare puts NaN above everything
    const an = typeof a === 'number' && Number.isNaN(a);
    const bn = typeof b === 'number' && Number.isNaN(b);
    return an === bn ? 0 : an ? 1 : -1;
  }
  if (typeof a === 'number' && !Number.isFinite(a)) return Number.isNaN(a) || a > 0 ? 1 : -1;
  if (typeof b === 'number' && !Number.isFinite(b)) return Number.isNaN(b) || b > 0 ? -1 : 1;
  return toDecimal(a).compareTo(toDecimal(b));
}

/**
 * Orders two non-null values of comparable types: numbers, strings, booleans, BYTES,
 * date/time values (numbers). Returns NaN for values that have no order.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((isNumberLike(a) || a instanceof Decimal) && (isNumberLike(b) || b instanceof Decimal)) return compareNumeric(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  return NaN;
}

/** SQL equality of two non-null values, deep for ARRAY, MAP and STRUCT; numbers by value. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number' && typeof b === 'number') return false; // === failed (NaN != NaN as in SQL)
  if ((isNumberLike(a) || a instanceof Decimal) && (isNumberLike(b) || b instanceof Decimal)) return compareNumeric(a, b) === 0;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!nullableEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (b.has(k)) {
        if (!nullableEqual(v, b.get(k))) return false;
        continue;
      }
      // keys of different numeric representations: fall back to a scan
      let found = false;
      for (const [k2, v2] of b) {
        if (nullableEqual(k, k2)) {
          if (!nullableEqual(v, v2)) return false;
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !nullableEqual(ao[k], bo[k])) return false;
  }
  return true;
}

/** Equality where two nulls are equal (elements inside containers, IS NOT DISTINCT FROM). */
export function nullableEqual(a: unknown, b: unknown): boolean {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn;
  return valuesEqual(a, b);
}

/** The text CAST(x AS STRING) gives for a value of the given type (ksqlDB/Java formatting). */
export function valueToString(v: unknown, type: SqlType): string | null {
  if (v === null || v === undefined) return null;
  switch (type.base) {
    case 'STRING':
      return v as string;
    case 'DOUBLE':
      return javaDoubleToString(v as number);
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number);
    case 'TIMESTAMP':
      return formatTimestamp(v as number);
    case 'BYTES':
      return (v as Buffer).toString('base64');
    case 'ARRAY':
      return `[${(v as unknown[]).map((x) => nestedText(x, type.item)).join(', ')}]`;
    case 'MAP': {
      const parts: string[] = [];
      for (const [k, x] of v as Map<unknown, unknown>) parts.push(`${nestedText(k, type.key)}=${nestedText(x, type.value)}`);
      return `{${parts.join(', ')}}`;
    }
    case 'STRUCT': {
      // Kafka Connect's Struct#toString: non-null fields only, no spaces
      const o = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const f of type.fields) {
        const x = o[f.name];
        if (x !== null && x !== undefined) parts.push(`${f.name}=${nestedText(x, f.type)}`);
      }
      return `Struct{${parts.join(',')}}`;
    }
    default:
      return String(v);
  }
}

function nestedText(v: unknown, type: SqlType): string {
  return v === null || v === undefined ? 'null' : valueToString(v, type)!;
}
