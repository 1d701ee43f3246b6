// The AVRO format in the Confluent wire format. The writer schema is generated from the
// columns the way ksqlDB does it (record KsqlDataSourceSchema in io.confluent.ksql.avro_schemas,
// every field an optional union with null, logical types for DECIMAL, DATE, TIME and
// TIMESTAMP) and registered under `<topic>-key|value`. Reading decodes with the writer schema
// found by id, then matches fields to columns case-insensitively and coerces like JSON. A
// pinned schema id (KEY_/VALUE_SCHEMA_ID) writes with that registered schema instead, the
// value fitted to it by avro-physical.ts.

import avro from 'avsc';
import { Decimal } from '../common/decimal.js';
import type { Column, SqlType } from '../common/types.js';
import { SerdeError, type Serde, type SerdeSpec } from './serde.js';
import { deserializeError, serializeError } from './errors.js';
import { LosslessNumber } from './json-parse.js';
import { FieldMatcher, isPlainObject, jsonReader, type JsonReader } from './json-read.js';
import { confluentHeader, defaultSchemaRegistry, readConfluentHeader, type SchemaRegistry } from './registry.js';
import { fitToAvro } from './avro-physical.js';

export const DEFAULT_AVRO_NAMESPACE = 'io.confluent.ksql.avro_schemas';
export const DEFAULT_AVRO_RECORD = 'KsqlDataSourceSchema';

type AvroSchema = string | Record<string, unknown> | AvroSchema[];

/** 64-bit longs as exact numbers/bigints instead of avsc's double-only default. */
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const v = buf.readBigInt64LE(0);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n), 0);
    return buf;
  },
  fromJSON: (v: unknown) => (typeof v === 'bigint' ? v : Number(v)),
  toJSON: (v: number | bigint) => Number(v),
  isValid: (v: unknown) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)),
  compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** Avro decimals (bytes holding the two's-complement unscaled value) read as exact text. */
class DecimalLogicalType extends avro.types.LogicalType {
  readonly scale: number;
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    this.scale = Number((schema as { scale?: number }).scale ?? 0);
  }
  override _fromValue(v: Buffer): LosslessNumber {
    return new LosslessNumber(bytesToDecimalText(v, this.scale));
  }
  override _toValue(v: unknown): unknown {
    return v instanceof Decimal ? decimalToBytes(v, this.scale) : v;
  }
  override _resolve(type: avro.Type): ((v: unknown) => unknown) | undefined {
    return type instanceof DecimalLogicalType || type.typeName === 'bytes' ? (v) => v : undefined;
  }
}

function parseAvroType(schema: AvroSchema): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, {
    registry: { long: exactLong as unknown as avro.Type },
    logicalTypes: { decimal: DecimalLogicalType },
    wrapUnions: 'auto',
  });
}

function optional(s: AvroSchema): AvroSchema {
  return ['null', s];
}

/** The Avro schema ksqlDB generates for a SQL type; `name` names nested records. */
export function avroSchemaOf(type: SqlType, name: string): AvroSchema {
  switch (type.base) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'DOUBLE':
      return 'double';
    case 'STRING':
      return 'string';
    case 'BYTES':
      return 'bytes';
    case 'DECIMAL':
      return { type: 'bytes', logicalType: 'decimal', precision: type.precision, scale: type.scale, 'connect.version': 1, 'connect.parameters': { scale: String(type.scale), 'connect.decimal.precision': String(type.precision) }, 'connect.name': 'org.apache.kafka.connect.data.Decimal' };
    case 'DATE':
      return { type: 'int', logicalType: 'date', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Date' };
    case 'TIME':
      return { type: 'int', logicalType: 'time-millis', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Time' };
    case 'TIMESTAMP':
      return { type: 'long', logicalType: 'timestamp-millis', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Timestamp' };
    case 'ARRAY':
      return { type: 'array', items: optional(avroSchemaOf(type.item, name)) };
    case 'MAP':
      return { type: 'map', values: optional(avroSchemaOf(type.value, name)) };
    case 'STRUCT':
      return {
        type: 'record',
        name,
        fields: type.fields.map((f) => ({ name: f.name, type: optional(avroSchemaOf(f.type, `${name}_${f.name}`)), default: null })),
      };
  }
}

/** The connect-style schema of one side: a record of the columns, or the bare single column. */
export function avroSchemaForColumns(columns: Column[], unwrapped: boolean, fullName?: string): AvroSchema {
  const full = fullName ?? `${DEFAULT_AVRO_NAMESPACE}.${DEFAULT_AVRO_RECORD}`;
  if (unwrapped) return optional(avroSchemaOf(columns[0]!.type, full));
  return {
    type: 'record',
    name: full,
    fields: columns.map((c) => ({ name: c.name, type: optional(avroSchemaOf(c.type, `${full}_${c.name}`)), default: null })),
  };
}

export function decimalToBytes(d: Decimal, scale: number): Buffer {
  let v = d.setScale(scale).unscaled;
  const bytes: number[] = [];
  const neg = v < 0n;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (neg ? v !== -1n || (bytes[0]! & 0x80) === 0 : v !== 0n || (bytes[0]! & 0x80) !== 0);
  return Buffer.from(bytes);
}

export function bytesToDecimalText(b: Buffer, scale: number): string {
  if (b.length === 0) return '0';
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  if (b[0]! & 0x80) v -= 1n << BigInt(b.length * 8);
  return new Decimal(v, scale).toString();
}

/** Typed SQL value → the JS value avsc writes. */
function toAvro(v: unknown, type: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (type.base) {
    case 'DECIMAL':
      return decimalToBytes(v as Decimal, type.scale);
    case 'ARRAY':
      return (v as unknown[]).map((x) => toAvro(x, type.item));
    case 'MAP': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v as Map<unknown, unknown>) o[String(k)] = toAvro(x, type.value);
      return o;
    }
    case 'STRUCT': {
      const s = v as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const f of type.fields) o[f.name] = toAvro(s[f.name], f.type);
      return o;
    }
    default:
      return v;
  }
}

/** A decoded Avro value → JSON-like data the JSON coercions read (decimals as exact text). */
function fromAvro(v: unknown, schema: avro.Type): unknown {
  if (v === null || v === undefined) return null;
  const t = schema as avro.Type & { types?: avro.Type[]; itemsType?: avro.Type; valuesType?: avro.Type; fields?: { name: string; type: avro.Type }[] };
  switch (t.typeName) {
    case 'union:unwrapped': {
      const branch = t.types!.find((b) => b.typeName !== 'null' && b.isValid(v)) ?? t.types!.find((b) => b.typeName !== 'null');
      return branch ? fromAvro(v, branch) : v;
    }
    case 'logical:decimal':
      return v;
    case 'bytes':
    case 'fixed':
      return (v as Buffer).toString('base64');
    case 'array':
      return (v as unknown[]).map((x) => fromAvro(x, t.itemsType!));
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = fromAvro(x, t.valuesType!);
      return o;
    }
    case 'record':
    case 'error': {
      const o: Record<string, unknown> = {};
      for (const f of t.fields!) o[f.name] = fromAvro((v as Record<string, unknown>)[f.name], f.type);
      return o;
    }
    case 'enum':
      return String(v);
    default:
      return v;
  }
}

export function createAvroSerde(spec: SerdeSpec, registry: SchemaRegistry = defaultSchemaRegistry()): Serde {
  const { columns, side, topic } = spec;
  const n = columns.length;
  if (n === 0) {
    return { serialize: () => null, deserialize: (b) => (b === null && side === 'value' ? null : []) };
  }
  const unwrapped = n === 1 && (side === 'key' || spec.options?.wrapSingleValue === false);
  const subject = `${topic}-${side}`;
  const writerId = spec.options?.schemaId;
  let writerType: avro.Type;
  let writerSchema: AvroSchema | undefined;
  if (writerId !== undefined) {
    const found = registry.getById(writerId);
    if (!found) throw new SerdeError(`Schema id ${writerId} is not registered`);
    writerType = parseAvroType(JSON.parse(found.schema) as AvroSchema);
  } else {
    writerSchema = avroSchemaForColumns(columns, unwrapped, spec.options?.schemaFullName);
    writerType = parseAvroType(writerSchema);
  }
  // Registered on the first write, so a serde that only reads never registers a schema.
  let header: Buffer | undefined;
  const writeHeader = (): Buffer =>
    (header ??= confluentHeader(writerId ?? registry.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(writerSchema) })));
  const readerCache = new Map<number, avro.Type>();
  const readers: JsonReader[] = columns.map((c) => jsonReader(c.type));
  const matcher = new FieldMatcher(columns);
  const raw: unknown[] = new Array(n);

  const writerFor = (id: number): avro.Type => {
    let t = readerCache.get(id);
    if (!t) {
      const found = registry.getById(id);
      if (!found) throw new Error(`Schema not found for id ${id}`);
      t = parseAvroType(JSON.parse(found.schema) as AvroSchema);
      readerCache.set(id, t);
    }
    return t;
  };

  return {
    serialize(row) {
      if (row === null) return null;
      if (unwrapped && (row[0] === null || row[0] === undefined)) return null;
      try {
        let value: unknown;
        if (unwrapped) value = toAvro(row[0], columns[0]!.type);
        else {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < n; i++) o[columns[i]!.name] = toAvro(row[i], columns[i]!.type);
          value = o;
        }
        // A pinned schema is the registered one, not ours: the value takes its shape.
        if (writerId !== undefined) value = fitToAvro(value, writerType);
        return Buffer.concat([writeHeader(), writerType.toBuffer(value)]);
      } catch (e) {
        throw serializeError(side, topic, e);
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      try {
        const { id, body } = readConfluentHeader(bytes);
        const type = writerFor(id);
        const data = fromAvro(type.fromBuffer(body), type);
        if (data === null) return null;
        if (unwrapped) return [readers[0]!(data)];
        if (!isPlainObject(data)) throw new Error(`Expected an Avro record for ${topic}, got ${type.typeName}`);
        matcher.match(data, raw);
        const row = new Array(n);
        for (let i = 0; i < n; i++) row[i] = readers[i]!(raw[i]);
        return row;
      } catch (e) {
        throw deserializeError(side, topic, e);
      }
    },
  };
}
