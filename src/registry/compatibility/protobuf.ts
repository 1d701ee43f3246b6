// Protobuf compatibility in Confluent's terms (ProtobufSchema's differences): a message of
// the old schema removed, a field's kind (scalar / message / enum) or scalar type changed
// beyond the wire-compatible groups, a named type changed, a proto2 required field added or
// removed, a field moved out of a oneof, the package or syntax changed. Adding and removing
// optional fields is compatible. The rules are checked reading `writer` data with `reader`.

import protobuf from 'protobufjs';
import type { Incompatibility, ResolvedSchema, Roles } from './types.js';
import { wellKnownRoot } from '../protobuf-root.js';

// Scalars whose encodings read each other (same wire type, same value space rules Confluent allows).
const SCALAR_GROUPS: string[][] = [
  ['int32', 'uint32', 'int64', 'uint64', 'bool'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
  ['float'],
  ['double'],
];
const SCALARS = new Set(SCALAR_GROUPS.flat());

interface Parsed {
  root: protobuf.Root;
  pkg: string;
  syntax: string;
  messages: protobuf.Type[];
}

export function parseProtobufText(text: string, references: Record<string, string>): Parsed {
  const root = wellKnownRoot();
  for (const ref of Object.values(references)) protobuf.parse(ref, root, { keepCase: true });
  const parsed = protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  const syntax = /^\s*syntax\s*=\s*"(proto[23])"/m.exec(text)?.[1] ?? 'proto2';
  const pkg = parsed.package ?? '';
  const ns = pkg ? root.lookup(pkg) : root;
  const messages: protobuf.Type[] = [];
  const walk = (n: protobuf.NamespaceBase) => {
    for (const c of n.nestedArray) {
      if (c instanceof protobuf.Type) {
        messages.push(c);
        walk(c);
      }
    }
  };
  if (ns instanceof protobuf.Namespace || ns instanceof protobuf.Root) walk(ns as protobuf.NamespaceBase);
  return { root, pkg, syntax, messages: messages.filter((m) => !m.fullName.startsWith('.google.') && !m.fullName.startsWith('.confluent.type.')) };
}

function relativeName(m: protobuf.ReflectionObject, pkg: string): string {
  const full = m.fullName.replace(/^\./, '');
  return pkg && full.startsWith(`${pkg}.`) ? full.slice(pkg.length + 1) : full;
}

function kindOf(f: protobuf.Field): 'scalar' | 'message' | 'enum' {
  if (SCALARS.has(f.type)) return 'scalar';
  return f.resolvedType instanceof protobuf.Enum ? 'enum' : 'message';
}

function groupOf(t: string): number {
  return SCALAR_GROUPS.findIndex((g) => g.includes(t));
}

export function checkProtobuf(reader: ResolvedSchema, writer: ResolvedSchema, roles: Roles): Incompatibility[] {
  const r = parseProtobufText(reader.schema, reader.references);
  const w = parseProtobufText(writer.schema, writer.references);
  const out: Incompatibility[] = [];
  if (r.pkg !== w.pkg) {
    out.push({ errorType: 'PACKAGE_CHANGED', description: `The package changed from '${w.pkg}' in the ${roles.writer} schema to '${r.pkg}' in the ${roles.reader} schema`, additionalInfo: '#/' });
  }
  if (r.syntax !== w.syntax) {
    out.push({ errorType: 'SYNTAX_VERSION_CHANGED', description: `The syntax changed from ${w.syntax} to ${r.syntax}`, additionalInfo: '#/' });
  }
  const readerByName = new Map(r.messages.map((m) => [relativeName(m, r.pkg), m]));
  for (const wm of w.messages) {
    const name = relativeName(wm, w.pkg);
    const rm = readerByName.get(name);
    if (!rm) {
      out.push({ errorType: 'MESSAGE_REMOVED', description: `The message '${name}' of the ${roles.writer} schema is missing in the ${roles.reader} schema`, additionalInfo: `#/${name}` });
      continue;
    }
    compareMessage(rm, wm, name, r.pkg, w.pkg, roles, out);
  }
  return out;
}

function compareMessage(rm: protobuf.Type, wm: protobuf.Type, name: string, rpkg: string, wpkg: string, roles: Roles, out: Incompatibility[]): void {
  const readerFields = new Map(rm.fieldsArray.map((f) => [f.id, f]));
  const writerFields = new Map(wm.fieldsArray.map((f) => [f.id, f]));
  for (const rf of rm.fieldsArray) {
    if (rf.required && !writerFields.has(rf.id)) {
      out.push({ errorType: 'REQUIRED_FIELD_ADDED', description: `The required field '${rf.name}' (tag ${rf.id}) of message '${name}' in the ${roles.reader} schema is missing in the ${roles.writer} schema`, additionalInfo: `#/${name}/${rf.id}` });
    }
  }
  for (const wf of wm.fieldsArray) {
    const rf = readerFields.get(wf.id);
    const at = `#/${name}/${wf.id}`;
    if (!rf) {
      if (wf.required) {
        out.push({ errorType: 'REQUIRED_FIELD_REMOVED', description: `The required field '${wf.name}' (tag ${wf.id}) of message '${name}' in the ${roles.writer} schema is missing in the ${roles.reader} schema`, additionalInfo: at });
      }
      continue;
    }
    const rk = kindOf(rf);
    const wk = kindOf(wf);
    if (rk !== wk) {
      out.push({ errorType: 'FIELD_KIND_CHANGED', description: `The field '${wf.name}' (tag ${wf.id}) of message '${name}' changed kind from ${wk} to ${rk}`, additionalInfo: at });
      continue;
    }
    if (rf.repeated !== wf.repeated || rf.map !== wf.map) {
      out.push({ errorType: 'FIELD_LABEL_CHANGED', description: `The field '${wf.name}' (tag ${wf.id}) of message '${name}' changed between repeated and singular`, additionalInfo: at });
      continue;
    }
    if (rk === 'scalar' && rf.type !== wf.type && groupOf(rf.type) !== groupOf(wf.type)) {
      out.push({ errorType: 'FIELD_SCALAR_KIND_CHANGED', description: `The type of field '${wf.name}' (tag ${wf.id}) of message '${name}' changed from ${wf.type} to ${rf.type}, which cannot read it`, additionalInfo: at });
    } else if (rk !== 'scalar') {
      const rt = relativeName(rf.resolvedType!, rpkg);
      const wt = relativeName(wf.resolvedType!, wpkg);
      if (rt !== wt) {
        out.push({ errorType: 'FIELD_NAMED_TYPE_CHANGED', description: `The type of field '${wf.name}' (tag ${wf.id}) of message '${name}' changed from ${wt} to ${rt}`, additionalInfo: at });
      }
    }
    if (wf.partOf && !rf.partOf) {
      out.push({ errorType: 'ONEOF_FIELD_REMOVED', description: `The field '${wf.name}' (tag ${wf.id}) of message '${name}' was moved out of oneof '${wf.partOf.name}'`, additionalInfo: at });
    }
  }
  const movedIntoOneof = new Map<string, number>();
  for (const rf of rm.fieldsArray) {
    const wf = writerFields.get(rf.id);
    if (rf.partOf && wf && !wf.partOf) movedIntoOneof.set(rf.partOf.name, (movedIntoOneof.get(rf.partOf.name) ?? 0) + 1);
  }
  for (const [oneof, count] of movedIntoOneof) {
    if (count > 1) out.push({ errorType: 'MULTIPLE_FIELDS_MOVED_TO_ONEOF', description: `${count} existing fields of message '${name}' were moved into oneof '${oneof}'`, additionalInfo: `#/${name}/${oneof}` });
  }
}
