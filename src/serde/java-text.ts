// Java's text forms of numbers, used where ksqlDB writes values with toString() (DELIMITED
// values, STRING coercions) and parsing rules of Integer/Long/Double.parseX.

import { javaDoubleToString } from '../functions/values.js';
import { ConversionError } from './errors.js';

/** Double.toString: "1.0", "1.0E10", "1.0E-5", "NaN", "Infinity". */
export const javaDoubleString = javaDoubleToString;

const INT_TEXT = /^[+-]?\d+$/;
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

export function parseJavaInt(s: string, target = 'INTEGER'): number {
  if (INT_TEXT.test(s)) {
    const n = Number(s);
    if (n >= -2147483648 && n <= 2147483647) return n;
  }
  throw new ConversionError(`Can't coerce string to type. targetType: ${target}`);
}

export function parseJavaLong(s: string, target = 'BIGINT'): number | bigint {
  if (INT_TEXT.test(s)) {
    if (s.length <= 15) return Number(s);
    const b = BigInt(s);
    if (BigInt.asIntN(64, b) === b) {
      return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b;
    }
  }
  throw new ConversionError(`Can't coerce string to type. targetType: ${target}`);
}

export function parseJavaDouble(s: string): number {
  const t = s.trim();
  if (DOUBLE_TEXT.test(t)) {
    const core = t.replace(/[fFdD]$/, '');
    return Number(core);
  }
  throw new ConversionError(`Can't coerce string to type. targetType: DOUBLE`);
}
