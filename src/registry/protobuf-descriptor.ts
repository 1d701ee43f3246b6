// Protobuf schemas submitted as a base64 FileDescriptorProto (what Confluent's Python and Go
// serializers send, "serialized" format) become .proto text, the form the registry stores
// and serdes parse.

import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

interface FieldDesc {
  name: string;
  number: number;
  label?: number;
  type?: number;
  typeName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
  defaultValue?: string;
}
interface MessageDesc {
  name: string;
  field?: FieldDesc[];
  nestedType?: MessageDesc[];
  enumType?: EnumDesc[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface EnumDesc {
  name: string;
  value?: { name: string; number: number }[];
}
interface FileDesc {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: MessageDesc[];
  enumType?: EnumDesc[];
  syntax?: string;
}

const SCALAR_NAMES: Record<number, string> = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool', 9: 'string',
  12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64',
};
const TYPE_GROUP = 10;

let fileDescriptorType: protobuf.Type | undefined;

function descriptorType(): protobuf.Type {
  if (!fileDescriptorType) {
    const json = createRequire(import.meta.url)('protobufjs/google/protobuf/descriptor.json') as protobuf.INamespace;
    const root = protobuf.Root.fromJSON(json);
    fileDescriptorType = root.lookupType('google.protobuf.FileDescriptorProto');
  }
  return fileDescriptorType;
}

/** The .proto text of a base64 FileDescriptorProto, or undefined when `text` is not one. */
export function protoTextFromDescriptor(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+=*$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  let file: FileDesc;
  try {
    file = descriptorType().toObject(descriptorType().decode(Buffer.from(trimmed, 'base64')), { longs: Number, enums: Number, defaults: false }) as FileDesc;
  } catch {
    return undefined;
  }
  if (!file.messageType?.length && !file.enumType?.length) return undefined;
  const syntax = file.syntax || 'proto2';
  const lines = [`syntax = "${syntax}";`];
  if (file.package) lines.push(`package ${file.package};`);
  for (const d of file.dependency ?? []) lines.push(`import "${d}";`);
  lines.push('');
  for (const e of file.enumType ?? []) lines.push(...renderEnum(e, ''));
  for (const m of file.messageType ?? []) lines.push(...renderMessage(m, '', syntax));
  return lines.join('\n') + '\n';
}

function typeRef(f: FieldDesc): string {
  if (f.type !== undefined && SCALAR_NAMES[f.type]) return SCALAR_NAMES[f.type]!;
  return f.typeName ?? 'bytes';
}

function renderEnum(e: EnumDesc, indent: string): string[] {
  return [`${indent}enum ${e.name} {`, ...(e.value ?? []).map((v) => `${indent}  ${v.name} = ${v.number};`), `${indent}}`];
}

function renderMessage(m: MessageDesc, indent: string, syntax: string): string[] {
  const inner = `${indent}  `;
  const out = [`${indent}message ${m.name} {`];
  const maps = new Map((m.nestedType ?? []).filter((n) => n.options?.mapEntry).map((n) => [n.name, n]));
  const field = (f: FieldDesc): string => {
    const entry = f.typeName ? maps.get(f.typeName.slice(f.typeName.lastIndexOf('.') + 1)) : undefined;
    if (entry && f.label === 3) {
      const [k, v] = [entry.field!.find((x) => x.number === 1)!, entry.field!.find((x) => x.number === 2)!];
      return `map<${typeRef(k)}, ${typeRef(v)}> ${f.name} = ${f.number};`;
    }
    const label = f.label === 3 ? 'repeated ' : f.label === 2 ? 'required ' : syntax === 'proto2' || f.proto3Optional ? 'optional ' : '';
    return `${label}${f.type === TYPE_GROUP ? 'group' : typeRef(f)} ${f.name} = ${f.number};`;
  };
  const oneofs = new Map<number, FieldDesc[]>();
  for (const f of m.field ?? []) {
    if (f.oneofIndex !== undefined && !f.proto3Optional) {
      oneofs.set(f.oneofIndex, [...(oneofs.get(f.oneofIndex) ?? []), f]);
      continue;
    }
    out.push(inner + field(f));
  }
  for (const [i, fields] of oneofs) {
    out.push(`${inner}oneof ${m.oneofDecl?.[i]?.name ?? `oneof_${i}`} {`);
    for (const f of fields) out.push(`${inner}  ${field({ ...f, label: 1, proto3Optional: false })}`.replace(/ optional /, ' '));
    out.push(`${inner}}`);
  }
  for (const e of m.enumType ?? []) out.push(...renderEnum(e, inner));
  for (const n of m.nestedType ?? []) if (!n.options?.mapEntry) out.push(...renderMessage(n, inner, syntax));
  out.push(`${indent}}`);
  return out;
}
