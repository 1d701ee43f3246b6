// Protobuf schemas for the PROTOBUF and PROTOBUF_NOSR formats: the proto3 text ksqlDB
// generates for a side's columns (message ConnectDefault1, nested structs ConnectDefault2…,
// the Confluent/Google well-known types for DECIMAL, DATE, TIME and TIMESTAMP), parsing a
// schema text (with those well-known imports available) into protobufjs reflection, and
// choosing the message a side reads or writes.

import protobuf from 'protobufjs';
import type { Column, SqlType } from '../common/types.js';

export type NullableRepresentation = 'OPTIONAL' | 'WRAPPER';

export const DEFAULT_PROTOBUF_MESSAGE = 'ConnectDefault1';

/** The well-known files ksqlDB's generated schemas import, beyond protobufjs's own google/protobuf ones. */
const EXTRA_WELL_KNOWN = `
syntax = "proto3";
package google.type;
message Date { int32 year = 1; int32 month = 2; int32 day = 3; }
message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }
`;
const CONFLUENT_DECIMAL = `
syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }
`;

const WRAPPER_OF: Partial<Record<SqlType['base'], string>> = {
  BOOLEAN: 'google.protobuf.BoolValue',
  INTEGER: 'google.protobuf.Int32Value',
  BIGINT: 'google.protobuf.Int64Value',
  DOUBLE: 'google.protobuf.DoubleValue',
  STRING: 'google.protobuf.StringValue',
  BYTES: 'google.protobuf.BytesValue',
};

const SCALAR_OF: Partial<Record<SqlType['base'], string>> = {
  BOOLEAN: 'bool',
  INTEGER: 'int32',
  BIGINT: 'int64',
  DOUBLE: 'double',
  STRING: 'string',
  BYTES: 'bytes',
};

class SchemaWriter {
  private next = 2;
  readonly imports = new Set<string>();
  constructor(private readonly nullable: NullableRepresentation | undefined) {}

  /** The body lines of a message holding `fields`, nested definitions first. */
  message(name: string, fields: { name: string; type: SqlType }[], indent: string): string[] {
    const nested: string[][] = [];
    const lines: string[] = [];
    fields.forEach((f, i) => {
      const inner: string[] = [];
      lines.push(`${indent}  ${this.field(f.name, f.type, i + 1, inner, indent + '  ')}`);
      if (inner.length > 0) nested.push(inner);
    });
    // As ksqlDB prints it: the fields, then each nested message after a blank line.
    for (const block of nested) lines.push('', ...block);
    return [`${indent}message ${name} {`, ...lines, `${indent}}`];
  }

  private field(name: string, type: SqlType, tag: number, nested: string[], indent: string): string {
    switch (type.base) {
      case 'ARRAY':
        return `repeated ${this.typeName(type.item, nested, indent)} ${name} = ${tag};`;
      case 'MAP': {
        const key = SCALAR_OF[type.key.base];
        if (key && key !== 'double' && key !== 'bytes' && type.value.base !== 'ARRAY' && type.value.base !== 'MAP') {
          return `map<${key}, ${this.typeName(type.value, nested, indent)}> ${name} = ${tag};`;
        }
        const entry = `ConnectDefault${this.next++}Entry`;
        nested.push(...this.message(entry, [{ name: 'key', type: type.key }, { name: 'value', type: type.value }], indent));
        return `repeated ${entry} ${name} = ${tag};`;
      }
      default: {
        const scalar = SCALAR_OF[type.base];
        if (scalar && this.nullable === 'WRAPPER') {
          this.imports.add('google/protobuf/wrappers.proto');
          return `${WRAPPER_OF[type.base]} ${name} = ${tag};`;
        }
        const prefix = scalar && this.nullable === 'OPTIONAL' ? 'optional ' : '';
        return `${prefix}${this.typeName(type, nested, indent)} ${name} = ${tag};`;
      }
    }
  }

  private typeName(type: SqlType, nested: string[], indent: string): string {
    const scalar = SCALAR_OF[type.base];
    if (scalar) return scalar;
    switch (type.base) {
      case 'DECIMAL':
        this.imports.add('confluent/type/decimal.proto');
        return 'confluent.type.Decimal';
      case 'DATE':
        this.imports.add('google/type/date.proto');
        return 'google.type.Date';
      case 'TIME':
        this.imports.add('google/type/timeofday.proto');
        return 'google.type.TimeOfDay';
      case 'TIMESTAMP':
        this.imports.add('google/protobuf/timestamp.proto');
        return 'google.protobuf.Timestamp';
      case 'STRUCT': {
        const name = `ConnectDefault${this.next++}`;
        nested.push(...this.message(name, type.fields, indent));
        return name;
      }
      case 'ARRAY':
      case 'MAP': {
        // Protobuf has no nested repeated fields: wrap the inner container in a message.
        const name = `ConnectDefault${this.next++}`;
        nested.push(...this.message(name, [{ name: 'value', type }], indent));
        return name;
      }
      default:
        throw new Error(`Unsupported type for PROTOBUF: ${type.base}`);
    }
  }
}

/** The proto3 text ksqlDB generates for the columns of one side. */
export function protobufSchemaForColumns(columns: Column[], fullName?: string, nullable?: NullableRepresentation): string {
  const full = fullName ?? DEFAULT_PROTOBUF_MESSAGE;
  const dot = full.lastIndexOf('.');
  const pkg = dot > 0 ? full.slice(0, dot) : undefined;
  const name = dot > 0 ? full.slice(dot + 1) : full;
  const w = new SchemaWriter(nullable);
  const body = w.message(name, columns, '');
  const head = ['syntax = "proto3";', ''];
  if (pkg) head.push(`package ${pkg};`, '');
  for (const i of [...w.imports].sort()) head.push(`import "${i}";`);
  if (w.imports.size > 0) head.push('');
  return [...head, ...body, ''].join('\n');
}

/** A parsed schema: its root and the top-level messages of the file in declaration order. */
export interface ParsedProtobuf {
  root: protobuf.Root;
  messages: protobuf.Type[];
}

function wellKnownRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const f of ['google/protobuf/wrappers.proto', 'google/protobuf/timestamp.proto']) {
    root.addJSON(protobuf.common.get(f)!.nested!);
  }
  protobuf.parse(EXTRA_WELL_KNOWN, root, { keepCase: true });
  protobuf.parse(CONFLUENT_DECIMAL, root, { keepCase: true });
  return root;
}

/** Parses a proto3 schema text; `references` are the texts of imported files by name. */
export function parseProtobufSchema(text: string, references: Record<string, string> = {}): ParsedProtobuf {
  const root = wellKnownRoot();
  for (const ref of Object.values(references)) protobuf.parse(ref, root, { keepCase: true });
  const before = new Set(root.nestedArray);
  const parsed = protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  const ns = parsed.package ? root.lookup(parsed.package) : root;
  let messages: protobuf.Type[] = [];
  if (ns instanceof protobuf.Namespace) {
    messages = ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type && (parsed.package !== undefined || !before.has(n)));
  }
  return { root, messages };
}

/** The message named `fullName` (with or without a leading dot or package), else the first one. */
export function chooseMessage(schema: ParsedProtobuf, fullName?: string): protobuf.Type | undefined {
  if (fullName === undefined) return schema.messages[0];
  const byFull = schema.root.lookup(fullName.startsWith('.') ? fullName : `.${fullName}`);
  if (byFull instanceof protobuf.Type) return byFull;
  return schema.messages.find((m) => m.name === fullName);
}

/** The Confluent message-index path of a message: its position among its parents' nested messages. */
export function messageIndexes(schema: ParsedProtobuf, type: protobuf.Type): number[] {
  const path: number[] = [];
  let cur: protobuf.ReflectionObject = type;
  while (cur.parent instanceof protobuf.Type) {
    const siblings: protobuf.Type[] = cur.parent.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
    path.unshift(siblings.indexOf(cur as protobuf.Type));
    cur = cur.parent;
  }
  path.unshift(Math.max(0, schema.messages.indexOf(cur as protobuf.Type)));
  return path;
}

export function messageAt(schema: ParsedProtobuf, indexes: number[]): protobuf.Type {
  let t = schema.messages[indexes[0] ?? 0];
  for (let i = 1; t && i < indexes.length; i++) {
    t = t.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)[indexes[i]!];
  }
  if (!t) throw new Error(`Invalid message indexes: [${indexes.join(', ')}]`);
  return t;
}

/** The message-index prefix of the Confluent protobuf wire format ([0] is a single 0 byte). */
export function encodeMessageIndexes(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const w = protobuf.Writer.create();
  w.sint32(indexes.length);
  for (const i of indexes) w.sint32(i);
  return Buffer.from(w.finish());
}

export function decodeMessageIndexes(body: Buffer): { indexes: number[]; rest: Buffer } {
  const r = protobuf.Reader.create(body);
  const n = r.sint32();
  const indexes: number[] = [];
  if (n === 0) indexes.push(0);
  for (let i = 0; i < n; i++) indexes.push(r.sint32());
  return { indexes, rest: body.subarray(r.pos) };
}

const WRAPPER_TYPES: Record<string, SqlType> = {
  '.google.protobuf.BoolValue': { base: 'BOOLEAN' },
  '.google.protobuf.Int32Value': { base: 'INTEGER' },
  '.google.protobuf.UInt32Value': { base: 'BIGINT' },
  '.google.protobuf.Int64Value': { base: 'BIGINT' },
  '.google.protobuf.UInt64Value': { base: 'BIGINT' },
  '.google.protobuf.FloatValue': { base: 'DOUBLE' },
  '.google.protobuf.DoubleValue': { base: 'DOUBLE' },
  '.google.protobuf.StringValue': { base: 'STRING' },
  '.google.protobuf.BytesValue': { base: 'BYTES' },
};

export function isWrapperType(fullName: string): boolean {
  return fullName in WRAPPER_TYPES;
}

function scalarSqlType(protoType: string): SqlType | undefined {
  switch (protoType) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return { base: 'INTEGER' };
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64':
      return { base: 'BIGINT' };
    case 'float':
    case 'double':
      return { base: 'DOUBLE' };
    case 'bool':
      return { base: 'BOOLEAN' };
    case 'string':
      return { base: 'STRING' };
    case 'bytes':
      return { base: 'BYTES' };
    default:
      return undefined;
  }
}

/** The SQL type of a message used as a field type. */
function messageSqlType(t: protobuf.Type, rename: (n: string) => string, seen: Set<protobuf.Type>): SqlType {
  const full = t.fullName;
  const wrapped = WRAPPER_TYPES[full];
  if (wrapped) return wrapped;
  if (full === '.google.protobuf.Timestamp') return { base: 'TIMESTAMP' };
  if (full === '.google.type.Date') return { base: 'DATE' };
  if (full === '.google.type.TimeOfDay') return { base: 'TIME' };
  if (full === '.confluent.type.Decimal') return { base: 'DECIMAL', precision: 64, scale: 0 };
  if (seen.has(t)) throw new Error(`Recursive protobuf schemas are not supported: ${full.slice(1)}`);
  seen.add(t);
  const fields = t.fieldsArray.map((f) => ({ name: rename(f.name), type: fieldSqlType(f, rename, seen) }));
  seen.delete(t);
  return { base: 'STRUCT', fields };
}

function decimalParams(f: protobuf.Field): SqlType | undefined {
  const meta = (f.options ?? {}) as Record<string, unknown>;
  const params = meta['(confluent.field_meta).params'] ?? (meta['(confluent.field_meta)'] as { params?: unknown } | undefined)?.params;
  if (!Array.isArray(params)) return undefined;
  const get = (k: string) => (params as { key?: string; value?: string }[]).find((p) => p.key === k)?.value;
  const precision = Number(get('precision'));
  const scale = Number(get('scale') ?? 0);
  return Number.isFinite(precision) ? { base: 'DECIMAL', precision, scale } : undefined;
}

function fieldSqlType(f: protobuf.Field, rename: (n: string) => string, seen: Set<protobuf.Type>): SqlType {
  f.resolve();
  let item: SqlType;
  const resolved = f.resolvedType;
  if (resolved instanceof protobuf.Enum) item = { base: 'STRING' };
  else if (resolved instanceof protobuf.Type) {
    item = messageSqlType(resolved, rename, seen);
    if (item.base === 'DECIMAL') item = decimalParams(f) ?? item;
  } else {
    const s = scalarSqlType(f.type);
    if (!s) throw new Error(`Unsupported protobuf type: ${f.type}`);
    item = s;
  }
  if (f.map) {
    const key = scalarSqlType((f as unknown as protobuf.MapField).keyType) ?? { base: 'STRING' };
    return { base: 'MAP', key, value: item };
  }
  if (f.repeated) {
    // A repeated entry message of {key, value} is a map written without the map syntax.
    if (resolved instanceof protobuf.Type && resolved.options?.map_entry) {
      const fields = (item as { fields: { name: string; type: SqlType }[] }).fields;
      return { base: 'MAP', key: fields[0]!.type, value: fields[1]!.type };
    }
    return { base: 'ARRAY', item };
  }
  return item;
}

/** Columns inferred from a message: one per field, names upper-cased unless `exactNames`. */
export function protobufColumns(t: protobuf.Type, exactNames: boolean): { name: string; type: SqlType }[] {
  const rename = exactNames ? (n: string) => n : (n: string) => n.toUpperCase();
  const seen = new Set<protobuf.Type>([t]);
  return t.fieldsArray.map((f) => ({ name: rename(f.name), type: fieldSqlType(f, rename, seen) }));
}
