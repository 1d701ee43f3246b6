// Mathematical scalar functions.

import type { FunctionLibrary } from '../library.js';
import { Decimal } from '../../common/decimal.js';
import { type SqlType, decimalType, normalizeBigint } from '../../common/types.js';
import { type RoundingMode, rescale, roundDouble, widestDecimal } from '../numeric.js';
import { compareValues } from '../values.js';
import type { CallContext } from '../overloads.js';

type Num = number | bigint;

function toDouble(v: Num): number {
  return typeof v === 'number' ? v : Number(v);
}

/** (INT), (BIGINT), (DOUBLE) → DOUBLE overloads of a one-argument double function. */
function unaryDouble(lib: FunctionLibrary, name: string, description: string, f: (x: number) => number): void {
  const impl = (x: Num | null): number | null => (x === null ? null : f(toDouble(x)));
  lib.scalar({
    name,
    category: 'MATHEMATICAL',
    description,
    overloads: [
      { sig: '(value INT) DOUBLE', impl },
      { sig: '(value BIGINT) DOUBLE', impl },
      { sig: '(value DOUBLE) DOUBLE', impl },
    ],
  });
}

function binaryDouble(lib: FunctionLibrary, name: string, description: string, a: string, b: string, f: (x: number, y: number) => number): void {
  const impl = (x: Num | null, y: Num | null): number | null => (x === null || y === null ? null : f(toDouble(x), toDouble(y)));
  lib.scalar({
    name,
    category: 'MATHEMATICAL',
    description,
    overloads: [
      { sig: `(${a} INT, ${b} INT) DOUBLE`, impl },
      { sig: `(${a} BIGINT, ${b} BIGINT) DOUBLE`, impl },
      { sig: `(${a} DOUBLE, ${b} DOUBLE) DOUBLE`, impl },
    ],
  });
}

function sameDecimal(ctx: CallContext): SqlType {
  return ctx.paramTypes[0] ?? decimalType(38, 16);
}

function decimalScale(ctx: CallContext): number {
  const t = ctx.paramTypes[0];
  return t && t.base === 'DECIMAL' ? t.scale : 0;
}

/** ROUND(DECIMAL(p, s)) and TRUNC(DECIMAL(p, s)) → DECIMAL(p - s, 0) (at least one digit). */
function integralDecimal(ctx: CallContext): SqlType {
  const t = ctx.paramTypes[0];
  if (!t || t.base !== 'DECIMAL') return decimalType(38, 0);
  return decimalType(Math.max(1, t.precision - t.scale), 0);
}

function roundLike(lib: FunctionLibrary, name: string, description: string, mode: RoundingMode): void {
  const toLong = mode === 'DOWN' ? Math.trunc : Math.round;
  const longOf = (x: number): Num => {
    if (Number.isNaN(x)) return 0;
    const r = toLong(x);
    if (Number.isSafeInteger(r)) return r;
    // Java clamps to Long range
    if (r >= 9223372036854775807) return 9223372036854775807n;
    if (r <= -9223372036854775808) return -9223372036854775808n;
    return normalizeBigint(BigInt(r));
  };
  lib.scalar({
    name,
    category: 'MATHEMATICAL',
    description,
    overloads: [
      { sig: '(value BIGINT) BIGINT', impl: (x: Num | null) => x },
      { sig: '(value DOUBLE) BIGINT', impl: (x: number | null) => (x === null ? null : longOf(x)) },
      {
        sig: '(value DOUBLE, places INT) DOUBLE',
        impl: (x: number | null, n: number | null) => (x === null || n === null ? null : roundDouble(x, n, mode)),
      },
      {
        sig: '(value DECIMAL) DECIMAL',
        returns: integralDecimal,
        impl: (x: Decimal | null) => (x === null ? null : rescale(x, 0, mode)),
      },
      {
        sig: '(value DECIMAL, places INT) DECIMAL',
        returns: sameDecimal,
        make: (ctx) => {
          const scale = decimalScale(ctx);
          return (x: Decimal | null, n: number | null) =>
            x === null || n === null ? null : rescale(rescale(x, n, mode), scale, 'DOWN');
        },
      },
    ],
  });
}

function greatestLeast(lib: FunctionLibrary, name: string, sign: 1 | -1, description: string): void {
  const pick = (...vals: unknown[]): unknown => {
    let best: unknown = null;
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (v === null || v === undefined) continue;
      if (best === null || compareValues(v, best) * sign > 0) best = v;
    }
    return best;
  };
  const types = ['INT', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP'];
  lib.scalar({
    name,
    category: 'MATHEMATICAL',
    description,
    overloads: [
      ...types.map((t) => ({ sig: `(val ${t}, vals ${t}...) ${t}`, impl: pick })),
      {
        sig: '(val DECIMAL, vals DECIMAL...) DECIMAL',
        returns: (ctx: CallContext) => {
          const wide = widestDecimal(ctx.paramTypes);
          for (let i = 0; i < ctx.paramTypes.length; i++) ctx.paramTypes[i] = wide;
          return wide;
        },
        impl: pick,
      },
    ],
  });
}

const EARTH_RADIUS_KM = 6371;
const EARTH_RADIUS_MILES = 3959;

function geoDistance(lat1: number | null, lon1: number | null, lat2: number | null, lon2: number | null, unit?: string | null): number | null {
  if (lat1 === null || lon1 === null || lat2 === null || lon2 === null) return null;
  let radius = EARTH_RADIUS_KM;
  if (unit !== undefined && unit !== null) {
    const u = unit.trim().toLowerCase();
    if (u === 'mi' || u === 'mile' || u === 'miles') radius = EARTH_RADIUS_MILES;
    else if (u === 'km' || u === 'kilometer' || u === 'kilometers' || u === 'kilometre' || u === 'kilometres') radius = EARTH_RADIUS_KM;
    else throw new Error(`GeoDistance function units parameter must be one of 'MI', 'MILES', 'KM' or 'KILOMETERS'. Values are case-insensitive.`);
  }
  if (lat1 < -90 || lat1 > 90 || lat2 < -90 || lat2 > 90) throw new Error('valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees');
  if (lon1 < -180 || lon1 > 180 || lon2 < -180 || lon2 > 180) throw new Error('valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees');
  // Java 8's Math.toRadians: x / 180 * PI (the rounding matters in the last digit)
  const rad = (x: number): number => (x / 180.0) * Math.PI;
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.pow(Math.sin(dLat / 2), 2) + Math.pow(Math.sin(dLon / 2), 2) * Math.cos(rad(lat1)) * Math.cos(rad(lat2));
  return 2 * radius * Math.asin(Math.sqrt(a));
}

function seriesInt(start: number | null, end: number | null, step?: number | null): number[] | null {
  if (start === null || end === null || step === null) return null;
  const s = step ?? (end >= start ? 1 : -1);
  if (s === 0) throw new Error('GENERATE_SERIES step cannot be zero');
  if ((end > start && s < 0) || (end < start && s > 0)) {
    throw new Error('GENERATE_SERIES step has wrong sign');
  }
  const out: number[] = [];
  if (s > 0) for (let v = start; v <= end; v += s) out.push(v);
  else for (let v = start; v >= end; v += s) out.push(v);
  return out;
}

function seriesLong(start: Num | null, end: Num | null, step?: number | null): Num[] | null {
  if (start === null || end === null || step === null) return null;
  const a = BigInt(start);
  const b = BigInt(end);
  const s = BigInt(step ?? (b >= a ? 1 : -1));
  if (s === 0n) throw new Error('GENERATE_SERIES step cannot be zero');
  if ((b > a && s < 0n) || (b < a && s > 0n)) throw new Error('GENERATE_SERIES step has wrong sign');
  const out: Num[] = [];
  if (s > 0n) for (let v = a; v <= b; v += s) out.push(normalizeBigint(v));
  else for (let v = a; v >= b; v += s) out.push(normalizeBigint(v));
  return out;
}

export function registerMath(lib: FunctionLibrary): void {
  const absInt = (x: number | null) => (x === null ? null : Math.abs(x) | 0);
  const absLong = (x: Num | null) => (x === null ? null : typeof x === 'number' ? Math.abs(x) : normalizeBigint(x < 0n ? -x : x));
  lib.scalar({
    name: 'ABS',
    category: 'MATHEMATICAL',
    description: 'Returns the absolute value of its argument.',
    overloads: [
      { sig: '(value INT) INT', impl: absInt },
      { sig: '(value BIGINT) BIGINT', impl: absLong },
      { sig: '(value DOUBLE) DOUBLE', impl: (x: number | null) => (x === null ? null : Math.abs(x)) },
      {
        sig: '(value DECIMAL) DECIMAL',
        returns: sameDecimal,
        impl: (x: Decimal | null) => (x === null ? null : x.unscaled < 0n ? x.negate() : x),
      },
    ],
  });

  for (const [name, mode, f] of [
    ['CEIL', 'CEILING', Math.ceil],
    ['FLOOR', 'FLOOR', Math.floor],
  ] as const) {
    lib.scalar({
      name,
      category: 'MATHEMATICAL',
      description: name === 'CEIL'
        ? 'Returns the smallest integer value greater than or equal to the argument.'
        : 'Returns the largest integer value less than or equal to the argument.',
      overloads: [
        { sig: '(value INT) INT', impl: (x: number | null) => x },
        { sig: '(value BIGINT) BIGINT', impl: (x: Num | null) => x },
        { sig: '(value DOUBLE) DOUBLE', impl: (x: number | null) => (x === null ? null : f(x)) },
        {
          sig: '(value DECIMAL) DECIMAL',
          returns: sameDecimal,
          impl: (x: Decimal | null) => (x === null ? null : rescale(rescale(x, 0, mode), x.scale, 'DOWN')),
        },
      ],
    });
  }

  roundLike(lib, 'ROUND', 'Rounds a value to the given number of decimal places (ties toward positive infinity).', 'HALF_CEILING');
  roundLike(lib, 'TRUNC', 'Truncates a value to the given number of decimal places.', 'DOWN');

  const signOf = (x: Num | null): number | null => (x === null ? null : x > 0 ? 1 : x < 0 ? -1 : 0);
  lib.scalar({
    name: 'SIGN',
    category: 'MATHEMATICAL',
    description: 'Returns the sign of the argument as an INT: -1, 0 or 1.',
    overloads: [
      { sig: '(value INT) INT', impl: signOf },
      { sig: '(value BIGINT) INT', impl: signOf },
      { sig: '(value DOUBLE) INT', impl: (x: number | null) => (x === null ? null : Number.isNaN(x) ? 0 : signOf(x)) },
      { sig: '(value DECIMAL) INT', impl: (x: Decimal | null) => (x === null ? null : x.unscaled > 0n ? 1 : x.unscaled < 0n ? -1 : 0) },
    ],
  });

  unaryDouble(lib, 'EXP', 'Returns Euler\'s number e raised to the power of the value.', Math.exp);
  unaryDouble(lib, 'LN', 'Returns the natural logarithm of the value.', Math.log);
  unaryDouble(lib, 'SQRT', 'Returns the square root of the value.', Math.sqrt);
  unaryDouble(lib, 'CBRT', 'Returns the cube root of the value.', Math.cbrt);
  unaryDouble(lib, 'SIN', 'Returns the sine of an angle in radians.', Math.sin);
  unaryDouble(lib, 'COS', 'Returns the cosine of an angle in radians.', Math.cos);
  unaryDouble(lib, 'TAN', 'Returns the tangent of an angle in radians.', Math.tan);
  unaryDouble(lib, 'COT', 'Returns the cotangent of an angle in radians.', (x) => 1 / Math.tan(x));
  unaryDouble(lib, 'ASIN', 'Returns the arc sine of the value, in radians.', Math.asin);
  unaryDouble(lib, 'ACOS', 'Returns the arc cosine of the value, in radians.', Math.acos);
  unaryDouble(lib, 'ATAN', 'Returns the arc tangent of the value, in radians.', Math.atan);
  unaryDouble(lib, 'SINH', 'Returns the hyperbolic sine of the value.', Math.sinh);
  unaryDouble(lib, 'COSH', 'Returns the hyperbolic cosine of the value.', Math.cosh);
  unaryDouble(lib, 'TANH', 'Returns the hyperbolic tangent of the value.', Math.tanh);
  unaryDouble(lib, 'DEGREES', 'Converts radians to degrees.', (x) => (x * 180.0) / Math.PI);
  unaryDouble(lib, 'RADIANS', 'Converts degrees to radians.', (x) => (x / 180) * Math.PI);

  const log = (base: Num | null, value?: Num | null): number | null => {
    if (value === undefined) return base === null ? null : Math.log(toDouble(base));
    if (base === null || value === null) return null;
    const b = toDouble(base);
    if (b <= 0 || b === 1) return NaN;
    return Math.log(toDouble(value)) / Math.log(b);
  };
  lib.scalar({
    name: 'LOG',
    category: 'MATHEMATICAL',
    description: 'LOG(value) returns the natural logarithm of the value; LOG(base, value) the logarithm in the given base.',
    overloads: [
      { sig: '(value INT) DOUBLE', impl: log },
      { sig: '(value BIGINT) DOUBLE', impl: log },
      { sig: '(value DOUBLE) DOUBLE', impl: log },
      { sig: '(base INT, value INT) DOUBLE', impl: log },
      { sig: '(base BIGINT, value BIGINT) DOUBLE', impl: log },
      { sig: '(base DOUBLE, value DOUBLE) DOUBLE', impl: log },
    ],
  });

  binaryDouble(lib, 'POWER', 'Returns the base raised to the power of the exponent.', 'base', 'exponent', Math.pow);
  binaryDouble(lib, 'ATAN2', 'Returns the angle theta of the conversion of the rectangular coordinates (x, y) to polar coordinates (r, theta).', 'y', 'x', Math.atan2);

  lib.scalar({
    name: 'PI',
    category: 'MATHEMATICAL',
    description: 'Returns an approximate value of pi.',
    overloads: [{ sig: '() DOUBLE', impl: () => Math.PI }],
  });
  lib.scalar({
    name: 'RANDOM',
    category: 'MATHEMATICAL',
    description: 'Returns a random DOUBLE value between 0.0 and 1.0.',
    overloads: [{ sig: '() DOUBLE', impl: () => Math.random(), deterministic: false }],
  });

  greatestLeast(lib, 'GREATEST', 1, 'Returns the highest non-null value among a variable number of comparable columns.');
  greatestLeast(lib, 'LEAST', -1, 'Returns the lowest non-null value among a variable number of comparable columns.');

  lib.scalar({
    name: 'GEO_DISTANCE',
    category: 'MATHEMATICAL',
    description:
      'Returns the great-circle distance between two lat-long points, both specified in decimal degrees. An optional final parameter specifies KM (the default) or miles.',
    overloads: [
      { sig: '(lat1 DOUBLE, lon1 DOUBLE, lat2 DOUBLE, lon2 DOUBLE) DOUBLE', impl: geoDistance },
      { sig: '(lat1 DOUBLE, lon1 DOUBLE, lat2 DOUBLE, lon2 DOUBLE, units STRING) DOUBLE', impl: geoDistance },
    ],
  });

  lib.scalar({
    name: 'GENERATE_SERIES',
    category: 'ARRAY',
    description: 'Constructs an array of values between start and end (inclusive), with an optional step.',
    overloads: [
      { sig: '(start INT, end INT) ARRAY<INT>', impl: seriesInt },
      { sig: '(start INT, end INT, step INT) ARRAY<INT>', impl: seriesInt },
      { sig: '(start BIGINT, end BIGINT) ARRAY<BIGINT>', impl: seriesLong },
      { sig: '(start BIGINT, end BIGINT, step INT) ARRAY<BIGINT>', impl: seriesLong },
    ],
  });
}
