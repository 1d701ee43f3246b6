// Typed values <-> JSON-able data, for SQLite state stores: keeps BIGINT, DECIMAL, BYTES
// and MAP exact across a write and a read.

import { Decimal } from '../common/decimal.js';
import type { SqlType } from '../common/types.js';

export function toStored(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'BIGINT':
      return typeof v === 'bigint' ? v.toString() : v;
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'BYTES':
      return (v as Buffer).toString('base64');
    case 'ARRAY':
      return (v as unknown[]).map((x) => toStored(x, t.item));
    case 'MAP':
      return [...(v as Map<unknown, unknown>).entries()].map(([k, x]) => [toStored(k, t.key), toStored(x, t.value)]);
    case 'STRUCT': {
      const o = v as Record<string, unknown>;
      return t.fields.map((f) => toStored(o[f.name] ?? null, f.type));
    }
    default:
      return v;
  }
}

export function fromStored(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'BIGINT': {
      if (typeof v !== 'string') return v;
      const b = BigInt(v);
      return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b;
    }
    case 'DECIMAL':
      return Decimal.parse(v as string);
    case 'BYTES':
      return Buffer.from(v as string, 'base64');
    case 'ARRAY':
      return (v as unknown[]).map((x) => fromStored(x, t.item));
    case 'MAP':
      return new Map((v as [unknown, unknown][]).map(([k, x]) => [fromStored(k, t.key), fromStored(x, t.value)]));
    case 'STRUCT': {
      const arr = v as unknown[];
      const o: Record<string, unknown> = {};
      t.fields.forEach((f, i) => (o[f.name] = fromStored(arr[i], f.type)));
      return o;
    }
    default:
      return v;
  }
}

/** SQLite column affinity for a key column; complex keys are stored as JSON text. */
export function sqliteKeyValue(v: unknown, t: SqlType): string | number | bigint | Buffer | null {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'BOOLEAN':
      return v ? 1 : 0;
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return v as number | bigint;
    case 'STRING':
      return v as string;
    case 'BYTES':
      return v as Buffer;
    default:
      return JSON.stringify(toStored(v, t));
  }
}

/** The typed key value back from what sqliteKeyValue stored. */
export function fromSqliteKeyValue(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'BOOLEAN':
      return v === 1 || v === 1n;
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'STRING':
    case 'BYTES':
      return v;
    default:
      return fromStored(JSON.parse(v as string), t);
  }
}
