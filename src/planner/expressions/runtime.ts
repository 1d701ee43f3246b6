// Helpers called from compiled expression code. Kept monomorphic and allocation-free on the
// common paths (small BIGINTs stay numbers, DECIMAL work happens only for DECIMAL types).

import { Decimal } from '../../common/decimal.js';
import { normalizeBigint } from '../../common/types.js';
import { parseTimestamp } from './time.js';
import { compareNumeric, compareValues, nullableEqual, valuesEqual } from './values.js';

function divisionByZero(): Error {
  return new Error('/ by zero');
}

function big(a: number | bigint): bigint {
  return typeof a === 'bigint' ? a : BigInt(a);
}

export const runtime = {
  /** Arithmetic on a null operand fails the whole expression, as unboxing a null does in ksqlDB's generated code. */
  nullOperand(): never {
    throw new Error('Cannot do arithmetic on a null operand (java.lang.NullPointerException)');
  },

  // ---- INT (32-bit, wraps)
  divI(a: number, b: number): number {
    if (b === 0) throw divisionByZero();
    return (a / b) | 0;
  },
  modI(a: number, b: number): number {
    if (b === 0) throw divisionByZero();
    return (a % b) | 0;
  },

  // ---- BIGINT (64-bit, wraps; numbers while safe)
  addL(a: number | bigint, b: number | bigint): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a + b;
      if (Number.isSafeInteger(r)) return r;
    }
    return normalizeBigint(big(a) + big(b));
  },
  subL(a: number | bigint, b: number | bigint): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a - b;
      if (Number.isSafeInteger(r)) return r;
    }
    return normalizeBigint(big(a) - big(b));
  },
  mulL(a: number | bigint, b: number | bigint): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a * b;
      if (Number.isSafeInteger(r)) return r + 0;
    }
    return normalizeBigint(big(a) * big(b));
  },
  divL(a: number | bigint, b: number | bigint): number | bigint {
    if (b == 0) throw divisionByZero(); // eslint-disable-line eqeqeq
    // float division truncates exactly while |a| < 2^52
    if (typeof a === 'number' && typeof b === 'number' && Math.abs(a) < 4503599627370496) return Math.trunc(a / b) + 0;
    return normalizeBigint(big(a) / big(b));
  },
  modL(a: number | bigint, b: number | bigint): number | bigint {
    if (b == 0) throw divisionByZero(); // eslint-disable-line eqeqeq
    if (typeof a === 'number' && typeof b === 'number') return (a % b) + 0;
    return normalizeBigint(big(a) % big(b));
  },
  negL(a: number | bigint): number | bigint {
    return typeof a === 'number' ? -a + 0 : normalizeBigint(-a);
  },

  // ---- DECIMAL
  toDec(a: number | bigint | Decimal): Decimal {
    if (a instanceof Decimal) return a;
    return Decimal.fromBigint(a);
  },
  addD(a: Decimal, b: Decimal, scale: number): Decimal {
    return a.add(b).setScale(scale);
  },
  subD(a: Decimal, b: Decimal, scale: number): Decimal {
    return a.subtract(b).setScale(scale);
  },
  mulD(a: Decimal, b: Decimal, scale: number): Decimal {
    return a.multiply(b).setScale(scale);
  },
  divD(a: Decimal, b: Decimal, scale: number): Decimal {
    return a.divide(b, scale);
  },
  modD(a: Decimal, b: Decimal, scale: number): Decimal {
    return a.remainder(b).setScale(scale);
  },

  // ---- comparisons
  cmpNum: compareNumeric,
  cmp: compareValues,
  eq: valuesEqual,
  /** IS NOT DISTINCT FROM */
  same: nullableEqual,
  /** Equality for IN and simple CASE: a null on either side never matches. */
  eqv(a: unknown, b: unknown): boolean {
    return b !== null && valuesEqual(a, b);
  },
  parseTs(s: string): number {
    const v = parseTimestamp(s);
    if (v === undefined) throw new Error(`invalid input syntax for type TIMESTAMP: "${s}"`);
    return v;
  },

  // ---- strings
  /** `||` behaves as CONCAT: null operands count as empty strings. */
  concat(a: string | null, b: string | null): string {
    return (a ?? '') + (b ?? '');
  },

  // ---- access
  arrayAt(arr: unknown[], index: number | bigint): unknown {
    const i = Number(index);
    const n = arr.length;
    const pos = i > 0 ? i - 1 : i < 0 ? n + i : -1;
    if (pos < 0 || pos >= n) return null;
    const v = arr[pos];
    return v === undefined ? null : v;
  },
  mapGet(map: Map<unknown, unknown>, key: unknown): unknown {
    const v = map.get(key);
    return v === undefined ? null : v;
  },

  // ---- function calls: a function that throws is reported and yields null, and the expression
  // around it goes on (as a failing UDF does in ksqlDB). Arguments are evaluated by the caller.
  call0(fail: (e: unknown) => void, fn: () => unknown): unknown {
    try {
      return fn();
    } catch (e) {
      fail(e);
      return null;
    }
  },
  call1(fail: (e: unknown) => void, fn: (a: unknown) => unknown, a: unknown): unknown {
    try {
      return fn(a);
    } catch (e) {
      fail(e);
      return null;
    }
  },
  call2(fail: (e: unknown) => void, fn: (a: unknown, b: unknown) => unknown, a: unknown, b: unknown): unknown {
    try {
      return fn(a, b);
    } catch (e) {
      fail(e);
      return null;
    }
  },
  callN(fail: (e: unknown) => void, fn: (...args: unknown[]) => unknown, args: unknown[]): unknown {
    try {
      return fn(...args);
    } catch (e) {
      fail(e);
      return null;
    }
  },
};

export type Runtime = typeof runtime;
