// Values as ksqlDB's REST API renders them in query rows: BIGINT as a JSON number (a
// bigint beyond 2^53 stays a bigint so a raw-number writer can keep it exact), DECIMAL as
// a number, BYTES as base64, DATE/TIME/TIMESTAMP as ISO text, MAP as an object, STRUCT as
// an object with its field names.

import { Decimal } from '../common/decimal.js';
import type { SqlType } from '../common/types.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function renderDate(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function renderTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const milli = ms % 1000;
  return `${pad(h)}:${pad(m)}:${pad(s)}${milli ? `.${pad(milli, 3)}` : ''}`;
}

export function renderTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function renderValue(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'BIGINT':
      return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    case 'DECIMAL':
      return v instanceof Decimal ? v.toNumber() : v;
    case 'BYTES':
      return Buffer.isBuffer(v) ? v.toString('base64') : v;
    case 'DATE':
      return typeof v === 'number' ? renderDate(v) : v;
    case 'TIME':
      return typeof v === 'number' ? renderTime(v) : v;
    case 'TIMESTAMP':
      return typeof v === 'number' ? renderTimestamp(v) : v;
    case 'ARRAY':
      return (v as unknown[]).map((x) => renderValue(x, t.item));
    case 'MAP': {
      const out: Record<string, unknown> = {};
      const entries = v instanceof Map ? v.entries() : Object.entries(v as object);
      for (const [k, x] of entries) out[String(k)] = renderValue(x, t.value);
      return out;
    }
    case 'STRUCT': {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = renderValue(o[f.name] ?? null, f.type);
      return out;
    }
    default:
      return v;
  }
}

export function renderRow(row: unknown[], types: SqlType[]): unknown[] {
  const out = new Array<unknown>(row.length);
  for (let i = 0; i < row.length; i++) out[i] = renderValue(row[i], types[i]!);
  return out;
}

/** JSON.stringify that writes bigints as exact JSON numbers. */
export function stringifyExact(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v === 'bigint') {
      marks.push(v.toString());
      return `\u0000BIG${marks.length - 1}\u0000`;
    }
    return v;
  });
  return marks.length === 0 ? text : text.replace(/"\u0000BIG(\d+)\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}
