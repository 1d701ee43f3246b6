// Aggregate states are stored by the runtime as JSON. Values that JSON cannot carry exactly
// (bigint, Decimal, Buffer, Map, structs, non-finite doubles) are encoded into tagged
// objects here; plain strings, booleans, finite numbers and null pass through unchanged.

import { Decimal } from '../../common/decimal.js';

export type Encoded = null | boolean | number | string | Encoded[] | { [tag: string]: unknown };

export function encodeValue(v: unknown): Encoded {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? (Object.is(v, -0) ? { $n: '-0' } : v) : { $n: String(v) };
    case 'bigint':
      return { $b: v.toString() };
    default:
      break;
  }
  if (v instanceof Decimal) return { $d: v.toString() };
  if (Buffer.isBuffer(v)) return { $y: v.toString('base64') };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v instanceof Map) return { $m: [...v].map(([k, x]) => [encodeValue(k), encodeValue(x)]) };
  const o = v as Record<string, unknown>;
  const fields: Record<string, Encoded> = {};
  for (const k of Object.keys(o)) fields[k] = encodeValue(o[k]);
  return { $s: fields };
}

export function decodeValue(e: unknown): unknown {
  if (e === null || e === undefined) return null;
  if (typeof e !== 'object') return e;
  if (Array.isArray(e)) return e.map(decodeValue);
  const o = e as Record<string, unknown>;
  if ('$n' in o) return Number(o.$n);
  if ('$b' in o) {
    const b = BigInt(o.$b as string);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b;
  }
  if ('$d' in o) return Decimal.parse(o.$d as string);
  if ('$y' in o) return Buffer.from(o.$y as string, 'base64');
  if ('$m' in o) return new Map((o.$m as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
  if ('$s' in o) {
    const src = o.$s as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src)) out[k] = decodeValue(src[k]);
    return out;
  }
  throw new Error(`Unrecognised encoded aggregate state value: ${JSON.stringify(e)}`);
}

/** A BIGINT-sized integer kept JSON-safe: a number when safe, else its decimal digits. */
export type IntState = number | string;

export function intStateToBig(s: IntState): bigint {
  return BigInt(s);
}

export function bigToIntState(b: bigint): IntState {
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b.toString();
}

/** Adds an integer value (number or bigint) to an IntState, exactly. */
export function addIntState(s: IntState, v: number | bigint): IntState {
  if (typeof s === 'number' && typeof v === 'number') {
    const r = s + v;
    if (Number.isSafeInteger(r)) return r;
  }
  return bigToIntState(BigInt(s) + BigInt(v));
}

/** A double kept JSON-safe (NaN and infinities as text). */
export type DoubleState = number | string;

export function toDoubleState(d: number): DoubleState {
  return Number.isFinite(d) ? d : String(d);
}

export function fromDoubleState(s: DoubleState): number {
  return typeof s === 'number' ? s : Number(s);
}
