// JSON scalar functions over JSON text held in STRING values.

import type { FunctionLibrary } from '../library.js';
import type { CallContext } from '../overloads.js';
import { Decimal } from '../../common/decimal.js';
import type { SqlType } from '../../common/types.js';
import { type JsonNode, nodeText, parseJsonPath, readJson, walkJson, writeJson } from '../json-text.js';
import { javaDoubleToString } from '../values.js';
import { MS_PER_DAY } from '../datetime/java-pattern.js';

type S = string | null;

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

export function isoDate(days: number): string {
  const d = new Date(days * MS_PER_DAY);
  const y = d.getUTCFullYear();
  return `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

export function isoTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const f = ms % 1000;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${f ? `.${pad(f, 3)}` : ''}`;
}

export function isoTimestamp(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const rest = ms - days * MS_PER_DAY;
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor(rest / 60_000) % 60;
  const s = Math.floor(rest / 1000) % 60;
  return `${isoDate(days)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(rest % 1000, 3)}`;
}

/** A JSON writer for values of a SQL type (TO_JSON_STRING). */
export function jsonWriterFor(type: SqlType | null): (v: unknown) => string {
  if (type === null) return (v) => untypedJson(v);
  switch (type.base) {
    case 'DOUBLE':
      return (v) => (v === null ? 'null' : Number.isFinite(v as number) ? javaDoubleToString(v as number) : JSON.stringify(javaDoubleToString(v as number)));
    case 'DATE':
      return (v) => (v === null ? 'null' : JSON.stringify(isoDate(v as number)));
    case 'TIME':
      return (v) => (v === null ? 'null' : JSON.stringify(isoTime(v as number)));
    case 'TIMESTAMP':
      return (v) => (v === null ? 'null' : JSON.stringify(isoTimestamp(v as number)));
    case 'ARRAY': {
      const item = jsonWriterFor(type.item);
      return (v) => (v === null ? 'null' : `[${(v as unknown[]).map(item).join(',')}]`);
    }
    case 'MAP': {
      const value = jsonWriterFor(type.value);
      return (v) => {
        if (v === null) return 'null';
        const parts: string[] = [];
        for (const [k, x] of v as Map<unknown, unknown>) parts.push(`${JSON.stringify(String(k))}:${value(x)}`);
        return `{${parts.join(',')}}`;
      };
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({ name: f.name, key: JSON.stringify(f.name), write: jsonWriterFor(f.type) }));
      return (v) => {
        if (v === null) return 'null';
        const o = v as Record<string, unknown>;
        return `{${fields.map((f) => `${f.key}:${f.write(o[f.name] ?? null)}`).join(',')}}`;
      };
    }
    default:
      return untypedJson;
  }
}

function untypedJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (Buffer.isBuffer(v)) return JSON.stringify(v.toString('base64'));
  if (Array.isArray(v)) return `[${v.map(untypedJson).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${JSON.stringify(String(k))}:${untypedJson(x)}`).join(',')}}`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).map((k) => `${JSON.stringify(k)}:${untypedJson(o[k])}`).join(',')}}`;
}

function extractJsonField(json: S, path: S): S {
  if (json === null || path === null) return null;
  const root = readJson(json);
  if (root === undefined) return null;
  const node = walkJson(root, parseJsonPath(path));
  if (node === undefined || node.k === 'null') return null;
  return nodeText(node);
}

function jsonConcat(...inputs: S[]): S {
  const nodes: JsonNode[] = [];
  for (const s of inputs) {
    if (s === null) return null;
    const n = readJson(s);
    if (n === undefined) return null;
    nodes.push(n);
  }
  if (nodes.length === 0) return null;
  if (nodes.every((n) => n.k === 'obj')) {
    const entries = new Map<string, JsonNode>();
    for (const n of nodes) for (const [k, v] of (n as Extract<JsonNode, { k: 'obj' }>).entries) entries.set(k, v);
    return writeJson({ k: 'obj', entries });
  }
  const items: JsonNode[] = [];
  for (const n of nodes) {
    if (n.k === 'arr') items.push(...n.items);
    else items.push(n);
  }
  return writeJson({ k: 'arr', items });
}

function jsonArrayContains(ctx: CallContext): (json: S, v: unknown) => boolean | null {
  const t = ctx.paramTypes[1];
  const base = t ? t.base : null;
  return (json: S, v: unknown) => {
    if (json === null) return false;
    const root = readJson(json);
    if (root === undefined || root.k !== 'arr') return false;
    for (const n of root.items) {
      if (v === null) {
        if (n.k === 'null') return true;
        continue;
      }
      switch (n.k) {
        case 'str':
          if (base === 'STRING' && n.v === v) return true;
          break;
        case 'bool':
          if (base === 'BOOLEAN' && n.v === v) return true;
          break;
        case 'num': {
          const integral = /^-?\d+$/.test(n.text);
          if ((base === 'INTEGER' || base === 'BIGINT') && integral && BigInt(n.text) === BigInt(v as number | bigint)) return true;
          if (base === 'DOUBLE' && !integral && Number(n.text) === v) return true;
          break;
        }
        default:
          break;
      }
    }
    return false;
  };
}

export function registerJson(lib: FunctionLibrary): void {
  lib.scalar({
    name: 'EXTRACTJSONFIELD',
    category: 'JSON',
    description: 'Extracts the value at a JSONPath from JSON text; strings come back unquoted, other values as JSON.',
    overloads: [{ sig: '(input STRING, path STRING) STRING', impl: extractJsonField }],
  });
  lib.scalar({
    name: 'IS_JSON_STRING',
    category: 'JSON',
    description: 'Returns true when the string is valid JSON.',
    overloads: [{ sig: '(str STRING) BOOLEAN', impl: (s: S) => (s === null ? false : readJson(s) !== undefined) }],
  });
  lib.scalar({
    name: 'JSON_ARRAY_LENGTH',
    category: 'JSON',
    description: 'Returns the number of elements of a JSON array, or null when the input is not a JSON array.',
    overloads: [
      {
        sig: '(jsonArray STRING) INT',
        impl: (s: S) => {
          if (s === null) return null;
          const n = readJson(s);
          return n !== undefined && n.k === 'arr' ? n.items.length : null;
        },
      },
    ],
  });
  lib.scalar({
    name: 'JSON_CONCAT',
    category: 'JSON',
    description: 'Merges JSON objects, or concatenates JSON arrays (other values are appended as elements).',
    overloads: [{ sig: '(inputs STRING...) STRING', impl: jsonConcat }],
  });
  lib.scalar({
    name: 'JSON_KEYS',
    category: 'JSON',
    description: 'Returns the keys of a JSON object, or null when the input is not a JSON object.',
    overloads: [
      {
        sig: '(jsonObj STRING) ARRAY<STRING>',
        impl: (s: S) => {
          if (s === null) return null;
          const n = readJson(s);
          return n !== undefined && n.k === 'obj' ? [...n.entries.keys()] : null;
        },
      },
    ],
  });
  lib.scalar({
    name: 'JSON_RECORDS',
    category: 'JSON',
    description: 'Returns the key-value pairs of a JSON object as a map of strings.',
    overloads: [
      {
        sig: '(jsonObj STRING) MAP<STRING, STRING>',
        impl: (s: S) => {
          if (s === null) return null;
          const n = readJson(s);
          if (n === undefined || n.k !== 'obj') return null;
          const out = new Map<string, string>();
          for (const [k, v] of n.entries) out.set(k, nodeText(v));
          return out;
        },
      },
    ],
  });
  lib.scalar({
    name: 'JSON_ITEMS',
    category: 'JSON',
    description: 'Returns the elements of a JSON array as JSON strings.',
    overloads: [
      {
        sig: '(jsonArray STRING) ARRAY<STRING>',
        impl: (s: S) => {
          if (s === null) return null;
          const n = readJson(s);
          return n !== undefined && n.k === 'arr' ? n.items.map(writeJson) : null;
        },
      },
    ],
  });
  lib.scalar({
    name: 'TO_JSON_STRING',
    category: 'JSON',
    description: 'Converts any value to its JSON text.',
    overloads: [
      {
        sig: '(input T) STRING',
        make: (ctx) => {
          const write = jsonWriterFor(ctx.paramTypes[0] ?? null);
          return (v: unknown) => write(v);
        },
      },
    ],
  });
  lib.scalar({
    name: 'JSON_ARRAY_CONTAINS',
    category: 'JSON',
    description: 'Returns true when a JSON array contains the value (matched by JSON type).',
    overloads: ['BOOLEAN', 'INT', 'BIGINT', 'DOUBLE', 'STRING'].map((t) => ({
      sig: `(jsonArray STRING, val ${t}) BOOLEAN`,
      make: jsonArrayContains,
    })),
  });
}
