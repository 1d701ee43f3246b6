// Writers from SQL values to JSON text, built once per type. DECIMAL and BIGINT are written
// from their exact text (never through a double); BYTES as base64; DATE, TIME and TIMESTAMP
// as numbers; STRUCT fields with their declared names; non-finite doubles as the quoted
// tokens Jackson writes ("NaN", "Infinity").

import type { Decimal } from '../common/decimal.js';
import type { SqlType } from '../common/types.js';
import { ConversionError } from './errors.js';

export type JsonWriter = (value: unknown) => string;

export function jsonWriter(type: SqlType): JsonWriter {
  switch (type.base) {
    case 'BOOLEAN':
      return (v) => (v === null || v === undefined ? 'null' : v ? 'true' : 'false');
    case 'INTEGER':
    case 'BIGINT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => (v === null || v === undefined ? 'null' : String(v));
    case 'DOUBLE':
      return writeDouble;
    case 'DECIMAL':
      return (v) => (v === null || v === undefined ? 'null' : (v as Decimal).toString());
    case 'STRING':
      return (v) => (v === null || v === undefined ? 'null' : JSON.stringify(v));
    case 'BYTES':
      return (v) => (v === null || v === undefined ? 'null' : `"${(v as Buffer).toString('base64')}"`);
    case 'ARRAY': {
      const item = jsonWriter(type.item);
      return (v) => {
        if (v === null || v === undefined) return 'null';
        const a = v as unknown[];
        let s = '[';
        for (let i = 0; i < a.length; i++) s += (i === 0 ? '' : ',') + item(a[i]);
        return `${s}]`;
      };
    }
    case 'MAP': {
      const value = jsonWriter(type.value);
      return (v) => {
        if (v === null || v === undefined) return 'null';
        let s = '{';
        let first = true;
        for (const [k, x] of v as Map<unknown, unknown>) {
          s += `${first ? '' : ','}${JSON.stringify(String(k))}:${value(x)}`;
          first = false;
        }
        return `${s}}`;
      };
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({ name: f.name, prefix: JSON.stringify(f.name) + ':', write: jsonWriter(f.type) }));
      return (v) => {
        if (v === null || v === undefined) return 'null';
        const o = v as Record<string, unknown>;
        let s = '{';
        for (let i = 0; i < fields.length; i++) {
          const f = fields[i]!;
          s += (i === 0 ? '' : ',') + f.prefix + f.write(o[f.name]);
        }
        return `${s}}`;
      };
    }
  }
}

function writeDouble(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const d = v as number;
  if (Number.isFinite(d)) return String(d);
  if (Number.isNaN(d)) return '"NaN"';
  if (typeof d !== 'number') throw new ConversionError(`Not a DOUBLE: ${String(v)}`);
  return d > 0 ? '"Infinity"' : '"-Infinity"';
}
