// Value conversions between SQL types: explicit CAST (ksqlDB/Java semantics) and the implicit
// coercion used for literals, function arguments, INSERT VALUES and lenient decoding.
// Converters are built once per (from, to) pair and then applied per row.

import { Decimal } from '../../common/decimal.js';
import { formatType, isNumeric, normalizeBigint, typesEqual } from '../../common/types.js';
import type { SqlType } from '../../common/types.js';
import { dateToTimestamp, parseDate, parseTime, parseTimestamp, timestampToDate, timestampToTime } from './time.js';
import { valueToString } from './values.js';
import { EddyError } from '../../common/errors.js';

export type Converter = (value: unknown) => unknown;

/** A value that cannot be converted; the message is ksqlDB-like and shown to users. */
export class ConversionError extends EddyError {
  override readonly kind = 'expression';
}

const identity: Converter = (v) => v;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Java's BigDecimal#toBigInteger: truncation toward zero. */
function decimalTrunc(d: Decimal): bigint {
  return d.scale >= 0 ? d.unscaled / pow10(d.scale) : d.unscaled * pow10(-d.scale);
}

export function fitDecimal(d: Decimal, precision: number, scale: number): Decimal {
  const r = d.setScale(scale);
  const abs = r.unscaled < 0n ? -r.unscaled : r.unscaled;
  if (abs >= pow10(precision)) {
    throw new ConversionError(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${precision - scale}. Got ${d.toString()}`,
    );
  }
  return r;
}

/** Lenient boolean text as ksqlDB accepts it: true/false/yes/no or a prefix, any case. */
export function parseBooleanText(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (s === '') return undefined;
  if ('true'.startsWith(s) || 'yes'.startsWith(s)) return true;
  if ('false'.startsWith(s) || 'no'.startsWith(s)) return false;
  return undefined;
}

function syntaxError(type: SqlType, text: string): ConversionError {
  return new ConversionError(`invalid input syntax for type ${type.base}: "${text}"`);
}

function doubleToLong(d: number): number | bigint {
  if (Number.isNaN(d)) return 0;
  if (d >= 9223372036854775807) return LONG_MAX;
  if (d <= -9223372036854775808) return LONG_MIN;
  const t = Math.trunc(d);
  return Number.isSafeInteger(t) ? t : normalizeBigint(BigInt(t));
}

function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= INT_MAX) return INT_MAX;
  if (d <= INT_MIN) return INT_MIN;
  return Math.trunc(d);
}

function toInt32(v: number | bigint): number {
  return typeof v === 'number' ? v | 0 : Number(BigInt.asIntN(32, v));
}

function parseDecimalText(text: string, type: SqlType): Decimal {
  try {
    return Decimal.parse(text.trim());
  } catch {
    throw syntaxError(type, text);
  }
}

/** Integral text (also `1e3`, `4.000`) to an exact bigint in range, for literal coercion. */
function parseIntegralText(text: string, type: SqlType, min: bigint, max: bigint): bigint {
  const d = parseDecimalText(text, type);
  const i = decimalTrunc(d);
  if (new Decimal(i, 0).compareTo(d) !== 0 || i < min || i > max) throw syntaxError(type, text);
  return i;
}

// ------------------------------------------------------------------ CAST

/** True when CAST(from AS to) is allowed (ksqlDB §2.7). */
export function canCast(from: SqlType, to: SqlType): boolean {
  if (typesEqual(from, to)) return true;
  if (to.base === 'STRING') return from.base !== 'BYTES';
  if (from.base === 'STRING') {
    return ['BOOLEAN', 'INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE', 'DATE', 'TIME', 'TIMESTAMP'].includes(to.base);
  }
  if (isNumeric(from) && isNumeric(to)) return true;
  if (from.base === 'TIMESTAMP') return to.base === 'DATE' || to.base === 'TIME';
  if (from.base === 'DATE') return to.base === 'TIMESTAMP';
  if (from.base === 'ARRAY' && to.base === 'ARRAY') return canCast(from.item, to.item);
  if (from.base === 'MAP' && to.base === 'MAP') return canCast(from.key, to.key) && canCast(from.value, to.value);
  if (from.base === 'STRUCT' && to.base === 'STRUCT') {
    return to.fields.every((t) => {
      const f = from.fields.find((x) => x.name === t.name);
      return f === undefined || canCast(f.type, t.type);
    });
  }
  return false;
}

export function castNotSupported(from: SqlType, to: SqlType): string {
  return `Cast of ${formatType(from)} to ${formatType(to)} is not supported`;
}

/** Builds the CAST converter; throws ConversionError (at build time) when the cast is not allowed. */
export function buildCaster(from: SqlType, to: SqlType): Converter {
  if (!canCast(from, to)) throw new ConversionError(castNotSupported(from, to));
  const conv = castConverter(from, to);
  return (v) => (v === null || v === undefined ? null : conv(v));
}

function castConverter(from: SqlType, to: SqlType): Converter {
  if (to.base === 'DECIMAL') {
    const { precision, scale } = to;
    switch (from.base) {
      case 'DECIMAL':
        return (v) => fitDecimal(v as Decimal, precision, scale);
      case 'INTEGER':
      case 'BIGINT':
        return (v) => fitDecimal(Decimal.fromBigint(v as number | bigint), precision, scale);
      case 'DOUBLE':
        return (v) => {
          if (!Number.isFinite(v as number)) throw new ConversionError(`Cannot cast ${v} to ${formatType(to)}`);
          return fitDecimal(Decimal.fromNumber(v as number), precision, scale);
        };
      case 'STRING':
        return (v) => fitDecimal(parseDecimalText(v as string, to), precision, scale);
    }
  }
  if (typesEqual(from, to)) return identity;
  if (to.base === 'STRING') return (v) => valueToString(v, from);
  switch (from.base) {
    case 'STRING':
      return stringCaster(to);
    case 'INTEGER':
      if (to.base === 'BIGINT' || to.base === 'DOUBLE') return identity;
      break;
    case 'BIGINT':
      if (to.base === 'INTEGER') return (v) => toInt32(v as number | bigint);
      if (to.base === 'DOUBLE') return (v) => Number(v);
      break;
    case 'DOUBLE':
      if (to.base === 'INTEGER') return (v) => doubleToInt(v as number);
      if (to.base === 'BIGINT') return (v) => doubleToLong(v as number);
      break;
    case 'DECIMAL':
      if (to.base === 'INTEGER') return (v) => Number(BigInt.asIntN(32, decimalTrunc(v as Decimal)));
      if (to.base === 'BIGINT') return (v) => normalizeBigint(BigInt.asIntN(64, decimalTrunc(v as Decimal)));
      if (to.base === 'DOUBLE') return (v) => (v as Decimal).toNumber();
      break;
    case 'TIMESTAMP':
      if (to.base === 'DATE') return (v) => timestampToDate(v as number);
      if (to.base === 'TIME') return (v) => timestampToTime(v as number);
      break;
    case 'DATE':
      if (to.base === 'TIMESTAMP') return (v) => dateToTimestamp(v as number);
      break;
    case 'ARRAY':
      if (to.base === 'ARRAY') {
        const item = buildCaster(from.item, to.item);
        return (v) => (v as unknown[]).map(item);
      }
      break;
    case 'MAP':
      if (to.base === 'MAP') {
        const key = buildCaster(from.key, to.key);
        const value = buildCaster(from.value, to.value);
        return (v) => {
          const out = new Map<unknown, unknown>();
          for (const [k, x] of v as Map<unknown, unknown>) out.set(key(k), value(x));
          return out;
        };
      }
      break;
    case 'STRUCT':
      if (to.base === 'STRUCT') return structConverter(from, to, buildCaster);
      break;
  }
  throw new ConversionError(castNotSupported(from, to));
}

function stringCaster(to: SqlType): Converter {
  switch (to.base) {
    case 'BOOLEAN':
      return (v) => {
        const b = parseBooleanText(v as string);
        if (b === undefined) throw syntaxError(to, v as string);
        return b;
      };
    case 'INTEGER':
      return (v) => {
        const s = (v as string).trim();
        if (!/^[+-]?\d+$/.test(s)) throw syntaxError(to, v as string);
        const n = Number(s);
        if (n < INT_MIN || n > INT_MAX) throw syntaxError(to, v as string);
        return n;
      };
    case 'BIGINT':
      return (v) => {
        const s = (v as string).trim();
        if (!/^[+-]?\d+$/.test(s)) throw syntaxError(to, v as string);
        const n = BigInt(s);
        if (n < LONG_MIN || n > LONG_MAX) throw syntaxError(to, v as string);
        return normalizeBigint(n);
      };
    case 'DOUBLE':
      return (v) => {
        const s = (v as string).trim();
        if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[dDfF]?$/.test(s)) throw syntaxError(to, v as string);
        return Number(s.replace(/[dDfF]$/, ''));
      };
    case 'DATE':
      return (v) => {
        const d = parseDate(v as string);
        if (d === undefined) throw syntaxError(to, v as string);
        return d;
      };
    case 'TIME':
      return (v) => {
        const d = parseTime(v as string);
        if (d === undefined) throw syntaxError(to, v as string);
        return d;
      };
    case 'TIMESTAMP':
      return (v) => {
        const d = parseTimestamp(v as string);
        if (d === undefined) throw syntaxError(to, v as string);
        return d;
      };
    default:
      throw new ConversionError(castNotSupported({ base: 'STRING' }, to));
  }
}

function structConverter(
  from: Extract<SqlType, { base: 'STRUCT' }>,
  to: Extract<SqlType, { base: 'STRUCT' }>,
  build: (f: SqlType, t: SqlType) => Converter,
): Converter {
  const plan = to.fields.map((t) => {
    const f = from.fields.find((x) => x.name === t.name);
    return { name: t.name, conv: f === undefined ? undefined : build(f.type, t.type) };
  });
  return (v) => {
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const p of plan) {
      const x = p.conv === undefined ? null : src[p.name];
      out[p.name] = x === undefined || x === null || p.conv === undefined ? null : p.conv(x);
    }
    return out;
  };
}

/** CAST one value (null stays null). Throws ConversionError when it cannot be converted. */
export function castValue(value: unknown, from: SqlType, to: SqlType): unknown {
  return buildCaster(from, to)(value);
}

// ------------------------------------------------------------------ implicit coercion

/**
 * True when `from` converts implicitly to `to`: numeric widening (and any numeric when
 * `anyNumeric`), strings parsed into scalar types, scalars printed as strings, containers
 * element-wise and structs by field name.
 */
export function canCoerce(from: SqlType, to: SqlType): boolean {
  if (typesEqual(from, to)) return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (from.base === 'STRING') {
    return ['BOOLEAN', 'INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE', 'DATE', 'TIME', 'TIMESTAMP'].includes(to.base);
  }
  if (to.base === 'STRING') return !['ARRAY', 'MAP', 'STRUCT', 'BYTES'].includes(from.base);
  if (from.base === 'ARRAY' && to.base === 'ARRAY') return canCoerce(from.item, to.item);
  if (from.base === 'MAP' && to.base === 'MAP') return canCoerce(from.key, to.key) && canCoerce(from.value, to.value);
  if (from.base === 'STRUCT' && to.base === 'STRUCT') {
    return from.fields.every((f) => {
      const t = to.fields.find((x) => x.name === f.name);
      return t === undefined || canCoerce(f.type, t.type);
    });
  }
  return false;
}

/** Builds an implicit-coercion converter (null stays null); throws ConversionError per value. */
export function buildCoercer(from: SqlType, to: SqlType): Converter {
  if (typesEqual(from, to)) return identity;
  if (!canCoerce(from, to)) {
    throw new ConversionError(`Cannot coerce ${formatType(from)} to ${formatType(to)}`);
  }
  const conv = coerceConverter(from, to);
  return (v) => (v === null || v === undefined ? null : conv(v));
}

function coerceConverter(from: SqlType, to: SqlType): Converter {
  if (from.base === 'STRING') {
    switch (to.base) {
      case 'INTEGER':
        return (v) => Number(parseIntegralText(v as string, to, BigInt(INT_MIN), BigInt(INT_MAX)));
      case 'BIGINT':
        return (v) => normalizeBigint(parseIntegralText(v as string, to, LONG_MIN, LONG_MAX));
      case 'DECIMAL':
        return (v) => {
          const d = parseDecimalText(v as string, to);
          try {
            return fitDecimal(d, to.precision, to.scale);
          } catch {
            throw syntaxError(to, v as string);
          }
        };
      case 'DOUBLE':
        return (v) => parseDecimalText(v as string, to).toNumber();
      default:
        return stringCaster(to);
    }
  }
  if (isNumeric(from) && isNumeric(to)) {
    if (to.base === 'INTEGER' || to.base === 'BIGINT') {
      // narrowing a value only when it is exact (literals such as 2.0 into an INT list)
      const min = to.base === 'INTEGER' ? BigInt(INT_MIN) : LONG_MIN;
      const max = to.base === 'INTEGER' ? BigInt(INT_MAX) : LONG_MAX;
      if (from.base === 'INTEGER' || (from.base === 'BIGINT' && to.base === 'BIGINT')) return identity;
      return (v) => {
        const d = v instanceof Decimal ? v : typeof v === 'number' && !Number.isInteger(v) ? Decimal.fromNumber(v) : Decimal.fromBigint(BigInt(v as number));
        const i = decimalTrunc(d);
        if (new Decimal(i, 0).compareTo(d) !== 0 || i < min || i > max) {
          throw new ConversionError(`Cannot coerce ${d.toString()} to ${to.base}: it does not fit`);
        }
        return to.base === 'INTEGER' ? Number(i) : normalizeBigint(i);
      };
    }
    return castConverter(from, to);
  }
  if (to.base === 'STRING') return (v) => valueToString(v, from);
  if (from.base === 'ARRAY' && to.base === 'ARRAY') {
    const item = buildCoercer(from.item, to.item);
    return (v) => (v as unknown[]).map(item);
  }
  if (from.base === 'MAP' && to.base === 'MAP') {
    const key = buildCoercer(from.key, to.key);
    const value = buildCoercer(from.value, to.value);
    return (v) => {
      const out = new Map<unknown, unknown>();
      for (const [k, x] of v as Map<unknown, unknown>) out.set(key(k), value(x));
      return out;
    };
  }
  if (from.base === 'STRUCT' && to.base === 'STRUCT') return structConverter(from, to, buildCoercer);
  throw new ConversionError(`Cannot coerce ${formatType(from)} to ${formatType(to)}`);
}

/** Implicitly converts one value (null stays null). Throws ConversionError when it cannot. */
export function coerceValue(value: unknown, from: SqlType, to: SqlType): unknown {
  return buildCoercer(from, to)(value);
}
