// Generic operations on SQL values in their JS representation (see src/common/types.ts):
// equality, ordering, set keys and text rendering, as Java's equals/compareTo/toString
// would do them in ksqlDB.

import { Decimal } from '../common/decimal.js';

/** Deep SQL equality; null equals null here (collection membership semantics). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // number vs bigint of the same BIGINT value cannot happen after normalizeBigint
    if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
    return false;
  }
  if (a instanceof Decimal) return b instanceof Decimal && a.compareTo(b) === 0;
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !valuesEqual(v, b.get(k))) return false;
    }
    return true;
  }
  if (b instanceof Map || Array.isArray(b) || Buffer.isBuffer(b) || b instanceof Decimal) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * A key under which equal values collide, usable in a JS Map/Set: primitives are their own
 * key; structured values get a canonical text.
 */
export function valueKey(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  return '\u0000' + canonical(v);
}

function canonical(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return `n${v}`;
    case 'bigint':
      return `n${v}`;
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (v instanceof Decimal) return `d${v.setScale(Math.max(v.scale, 0)).toString().replace(/\.?0+$/, '')}`;
  if (Buffer.isBuffer(v)) return `b${v.toString('base64')}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  // Maps are equal whatever their entries' order (as Java's are).
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${canonical(k)}:${canonical(x)}`).sort().join(',')}}`;
  const o = v as Record<string, unknown>;
  return `(${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')})`;
}

function numericValue(v: unknown): number | bigint | null {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  return null;
}

/** Orders two non-null values of the same SQL type (numbers, bigints, decimals, strings, booleans, bytes). */
export function compareValues(a: unknown, b: unknown): number {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== null && nb !== null) {
    if (typeof na === 'number' && typeof nb === 'number') {
      // Java Double.compare: NaN is greater than everything, -0.0 < 0.0
      if (na < nb) return -1;
      if (na > nb) return 1;
      if (na === nb) return 0;
      return Number.isNaN(na) ? (Number.isNaN(nb) ? 0 : 1) : -1;
    }
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  if (a instanceof Decimal && b instanceof Decimal) return a.compareTo(b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return compareBytes(a, b);
  throw new Error(`Cannot compare values ${String(a)} and ${String(b)}`);
}

/** Java String.compareTo: by UTF-16 code units. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Java ByteBuffer.compareTo: signed bytes, lexicographic. */
export function compareBytes(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = (a[i]! << 24) >> 24;
    const y = (b[i]! << 24) >> 24;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Java Double.toString for finite and special values. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  // Scientific notation: mantissa with at least one fraction digit, `E` exponent. Java's second
  // digit is the correctly rounded one, not a padding zero: Double.MIN_VALUE is 4.9E-324.
  let [mant, exp] = d.toExponential().split('e') as [string, string];
  if (!mant.includes('.')) [mant, exp] = d.toExponential(1).split('e') as [string, string];
  return `${mant}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** Text of a value as Java's toString would render it inside ksqlDB (ARRAY_JOIN, CONCAT casts). */
export function valueToText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) && Math.abs(v) < 2 ** 63 ? String(v) : javaDoubleToString(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return `[${v.map(valueToText).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${valueToText(k)}=${valueToText(x)}`).join(', ')}}`;
  const o = v as Record<string, unknown>;
  return `Struct{${Object.keys(o)
    .filter((k) => o[k] !== null)
    .map((k) => `${k}=${valueToText(o[k])}`)
    .join(',')}}`;
}

/** A type-aware renderer to Java-like text (DOUBLE 1 renders as `1.0`). */
export function textFormatter(type: import('../common/types.js').SqlType | null): (v: unknown) => string {
  if (type && type.base === 'DOUBLE') return (v) => (v === null ? 'null' : javaDoubleToString(v as number));
  if (type && type.base === 'ARRAY') {
    const item = textFormatter(type.item);
    return (v) => (v === null ? 'null' : `[${(v as unknown[]).map(item).join(', ')}]`);
  }
  if (type && type.base === 'MAP') {
    const k = textFormatter(type.key);
    const x = textFormatter(type.value);
    return (v) => (v === null ? 'null' : `{${[...(v as Map<unknown, unknown>)].map(([a, b]) => `${k(a)}=${x(b)}`).join(', ')}}`);
  }
  return valueToText;
}
