// Protobuf pull responses as ksqlDB's REST cases write them: each row's protobufBytes decoded
// with the header's protoSchema and printed in protobuf text format (`NAME: value` lines, fields
// at their default value left out, as proto3 does).

import protobuf from 'protobufjs';
import { parseProtobufSchema } from '../../src/serde/protobuf-schema.js';

function quote(s: string | Uint8Array): string {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s);
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x27) out += "\\'";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\' + b.toString(8).padStart(3, '0');
  }
  return out + '"';
}

function scalar(field: protobuf.Field, v: unknown): string {
  if (field.resolvedType instanceof protobuf.Enum) return String(field.resolvedType.valuesById[v as number] ?? v);
  if (field.type === 'string') return quote(String(v));
  if (field.type === 'bytes') return quote(v as Uint8Array);
  if (field.type === 'bool') return v ? 'true' : 'false';
  if (typeof v === 'object' && v !== null && 'low' in v) return protobuf.util.Long.fromValue(v as protobuf.Long).toString();
  if (field.type === 'double' || field.type === 'float') {
    const n = Number(v);
    return Number.isInteger(n) ? n.toFixed(1) : String(n);
  }
  return String(v);
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (field.resolvedType instanceof protobuf.Type) return false;
  if (typeof v === 'object' && 'low' in (v as object)) return protobuf.util.Long.fromValue(v as protobuf.Long).isZero();
  if (v instanceof Uint8Array) return v.length === 0;
  return v === 0 || v === '' || v === false;
}

function print(type: protobuf.Type, message: Record<string, unknown>, indent: string): string {
  let out = '';
  for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    const v = message[field.name];
    const one = (x: unknown, f: protobuf.Field): string =>
      f.resolvedType instanceof protobuf.Type
        ? `${indent}${f.name} {\n${print(f.resolvedType, x as Record<string, unknown>, indent + '  ')}${indent}}\n`
        : `${indent}${f.name}: ${scalar(f, x)}\n`;
    if (field instanceof protobuf.MapField) {
      for (const [k, x] of Object.entries((v as Record<string, unknown>) ?? {})) {
        const valueField = new protobuf.Field('value', 2, field.type);
        if (field.resolvedType) valueField.resolvedType = field.resolvedType;
        out += `${indent}${field.name} {\n${indent}  key: ${field.keyType === 'string' ? quote(k) : k}\n${one(x, valueField).replace(/^/gm, '  ')}${indent}}\n`;
      }
    } else if (field.repeated) {
      for (const x of (v as unknown[]) ?? []) out += one(x, field);
    } else if (field.partOf ? v !== undefined && v !== null : !isDefault(field, v)) {
      out += one(v, field);
    }
  }
  return out;
}

/** `{header:{protoSchema}}` and `{row:"<text format>"}` items for a protobuf /query response. */
export function protobufItems(items: Record<string, unknown>[]): Record<string, unknown>[] {
  let type: protobuf.Type | undefined;
  return items.map((item) => {
    const header = item.header as { protoSchema?: string } | undefined;
    if (header?.protoSchema !== undefined) {
      type = parseProtobufSchema(header.protoSchema).messages[0];
      return { header: { protoSchema: header.protoSchema } };
    }
    const row = item.row as { protobufBytes?: string } | undefined;
    if (row?.protobufBytes !== undefined && type) {
      const message = type.decode(Buffer.from(row.protobufBytes, 'base64')) as unknown as Record<string, unknown>;
      return { row: print(type, message, '') };
    }
    return item;
  });
}
