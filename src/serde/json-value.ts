// SQL values → JSON-ready trees (REST rows, test comparison). BYTES become base64, MAPs and
// STRUCTs plain objects, non-finite doubles the strings "NaN"/"Infinity". BIGINTs beyond
// 2^53 stay bigint and DECIMALs stay Decimal so nothing is rounded: write the tree with
// stringifyJson, which prints both exactly (JSON.stringify would throw on a bigint).

import { Decimal } from '../common/decimal.js';
import type { SqlType } from '../common/types.js';
import { LosslessNumber } from './json-parse.js';

export function toJsonValue(value: unknown, type: SqlType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.base) {
    case 'BYTES':
      return (value as Buffer).toString('base64');
    case 'DOUBLE': {
      const d = value as number;
      if (Number.isFinite(d)) return d;
      return Number.isNaN(d) ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity';
    }
    case 'ARRAY':
      return (value as unknown[]).map((v) => toJsonValue(v, type.item));
    case 'MAP': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of value as Map<unknown, unknown>) out[String(k)] = toJsonValue(v, type.value);
      return out;
    }
    case 'STRUCT': {
      const o = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = toJsonValue(o[f.name], f.type);
      return out;
    }
    default:
      return value;
  }
}

/** JSON.stringify that prints bigint, Decimal and LosslessNumber exactly. */
export function stringifyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value instanceof Decimal) return value.toString();
      if (value instanceof LosslessNumber) return value.text;
      if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
      if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
      if (value instanceof Map) {
        const parts: string[] = [];
        for (const [k, v] of value) parts.push(`${JSON.stringify(String(k))}:${stringifyJson(v)}`);
        return `{${parts.join(',')}}`;
      }
      const parts: string[] = [];
      for (const k of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[k];
        if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringifyJson(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return 'null';
  }
}
