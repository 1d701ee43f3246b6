// Avro schema resolution (the Avro specification's rules, as Avro's SchemaCompatibility
// applies them for Confluent): can data written with `writer` be read with `reader`?
// Named types are matched by unqualified name or the reader's aliases; a reader field the
// writer lacks needs a default; writer enum symbols the reader lacks need a reader default;
// every writer union branch must be readable; numeric promotions int→long→float→double and
// string↔bytes are allowed.

import type { Incompatibility, ResolvedSchema, Roles } from './types.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Node = string | Json[] | { [k: string]: Json };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const PROMOTIONS: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

/** Named types of a schema by full name, with the namespace each was declared in. */
class Names {
  readonly byName = new Map<string, { [k: string]: Json }>();

  constructor(root: Json, extra: Json[]) {
    for (const e of extra) this.collect(e, '');
    this.collect(root, '');
  }

  private collect(node: Json, ns: string): void {
    if (Array.isArray(node)) {
      for (const n of node) this.collect(n, ns);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const type = node.type;
    if ((type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') && typeof node.name === 'string') {
      const full = fullName(node.name, typeof node.namespace === 'string' ? node.namespace : ns);
      this.byName.set(full, { ...node, __full: full });
      const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
      if (Array.isArray(node.fields)) for (const f of node.fields) if (f && typeof f === 'object' && !Array.isArray(f)) this.collect(f.type as Json, inner);
      return;
    }
    if (type === 'array') this.collect(node.items as Json, ns);
    else if (type === 'map') this.collect(node.values as Json, ns);
    else if (typeof type === 'object') this.collect(type, ns);
  }

  resolve(node: Json, ns = ''): Node {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node;
      const found = this.byName.get(node) ?? this.byName.get(fullName(node, ns));
      if (!found) throw new Error(`Undefined name: ${node}`);
      return found;
    }
    if (node && typeof node === 'object' && !Array.isArray(node) && typeof node.type === 'object' && node.type !== null) {
      return this.resolve(node.type, ns);
    }
    if (node && typeof node === 'object' && !Array.isArray(node) && typeof node.type === 'string' && PRIMITIVES.has(node.type)) {
      return node.type;
    }
    if (node && typeof node === 'object' && !Array.isArray(node) && typeof node.type === 'string' && !['record', 'error', 'enum', 'fixed', 'array', 'map'].includes(node.type)) {
      return this.resolve(node.type, ns);
    }
    if (node && typeof node === 'object' && !Array.isArray(node) && typeof node.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(String(node.type))) {
      return this.byName.get(fullName(node.name, typeof node.namespace === 'string' ? node.namespace : ns)) ?? node;
    }
    return node as Node;
  }
}

function fullName(name: string, ns: string): string {
  return name.includes('.') || !ns ? name : `${ns}.${name}`;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function typeName(n: Node): string {
  if (typeof n === 'string') return n;
  if (Array.isArray(n)) return 'union';
  return String(n.type);
}

function namespaceOf(n: Node): string {
  if (typeof n === 'object' && !Array.isArray(n) && typeof n.__full === 'string') {
    const full = n.__full;
    return full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
  }
  return '';
}

export function parseAvroJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    // A bare primitive name, as registries accept it ("string").
    return text.trim();
  }
}

export function checkAvro(reader: ResolvedSchema, writer: ResolvedSchema, roles: Roles): Incompatibility[] {
  const r = parseAvroJson(reader.schema);
  const w = parseAvroJson(writer.schema);
  const rn = new Names(r, Object.values(reader.references).map(parseAvroJson));
  const wn = new Names(w, Object.values(writer.references).map(parseAvroJson));
  const out: Incompatibility[] = [];
  const seen = new Set<string>();

  const visit = (rs: Node, ws: Node, path: string): void => {
    const rt = typeName(rs);
    const wt = typeName(ws);
    if (typeof rs === 'object' && typeof ws === 'object' && !Array.isArray(rs) && !Array.isArray(ws) && rs.__full && ws.__full) {
      const key = `${rs.__full}\u0000${ws.__full}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    if (wt === 'union') {
      (ws as Json[]).forEach((branch, i) => {
        const wb = wn.resolve(branch, namespaceOf(ws));
        if (rt === 'union') {
          const match = (rs as Json[]).map((b) => rn.resolve(b)).find((rb) => readable(rb, wb));
          if (!match) {
            out.push({
              errorType: 'MISSING_UNION_BRANCH',
              description: `The ${roles.reader} schema is missing a type inside a union field at path '${path}/${i}' in the ${roles.writer} schema`,
              additionalInfo: `reader union lacking writer type: ${typeName(wb).toUpperCase()}`,
            });
          } else visit(match, wb, `${path}/${i}`);
        } else visit(rs, wb, `${path}/${i}`);
      });
      return;
    }
    if (rt === 'union') {
      const branches = (rs as Json[]).map((b) => rn.resolve(b));
      const match = branches.find((b) => typeName(b) === wt && sameName(b, ws)) ?? branches.find((b) => readable(b, ws));
      if (!match) {
        out.push({
          errorType: 'MISSING_UNION_BRANCH',
          description: `The ${roles.reader} schema is missing a type inside a union field at path '${path}' in the ${roles.writer} schema`,
          additionalInfo: `reader union lacking writer type: ${wt.toUpperCase()}`,
        });
      } else visit(match, ws, path);
      return;
    }
    if (rt !== wt) {
      if (PROMOTIONS[wt]?.includes(rt)) return;
      out.push(typeMismatch(path, rt, wt, roles));
      return;
    }
    if (typeof rs === 'string') return;
    const ro = rs as { [k: string]: Json };
    const wo = ws as { [k: string]: Json };
    switch (rt) {
      case 'array':
        visit(rn.resolve(ro.items!, namespaceOf(rs)), wn.resolve(wo.items!, namespaceOf(ws)), `${path}/items`);
        return;
      case 'map':
        visit(rn.resolve(ro.values!, namespaceOf(rs)), wn.resolve(wo.values!, namespaceOf(ws)), `${path}/values`);
        return;
      case 'fixed':
        if (!sameName(rs, ws)) out.push(nameMismatch(path, ro, wo, roles));
        else if (ro.size !== wo.size) {
          out.push({
            errorType: 'FIXED_SIZE_MISMATCH',
            description: `The size of FIXED type field at path '${path}/size' in the ${roles.reader} schema does not match with the ${roles.writer} schema`,
            additionalInfo: `expected: ${String(wo.size)}, found: ${String(ro.size)}`,
          });
        }
        return;
      case 'enum': {
        if (!sameName(rs, ws)) {
          out.push(nameMismatch(path, ro, wo, roles));
          return;
        }
        const rsym = new Set((ro.symbols as string[]) ?? []);
        const missing = ((wo.symbols as string[]) ?? []).filter((s) => !rsym.has(s));
        if (missing.length && ro.default === undefined) {
          out.push({
            errorType: 'MISSING_ENUM_SYMBOLS',
            description: `The ${roles.reader} schema is missing enum symbols '[${missing.join(', ')}]' at path '${path}/symbols' in the ${roles.writer} schema`,
            additionalInfo: `[${missing.join(', ')}]`,
          });
        }
        return;
      }
      case 'record':
      case 'error': {
        if (!sameName(rs, ws)) {
          out.push(nameMismatch(path, ro, wo, roles));
          return;
        }
        const wfields = ((wo.fields as { [k: string]: Json }[]) ?? []).map((f) => f);
        ((ro.fields as { [k: string]: Json }[]) ?? []).forEach((rf, i) => {
          const names = [rf.name as string, ...(((rf.aliases as string[]) ?? []) as string[])];
          const wf = wfields.find((f) => names.includes(f.name as string));
          if (wf) {
            visit(rn.resolve(rf.type!, namespaceOf(rs)), wn.resolve(wf.type!, namespaceOf(ws)), `${path}/fields/${i}/type`);
          } else if (rf.default === undefined) {
            out.push({
              errorType: 'READER_FIELD_MISSING_DEFAULT_VALUE',
              description: `The field '${String(rf.name)}' at path '${path}/fields/${i}' in the ${roles.reader} schema has no default value and is missing in the ${roles.writer} schema`,
              additionalInfo: String(rf.name),
            });
          }
        });
        return;
      }
    }
  };

  const readable = (rb: Node, wb: Node): boolean => {
    const before = out.length;
    const savedSeen = new Set(seen);
    visit(rb, wb, '');
    const ok = out.length === before;
    out.length = before;
    seen.clear();
    for (const s of savedSeen) seen.add(s);
    return ok;
  };

  const sameName = (a: Node, b: Node): boolean => {
    if (typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b)) return true;
    const an = shortName(String(a.__full ?? a.name ?? ''));
    const bn = shortName(String(b.__full ?? b.name ?? ''));
    if (an === bn) return true;
    const aliases = ((a.aliases as string[]) ?? []).map(shortName);
    return aliases.includes(bn);
  };

  visit(rn.resolve(r), wn.resolve(w), '');
  return out;
}

function typeMismatch(path: string, rt: string, wt: string, roles: Roles): Incompatibility {
  return {
    errorType: 'TYPE_MISMATCH',
    description: `The type (path '${path || '/'}') of a field in the ${roles.reader} schema does not match with the ${roles.writer} schema`,
    additionalInfo: `reader type: ${rt.toUpperCase()} not compatible with writer type: ${wt.toUpperCase()}`,
  };
}

function nameMismatch(path: string, r: { [k: string]: Json }, w: { [k: string]: Json }, roles: Roles): Incompatibility {
  return {
    errorType: 'NAME_MISMATCH',
    description: `The name of the schema has changed (path '${path}/name') in the ${roles.reader} schema compared to the ${roles.writer} schema`,
    additionalInfo: `expected: ${String(w.__full ?? w.name)}`,
  };
}
