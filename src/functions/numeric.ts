// Numeric helpers with Java semantics: decimal rounding modes, int32/int64 overflow,
// and conversions between the BIGINT and DECIMAL representations.

import { Decimal } from '../common/decimal.js';
import { type SqlType, decimalType, normalizeBigint } from '../common/types.js';

export type RoundingMode = 'FLOOR' | 'CEILING' | 'DOWN' | 'HALF_UP' | 'HALF_CEILING';

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Rescales a decimal to `scale` (which may be negative: digits left of the point are zeroed). */
export function rescale(d: Decimal, scale: number, mode: RoundingMode): Decimal {
  if (scale >= d.scale) return scale === d.scale ? d : new Decimal(d.unscaled * pow10(scale - d.scale), scale);
  const div = pow10(d.scale - scale);
  const u = d.unscaled;
  let q = u / div; // truncated toward zero
  const r = u - q * div;
  if (r !== 0n) {
    const neg = u < 0n;
    switch (mode) {
      case 'DOWN':
        break;
      case 'FLOOR':
        if (neg) q -= 1n;
        break;
      case 'CEILING':
        if (!neg) q += 1n;
        break;
      case 'HALF_UP': {
        const twice = (r < 0n ? -r : r) * 2n;
        if (twice >= div) q += neg ? -1n : 1n;
        break;
      }
      case 'HALF_CEILING': {
        // ties toward +infinity, like Java Math.round
        const twice = (r < 0n ? -r : r) * 2n;
        if (neg ? twice > div : twice >= div) q += neg ? -1n : 1n;
        break;
      }
    }
  }
  if (scale >= 0) return new Decimal(q, scale);
  return new Decimal(q * pow10(-scale), 0);
}

/** Exact decimal for a double, from its shortest text (Java BigDecimal.valueOf(double)). */
export function decimalOfDouble(d: number): Decimal {
  return Decimal.parse(String(d));
}

/** Rounds a double to `places` decimal places with ties toward +infinity. */
export function roundDouble(v: number, places: number, mode: RoundingMode): number {
  if (!Number.isFinite(v)) return v;
  return rescale(decimalOfDouble(v), places, mode).toNumber();
}

export function toInt32(n: number): number {
  return n | 0;
}

/** BIGINT value as bigint. */
export function big(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Wraps a 64-bit result and normalises its representation. */
export function int64(v: bigint): number | bigint {
  return normalizeBigint(v);
}

/** Adds two BIGINT values with Java's 64-bit wrap-around. */
export function addBigint(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return normalizeBigint(big(a) + big(b));
}

export function subBigint(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (Number.isSafeInteger(s)) return s;
  }
  return normalizeBigint(big(a) - big(b));
}

/** Java int addition. */
export function addInt(a: number, b: number): number {
  return (a + b) | 0;
}

/** Converts a BIGINT (number or bigint) to a JS number (DOUBLE). */
export function bigintToDouble(v: number | bigint): number {
  return typeof v === 'number' ? v : Number(v);
}

/** DECIMAL type of an integer-valued type, for generic DECIMAL parameters. */
export function decimalTypeOf(t: SqlType): { precision: number; scale: number } {
  if (t.base === 'DECIMAL') return { precision: t.precision, scale: t.scale };
  if (t.base === 'INTEGER') return { precision: 10, scale: 0 };
  if (t.base === 'BIGINT') return { precision: 19, scale: 0 };
  return { precision: 38, scale: 16 };
}

/** The narrowest DECIMAL holding every given DECIMAL type (GREATEST, ARRAY widening...). */
export function widestDecimal(types: (SqlType | null)[]): SqlType {
  let intDigits = 1;
  let scale = 0;
  let any = false;
  for (const t of types) {
    if (!t) continue;
    const d = decimalTypeOf(t);
    intDigits = Math.max(intDigits, d.precision - d.scale);
    scale = Math.max(scale, d.scale);
    any = true;
  }
  if (!any) return decimalType(38, 16);
  return decimalType(Math.min(38, intDigits + scale), scale);
}
