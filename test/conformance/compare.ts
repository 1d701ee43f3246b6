// The matching rules of query-validation tests (spec §10 step 6): expected values are the
// case file's JSON, actual values are decoded records (JSON trees, strings, or typed values
// turned JSON-ready). Returns null on a match, else a short reason with the path.

import { Decimal } from '../../src/common/decimal.js';
import { LosslessNumber } from '../../src/serde/json-parse.js';
import { stringifyJson } from '../../src/serde/json-value.js';

const DOUBLE_TOLERANCE = 1e-6;

export function describe(v: unknown): string {
  try {
    return stringifyJson(v);
  } catch {
    return String(v);
  }
}

function isNumeric(v: unknown): v is number | bigint | LosslessNumber | Decimal {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof LosslessNumber || v instanceof Decimal;
}

function numericText(v: number | bigint | LosslessNumber | Decimal): string {
  if (v instanceof LosslessNumber) return v.text;
  if (v instanceof Decimal) return v.toString();
  return String(v);
}

function isIntegral(v: number | bigint | LosslessNumber | Decimal): boolean {
  if (typeof v === 'bigint') return true;
  if (typeof v === 'number') return Number.isInteger(v);
  if (v instanceof Decimal) return v.scale === 0;
  return /^-?\d+$/.test(v.text);
}

function toNumber(v: number | bigint | LosslessNumber | Decimal): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return v.toNumber();
}

function numbersMatch(e: number | bigint | LosslessNumber | Decimal, a: number | bigint | LosslessNumber | Decimal): boolean {
  if (a instanceof Decimal) {
    // An expected integer matches a DECIMAL only at scale 0; an expected decimal must have
    // the same value and scale.
    if (isIntegral(e) && !(e instanceof Decimal)) return a.scale === 0 && a.unscaled === BigInt(numericText(e));
    try {
      const ed = e instanceof Decimal ? e : Decimal.parse(numericText(e));
      return ed.equals(a) && (ed.scale === a.scale || !(e instanceof LosslessNumber));
    } catch {
      return false;
    }
  }
  if (isIntegral(e) && isIntegral(a)) return BigInt(numericText(e)) === BigInt(numericText(a));
  const x = toNumber(e);
  const y = toNumber(a);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  return Math.abs(x - y) <= DOUBLE_TOLERANCE * Math.max(1, Math.abs(x));
}

function decimalTextMatches(expected: string, actual: Decimal | LosslessNumber): boolean {
  if (!/^[+-]?\d+(\.\d+)?$/.test(expected)) return false;
  try {
    const e = Decimal.parse(expected);
    const a = actual instanceof Decimal ? actual : Decimal.parse(actual.text);
    return e.scale === a.scale && e.equals(a);
  } catch {
    return false;
  }
}

export function matchValue(expected: unknown, actual: unknown, path = '$'): string | null {
  if (expected === null || expected === undefined) {
    return actual === null || actual === undefined ? null : `${path}: expected null, got ${describe(actual)}`;
  }
  if (actual === null || actual === undefined) return `${path}: expected ${describe(expected)}, got null`;
  if (isNumeric(expected)) {
    if (isNumeric(actual) && numbersMatch(expected, actual)) return null;
    return `${path}: expected ${describe(expected)}, got ${describe(actual)}`;
  }
  if (typeof expected === 'string') {
    if (typeof actual === 'string' && actual === expected) return null;
    if (actual instanceof Decimal && actual.toString() === expected) return null;
    if (actual instanceof LosslessNumber && actual.text === expected) return null;
    // ksqlDB's driver reads a text expected against a decimal as a BigDecimal: same value and scale ("005.4" is 5.4).
    if ((actual instanceof Decimal || actual instanceof LosslessNumber) && decimalTextMatches(expected, actual)) return null;
    if (Buffer.isBuffer(actual) && actual.toString('base64') === expected) return null;
    return `${path}: expected ${JSON.stringify(expected)}, got ${describe(actual)}`;
  }
  if (typeof expected === 'boolean') {
    return actual === expected ? null : `${path}: expected ${expected}, got ${describe(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${describe(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} elements ${describe(expected)}, got ${actual.length} ${describe(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const r = matchValue(expected[i], actual[i], `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (typeof expected === 'object') {
    const act = actual instanceof Map ? Object.fromEntries(actual) : actual;
    if (typeof act !== 'object' || Array.isArray(act) || isNumeric(act)) {
      return `${path}: expected an object, got ${describe(actual)}`;
    }
    const e = expected as Record<string, unknown>;
    const a = act as Record<string, unknown>;
    const ek = Object.keys(e);
    const ak = Object.keys(a);
    if (ek.length !== ak.length) {
      return `${path}: expected fields ${describe(ek)}, got ${describe(ak)} (${describe(actual)})`;
    }
    for (const k of ek) {
      const key = k in a ? k : k.toUpperCase() in a ? k.toUpperCase() : undefined;
      // ksqlDB's comparator looks each expected field up in the actual record: an absent one
      // reads as null, so it matches an expected null (the field counts already agree).
      if (key === undefined && e[k] === null) continue;
      if (key === undefined) return `${path}: missing field ${k} in ${describe(actual)}`;
      const r = matchValue(e[k], a[key], `${path}.${k}`);
      if (r) return r;
    }
    return null;
  }
  return `${path}: cannot compare ${describe(expected)}`;
}
