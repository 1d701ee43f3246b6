// Schema inference for the schema-registry formats (spec §4): the columns a CREATE without
// columns gets from the schema registered under `<topic>-key|value` (the latest version) or
// pinned by KEY_/VALUE_SCHEMA_ID. Records / objects / messages give one column per field; a
// bare type gives the single column ROWKEY (key) or ROWVAL (value). Field names are kept as
// written when a schema id pins the physical schema, else upper-cased like unquoted names.

import type { SqlType } from '../common/types.js';
import type { FormatName } from './serde.js';
import type { RegisteredSchema, SchemaRegistry } from './registry.js';
import { chooseMessage, parseProtobufSchema, protobufColumns } from './protobuf-schema.js';
import { EddyError } from '../common/errors.js';

export interface InferredColumn {
  name: string;
  type: SqlType;
}

export interface InferenceRequest {
  format: FormatName;
  side: 'key' | 'value';
  topic: string;
  schemaId?: number;
  schemaFullName?: string;
  /** Values: false reads the whole schema as one anonymous column. */
  wrapSingleValue?: boolean;
}

/** Why a schema cannot be inferred, worded like ksqlDB. */
export class SchemaInferenceError extends EddyError {
  override readonly kind = 'serde';
}

function missing(req: InferenceRequest): SchemaInferenceError {
  const what = req.side === 'key' ? 'keys' : 'values';
  return new SchemaInferenceError(
    `Schema for message ${what} on topic '${req.topic}' does not exist in the Schema Registry.\nSubject: ${req.topic}-${req.side}\n\n` +
      `Possible causes include:\n- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n` +
      `- Messages on the topic are not serialized using a format Schema Registry supports\n\t-> Use PRINT '${req.topic}' FROM BEGINNING; to verify\n` +
      `- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n` +
      `- The schema is registered on a different instance of the Schema Registry\n\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n` +
      `- You do not have permissions to access the Schema Registry.Subject: ${req.topic}-${req.side}\n\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html`,
  );
}

/** The registered schema a side infers from, or undefined when none is registered (and none pinned). */
export function findInferenceSchema(registry: SchemaRegistry, req: InferenceRequest): RegisteredSchema | undefined {
  if (req.schemaId !== undefined) {
    const s = registry.getById(req.schemaId);
    if (!s) throw new SchemaInferenceError(`Schema id ${req.schemaId} does not exist in the Schema Registry (subject ${req.topic}-${req.side}).`);
    return s;
  }
  return registry.latest(`${req.topic}-${req.side}`);
}

/** Columns for one side; throws when a value schema is missing or unusable. */
export function inferColumns(registry: SchemaRegistry, req: InferenceRequest): InferredColumn[] | undefined {
  const found = findInferenceSchema(registry, req);
  if (!found) {
    if (req.side === 'value') throw missing(req);
    return undefined;
  }
  checkSchemaType(found, req);
  const exact = req.schemaId !== undefined;
  const rename = exact ? (n: string) => n : (n: string) => n.toUpperCase();
  const single = req.side === 'key' ? 'ROWKEY' : 'ROWVAL';
  switch (req.format) {
    case 'PROTOBUF': {
      const parsed = parseProtobufSchema(found.schema, found.references);
      const t = chooseMessage(parsed, req.schemaFullName);
      if (!t) throw missing(req);
      return protobufColumns(t, exact);
    }
    case 'AVRO': {
      const schema = JSON.parse(found.schema) as unknown;
      const avro = new AvroTypes(rename);
      const top = avro.resolve(schema);
      // Keys of formats that unwrap single keys infer one column holding the whole schema.
      if (isRecord(top) && req.side === 'value' && req.wrapSingleValue !== false) {
        return top.fields.map((f) => ({ name: rename(f.name), type: avro.toSql(f.type) }));
      }
      return [{ name: single, type: avro.toSql(schema) }];
    }
    case 'JSON_SR': {
      const schema = JSON.parse(found.schema) as JsonSchema;
      const top = nonNullJson(schema);
      if (top.type === 'object' && top.properties && req.side === 'value' && req.wrapSingleValue !== false) {
        return Object.entries(top.properties).map(([name, s]) => ({ name: rename(name), type: jsonSchemaToSql(s, rename) }));
      }
      return [{ name: single, type: jsonSchemaToSql(schema, rename) }];
    }
    default:
      throw new SchemaInferenceError(`The ${req.format} format does not support schema inference`);
  }
}

const SCHEMA_TYPE_OF_FORMAT: Partial<Record<FormatName, string>> = { AVRO: 'AVRO', PROTOBUF: 'PROTOBUF', JSON_SR: 'JSON' };

/** A registered schema of another kind than the format reads (ksqlDB's text). */
function checkSchemaType(found: RegisteredSchema, req: InferenceRequest): void {
  const expected = SCHEMA_TYPE_OF_FORMAT[req.format];
  const actual = found.schemaType ?? 'AVRO';
  if (expected === undefined || actual === expected) return;
  const source = [`topic: ${req.topic}`, ...(req.schemaId !== undefined ? [`schema id: ${req.schemaId}`] : [])].join(', ');
  throw new SchemaInferenceError(
    `${req.side === 'key' ? 'Key' : 'Value'} schema is not in the expected format. You may want to set ${req.side.toUpperCase()}_FORMAT to '${actual}'.\n` +
      `${source}\nexpected format: ${expected}\nactual format from Schema Registry: ${actual}`,
  );
}

type AvroNode = string | { type: unknown; [k: string]: unknown } | unknown[];
interface AvroRecord {
  type: 'record' | 'error';
  name?: string;
  fields: { name: string; type: AvroNode }[];
}

function isRecord(s: unknown): s is AvroRecord {
  return typeof s === 'object' && s !== null && !Array.isArray(s) && ((s as { type?: unknown }).type === 'record' || (s as { type?: unknown }).type === 'error');
}

class AvroTypes {
  private readonly named = new Map<string, unknown>();
  private readonly visiting = new Set<unknown>();
  constructor(private readonly rename: (n: string) => string) {}

  /** Registers named types and strips a nullable union, returning the schema node itself. */
  resolve(s: unknown): unknown {
    if (Array.isArray(s)) {
      const branches = s.filter((b) => b !== 'null');
      return branches.length === 1 ? this.resolve(branches[0]) : s;
    }
    if (typeof s === 'string') return this.named.get(s) ?? s;
    if (typeof s === 'object' && s !== null) {
      const o = s as { name?: string; namespace?: string; type?: unknown };
      if (o.name && (o.type === 'record' || o.type === 'enum' || o.type === 'fixed')) {
        this.named.set(o.name, s);
        if (o.namespace) this.named.set(`${o.namespace}.${o.name}`, s);
      }
      if (typeof o.type === 'object' && o.type !== null) return this.resolve(o.type);
    }
    return s;
  }

  toSql(node: unknown): SqlType {
    const s = this.resolve(node);
    if (Array.isArray(s)) throw new SchemaInferenceError('Avro unions other than [null, T] are not supported');
    if (typeof s === 'string') return this.primitive(s, undefined);
    const o = s as { type: string; logicalType?: string; precision?: number; scale?: number; items?: unknown; values?: unknown; symbols?: unknown };
    switch (o.type) {
      case 'record':
      case 'error': {
        if (this.visiting.has(s)) throw new SchemaInferenceError('Recursive Avro schemas are not supported');
        this.visiting.add(s);
        const fields = (s as AvroRecord).fields.map((f) => ({ name: this.rename(f.name), type: this.toSql(f.type) }));
        this.visiting.delete(s);
        return { base: 'STRUCT', fields };
      }
      case 'array':
        return { base: 'ARRAY', item: this.toSql(o.items) };
      case 'map':
        return { base: 'MAP', key: { base: 'STRING' }, value: this.toSql(o.values) };
      case 'enum':
        return { base: 'STRING' };
      case 'fixed':
        return o.logicalType === 'decimal' ? { base: 'DECIMAL', precision: o.precision ?? 64, scale: o.scale ?? 0 } : { base: 'BYTES' };
      default:
        return this.primitive(o.type, o);
    }
  }

  private primitive(name: string, o: { logicalType?: string; precision?: number; scale?: number } | undefined): SqlType {
    switch (name) {
      case 'boolean':
        return { base: 'BOOLEAN' };
      case 'int':
        if (o?.logicalType === 'date') return { base: 'DATE' };
        if (o?.logicalType === 'time-millis') return { base: 'TIME' };
        return { base: 'INTEGER' };
      case 'long':
        if (o?.logicalType === 'timestamp-millis') return { base: 'TIMESTAMP' };
        return { base: 'BIGINT' };
      case 'float':
      case 'double':
        return { base: 'DOUBLE' };
      case 'string':
        return { base: 'STRING' };
      case 'bytes':
        if (o?.logicalType === 'decimal') return { base: 'DECIMAL', precision: o.precision ?? 64, scale: o.scale ?? 0 };
        return { base: 'BYTES' };
      default:
        throw new SchemaInferenceError(`Unsupported Avro type: ${name}`);
    }
  }
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  'connect.type'?: string;
  'connect.parameters'?: Record<string, string>;
  title?: string;
}

function nonNullJson(s: JsonSchema): JsonSchema {
  const alts = s.oneOf ?? s.anyOf;
  if (alts) {
    const rest = alts.filter((a) => a.type !== 'null');
    if (rest.length === 1) return nonNullJson(rest[0]!);
  }
  if (Array.isArray(s.type)) {
    const rest = s.type.filter((t) => t !== 'null');
    if (rest.length === 1) return { ...s, type: rest[0]! };
  }
  return s;
}

function jsonSchemaToSql(schema: JsonSchema, rename: (n: string) => string): SqlType {
  const s = nonNullJson(schema);
  const connect = s['connect.type'];
  switch (s.type) {
    case 'boolean':
      return { base: 'BOOLEAN' };
    case 'integer':
      if (connect === 'int32' || connect === 'int16' || connect === 'int8') return { base: 'INTEGER' };
      if (s.title === 'org.apache.kafka.connect.data.Timestamp') return { base: 'TIMESTAMP' };
      if (s.title === 'org.apache.kafka.connect.data.Date') return { base: 'DATE' };
      if (s.title === 'org.apache.kafka.connect.data.Time') return { base: 'TIME' };
      return { base: 'BIGINT' };
    case 'number':
      if (s.title === 'org.apache.kafka.connect.data.Decimal' || connect === 'bytes') {
        const p = s['connect.parameters'] ?? {};
        return { base: 'DECIMAL', precision: Number(p['connect.decimal.precision'] ?? 64), scale: Number(p.scale ?? 0) };
      }
      return { base: 'DOUBLE' };
    case 'string':
      return connect === 'bytes' ? { base: 'BYTES' } : { base: 'STRING' };
    case 'array':
      return { base: 'ARRAY', item: jsonSchemaToSql(s.items ?? { type: 'string' }, rename) };
    case 'object': {
      if (s.properties && Object.keys(s.properties).length > 0) {
        return { base: 'STRUCT', fields: Object.entries(s.properties).map(([n, f]) => ({ name: rename(n), type: jsonSchemaToSql(f, rename) })) };
      }
      const values = typeof s.additionalProperties === 'object' ? s.additionalProperties : { type: 'string' };
      return { base: 'MAP', key: { base: 'STRING' }, value: jsonSchemaToSql(values, rename) };
    }
    default:
      throw new SchemaInferenceError(`Unsupported JSON schema type: ${JSON.stringify(s.type)}`);
  }
}
