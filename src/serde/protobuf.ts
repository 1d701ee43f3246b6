// The PROTOBUF format (Confluent wire format: magic byte, schema id, message indexes, then
// the message) and PROTOBUF_NOSR (the bare message, schema derived from the columns). Both
// sides are always a message with one field per column. Proto3 has no null for scalars:
// an unset scalar reads as its default unless the schema makes it `optional` or a wrapper
// (the *_PROTOBUF_NULLABLE_REPRESENTATION property), and unset repeated/map fields read as
// empty. Reading converts the decoded message to JSON-like data and coerces like JSON.

import protobuf from 'protobufjs';
import { Decimal } from '../common/decimal.js';
import type { SqlType } from '../common/types.js';
import { SerdeError, type Serde, type SerdeSpec } from './serde.js';
import { deserializeError, serializeError } from './errors.js';
import { LosslessNumber } from './json-parse.js';
import { FieldMatcher, jsonReader, type JsonReader } from './json-read.js';
import { bytesToDecimalText, decimalToBytes } from './avro.js';
import { confluentHeader, defaultSchemaRegistry, readConfluentHeader, type SchemaRegistry } from './registry.js';
import {
  chooseMessage,
  decodeMessageIndexes,
  encodeMessageIndexes,
  isWrapperType,
  messageAt,
  messageIndexes,
  parseProtobufSchema,
  protobufSchemaForColumns,
  type NullableRepresentation,
  type ParsedProtobuf,
} from './protobuf-schema.js';

const MS_PER_DAY = 86_400_000;

function isLong(v: unknown): v is protobuf.Long {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v && 'unsigned' in v;
}

function longValue(v: unknown): unknown {
  if (!isLong(v)) return v;
  const b = BigInt(v.toString());
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b;
}

function scalarDefault(f: protobuf.Field): unknown {
  if (f.resolvedType instanceof protobuf.Enum) {
    const first = Object.entries(f.resolvedType.values).find(([, n]) => n === 0) ?? Object.entries(f.resolvedType.values)[0];
    return first ? first[0] : null;
  }
  switch (f.type) {
    case 'bool':
      return false;
    case 'string':
    case 'bytes':
      return '';
    default:
      return 0;
  }
}

function isOptional(f: protobuf.Field): boolean {
  return Boolean(f.options?.proto3_optional) || f.partOf !== null;
}

/** A decoded message → JSON-like data (bytes as base64, decimals exact, times as numbers). */
function messageToData(msg: protobuf.Message, type: protobuf.Type): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const m = msg as unknown as Record<string, unknown>;
  for (const f of type.fieldsArray) {
    const present = Object.prototype.hasOwnProperty.call(m, f.name);
    const v = m[f.name];
    if (f.map) {
      const o: Record<string, unknown> = {};
      if (present && v) for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = valueToData(x, f);
      out[f.name] = o;
    } else if (f.repeated) {
      const items = present && Array.isArray(v) ? v.map((x) => valueToData(x, f)) : [];
      if (f.resolvedType instanceof protobuf.Type && f.resolvedType.options?.map_entry) {
        const o: Record<string, unknown> = {};
        for (const e of items as Record<string, unknown>[]) o[String(e.key)] = e.value;
        out[f.name] = o;
      } else out[f.name] = items;
    } else if (!present || v === null || v === undefined) {
      out[f.name] = f.resolvedType instanceof protobuf.Type || isOptional(f) ? null : scalarDefault(f);
    } else out[f.name] = valueToData(v, f);
  }
  return out;
}

function valueToData(v: unknown, f: protobuf.Field): unknown {
  if (v === null || v === undefined) return null;
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Enum) return typeof v === 'number' ? (rt.valuesById[v] ?? String(v)) : v;
  if (rt instanceof protobuf.Type) return wellKnownToData(v as protobuf.Message, rt);
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return longValue(v);
}

function wellKnownToData(msg: protobuf.Message, t: protobuf.Type): unknown {
  const m = msg as unknown as Record<string, unknown>;
  const num = (k: string) => Number(longValue(m[k] ?? 0));
  switch (t.fullName) {
    case '.google.protobuf.Timestamp':
      return num('seconds') * 1000 + Math.floor(num('nanos') / 1e6);
    case '.google.type.Date':
      return Date.UTC(num('year'), num('month') - 1, num('day')) / MS_PER_DAY;
    case '.google.type.TimeOfDay':
      return ((num('hours') * 60 + num('minutes')) * 60 + num('seconds')) * 1000 + Math.floor(num('nanos') / 1e6);
    case '.confluent.type.Decimal': {
      const bytes = m.value ? Buffer.from(m.value as Uint8Array) : Buffer.alloc(0);
      return new LosslessNumber(bytesToDecimalText(bytes, num('scale')));
    }
  }
  if (isWrapperType(t.fullName)) {
    const inner = t.fields.value!;
    return Object.prototype.hasOwnProperty.call(m, 'value') ? valueToData(m.value, inner) : scalarDefault(inner);
  }
  return messageToData(msg, t);
}

/** Writes SQL values into the plain object protobufjs's fromObject takes, following the message. */
function rowToObject(values: unknown[], types: SqlType[], names: string[], t: protobuf.Type): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const byUpper = new Map(t.fieldsArray.map((f) => [f.name.toUpperCase(), f]));
  for (let i = 0; i < names.length; i++) {
    const f = t.fields[names[i]!] ?? byUpper.get(names[i]!.toUpperCase());
    if (!f) continue;
    const v = values[i];
    if (v === null || v === undefined) continue;
    o[f.name] = fieldToObject(v, types[i]!, f);
  }
  return o;
}

function fieldToObject(v: unknown, type: SqlType, f: protobuf.Field): unknown {
  f.resolve();
  if (f.map && type.base === 'MAP') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v as Map<unknown, unknown>) if (x !== null && x !== undefined) o[String(k)] = itemToObject(x, type.value, f);
    return o;
  }
  if (f.repeated && type.base === 'MAP') {
    const entry = f.resolvedType as protobuf.Type;
    return [...(v as Map<unknown, unknown>)].map(([k, x]) => rowToObject([k, x], [type.key, type.value], ['key', 'value'], entry));
  }
  if (f.repeated && type.base === 'ARRAY') {
    return (v as unknown[]).map((x) => (x === null || x === undefined ? defaultObject(f) : itemToObject(x, type.item, f)));
  }
  return itemToObject(v, type, f);
}

function defaultObject(f: protobuf.Field): unknown {
  return f.resolvedType instanceof protobuf.Type ? {} : scalarDefault(f) === '' && f.type === 'bytes' ? Buffer.alloc(0) : scalarDefault(f);
}

function itemToObject(v: unknown, type: SqlType, f: protobuf.Field): unknown {
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Type) return messageObject(v, type, rt);
  return scalarObject(v, type);
}

function scalarObject(v: unknown, type: SqlType): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Decimal) return v.toString();
  if (type.base === 'MAP' || type.base === 'STRUCT' || type.base === 'ARRAY') return JSON.stringify(v);
  return v;
}

function messageObject(v: unknown, type: SqlType, t: protobuf.Type): unknown {
  switch (t.fullName) {
    case '.google.protobuf.Timestamp': {
      const ms = Number(v);
      const seconds = Math.floor(ms / 1000);
      return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
    }
    case '.google.type.Date': {
      const d = new Date(Number(v) * MS_PER_DAY);
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    }
    case '.google.type.TimeOfDay': {
      const ms = Number(v);
      return { hours: Math.floor(ms / 3_600_000), minutes: Math.floor(ms / 60_000) % 60, seconds: Math.floor(ms / 1000) % 60, nanos: (ms % 1000) * 1e6 };
    }
    case '.confluent.type.Decimal': {
      const d = v as Decimal;
      const precision = type.base === 'DECIMAL' ? type.precision : d.precision();
      const scale = type.base === 'DECIMAL' ? type.scale : d.scale;
      return { value: decimalToBytes(d, scale), precision, scale };
    }
  }
  if (isWrapperType(t.fullName)) return { value: scalarObject(v, type) };
  if (type.base === 'STRUCT') {
    const s = v as Record<string, unknown>;
    return rowToObject(
      type.fields.map((x) => s[x.name]),
      type.fields.map((x) => x.type),
      type.fields.map((x) => x.name),
      t,
    );
  }
  if (t.fields.value) {
    // A container wrapped in a message (protobuf has no nested repeated fields).
    return { value: fieldToObject(v, type, t.fields.value) };
  }
  throw new Error(`Cannot write ${type.base} as protobuf message ${t.fullName.slice(1)}`);
}

export interface ProtobufSerdeOptions {
  schemaRegistry: boolean;
  /**
   * Keys: write a message even when every column is null. By default such a key is written
   * as no key, since the engine only holds an all-null key row for a record without a key.
   */
  writeAllNullKeys?: boolean;
}

export function protobufNullable(spec: SerdeSpec): NullableRepresentation | undefined {
  return spec.options?.nullableRepresentation;
}

export function createProtobufSerde(spec: SerdeSpec, opts: ProtobufSerdeOptions, registry: SchemaRegistry = defaultSchemaRegistry()): Serde {
  const { columns, side, topic } = spec;
  const n = columns.length;
  if (n === 0) {
    return { serialize: () => null, deserialize: (b) => (b === null && side === 'value' ? null : []) };
  }
  const fullName = spec.options?.schemaFullName;
  const subject = `${topic}-${side}`;
  const parsedById = new Map<number, ParsedProtobuf>();
  const parseRegistered = (id: number): ParsedProtobuf => {
    let p = parsedById.get(id);
    if (!p) {
      const found = registry.getById(id);
      if (!found) throw new SerdeError(`Schema not found for id ${id}`);
      p = parseProtobufSchema(found.schema, found.references);
      parsedById.set(id, p);
    }
    return p;
  };

  let writerSchema: ParsedProtobuf;
  let writerType: protobuf.Type;
  let header: Buffer | null = null;
  let registerWriter: (() => Buffer) | undefined;
  const pinned = spec.options?.schemaId;
  if (opts.schemaRegistry && pinned !== undefined) {
    writerSchema = parseRegistered(pinned);
    const t = chooseMessage(writerSchema, fullName);
    if (!t) throw new SerdeError(`Schema with name ${fullName} is not found in schema id ${pinned}`);
    writerType = t;
    header = Buffer.concat([confluentHeader(pinned), encodeMessageIndexes(messageIndexes(writerSchema, t))]);
  } else {
    const text = protobufSchemaForColumns(columns, fullName, protobufNullable(spec));
    writerSchema = parseProtobufSchema(text);
    writerType = writerSchema.messages[0]!;
    if (opts.schemaRegistry) {
      // Registered on the first write, so a serde that only reads never registers a schema.
      registerWriter = () => {
        const id = registry.register(subject, { schemaType: 'PROTOBUF', schema: text });
        parsedById.set(id, writerSchema);
        return Buffer.concat([confluentHeader(id), encodeMessageIndexes([0])]);
      };
    }
  }

  const names = columns.map((c) => c.name);
  const types = columns.map((c) => c.type);
  const readers: JsonReader[] = columns.map((c) => jsonReader(c.type));
  const matcher = new FieldMatcher(columns);
  const raw: unknown[] = new Array(n);

  return {
    serialize(row) {
      if (row === null) return null;
      // A key whose every column is null is no key (the message would read back as defaults).
      if (side === 'key' && !opts.writeAllNullKeys && !spec.writeAllNullKeys && row.every((v) => v === null || v === undefined)) return null;
      try {
        const msg = writerType.fromObject(rowToObject(row, types, names, writerType));
        const body = Buffer.from(writerType.encode(msg).finish());
        if (registerWriter) {
          header = registerWriter();
          registerWriter = undefined;
        }
        return header ? Buffer.concat([header, body]) : body;
      } catch (e) {
        throw serializeError(side, topic, e);
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      try {
        let type = writerType;
        let body = bytes;
        if (opts.schemaRegistry) {
          const { id, body: rest } = readConfluentHeader(bytes);
          const { indexes, rest: message } = decodeMessageIndexes(rest);
          type = messageAt(parseRegistered(id), indexes);
          body = message;
        }
        const data = messageToData(type.decode(body), type);
        matcher.match(data, raw);
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = readers[i]!(raw[i]);
        return out;
      } catch (e) {
        throw deserializeError(side, topic, e);
      }
    },
  };
}
