// Number literal classification (spec §0) and time-unit helpers.

import type { Literal, Loc, TimeUnit } from './ast.js';
import { ParseError } from './errors.js';

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Plain digits: INT when it fits 32 bits, BIGINT when it fits 64, else an error. */
export function integerLiteral(text: string, loc: Loc): Literal {
  const v = BigInt(text);
  if (v >= INT_MIN && v <= INT_MAX) return { kind: 'Literal', type: 'INT', value: text, loc };
  if (v >= LONG_MIN && v <= LONG_MAX) return { kind: 'Literal', type: 'BIGINT', value: text, loc };
  throw ParseError.at(loc, `Invalid numeric literal: ${text}`);
}

/** `1.5`, `.5`, `1.`: DECIMAL with precision and scale from the text. */
export function decimalLiteral(text: string, loc: Loc, typed = false): Literal {
  if (typed && !/^\s*[+-]?(\d+\.?\d*|\.\d+)(E[+-]?\d+)?\s*$/i.test(text)) {
    throw ParseError.at(loc, `Invalid DECIMAL literal: '${text}'`);
  }
  return { kind: 'Literal', type: 'DECIMAL', value: typed ? text.trim() : text, loc };
}

/** A number with an exponent: DOUBLE; values beyond the double range are an error. */
export function floatLiteral(text: string, loc: Loc): Literal {
  const v = Number(text);
  if (!Number.isFinite(v)) throw ParseError.atNode(loc, `Number overflows DOUBLE: ${text}`);
  return { kind: 'Literal', type: 'DOUBLE', value: text, loc };
}

const unitByKeyword: Record<string, TimeUnit> = {
  DAY: 'DAYS',
  DAYS: 'DAYS',
  HOUR: 'HOURS',
  HOURS: 'HOURS',
  MINUTE: 'MINUTES',
  MINUTES: 'MINUTES',
  SECOND: 'SECONDS',
  SECONDS: 'SECONDS',
  MILLISECOND: 'MILLISECONDS',
  MILLISECONDS: 'MILLISECONDS',
  MICROSECOND: 'MICROSECONDS',
  MICROSECONDS: 'MICROSECONDS',
  NANOSECOND: 'NANOSECONDS',
  NANOSECONDS: 'NANOSECONDS',
};

/** Time unit of a unit keyword (singular or plural, any case); undefined for other words. */
export function timeUnitOf(word: string): TimeUnit | undefined {
  return unitByKeyword[word.toUpperCase()];
}

export function unitFromKeyword(word: string): TimeUnit {
  return unitByKeyword[word.toUpperCase()] ?? 'MILLISECONDS';
}

const msPerUnit: Record<TimeUnit, number> = {
  DAYS: 86_400_000,
  HOURS: 3_600_000,
  MINUTES: 60_000,
  SECONDS: 1000,
  MILLISECONDS: 1,
  MICROSECONDS: 0.001,
  NANOSECONDS: 0.000001,
};

export function durationMs(value: number, unit: TimeUnit): number {
  return Math.floor(value * msPerUnit[unit]);
}
