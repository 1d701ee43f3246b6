// JSON Schema compatibility, a subset of Confluent's rules that keeps their meaning: every
// document the writer schema accepts must satisfy the reader schema. Types may widen
// (integer → number), properties may be removed only from an open content model, a property
// added to an open content model may clash with data already written, newly required
// properties need a default, enums may only grow, additionalProperties may not close.

import type { Incompatibility, ResolvedSchema, Roles } from './types.js';

type Obj = { [k: string]: unknown };

function types(s: Obj): Set<string> | undefined {
  const t = s.type;
  if (t === undefined) return undefined;
  return new Set(Array.isArray(t) ? (t as string[]) : [t as string]);
}

function resolveRef(s: unknown, root: Obj, refs: Record<string, Obj>): Obj {
  let cur = (s && typeof s === 'object' ? s : {}) as Obj;
  for (let i = 0; i < 32 && typeof cur.$ref === 'string'; i++) {
    const ref = cur.$ref;
    if (ref.startsWith('#/')) {
      let node: unknown = root;
      for (const part of ref.slice(2).split('/')) node = (node as Obj | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      cur = (node ?? {}) as Obj;
    } else cur = refs[ref] ?? {};
  }
  return cur;
}

export function checkJsonSchema(reader: ResolvedSchema, writer: ResolvedSchema, roles: Roles): Incompatibility[] {
  const parse = (t: string): Obj => JSON.parse(t) as Obj;
  const r = parse(reader.schema);
  const w = parse(writer.schema);
  const rrefs = Object.fromEntries(Object.entries(reader.references).map(([k, v]) => [k, parse(v)]));
  const wrefs = Object.fromEntries(Object.entries(writer.references).map(([k, v]) => [k, parse(v)]));
  const out: Incompatibility[] = [];
  const visit = (rs0: unknown, ws0: unknown, path: string, depth: number): void => {
    if (depth > 64) return;
    const rs = resolveRef(rs0, r, rrefs);
    const ws = resolveRef(ws0, w, wrefs);
    const rt = types(rs);
    const wt = types(ws);
    if (rt && wt) {
      for (const t of wt) {
        if (!rt.has(t) && !(t === 'integer' && rt.has('number'))) {
          out.push({ errorType: rt.has('integer') && t === 'number' ? 'TYPE_NARROWED' : 'TYPE_CHANGED', description: `The type of '${path}' changed from ${[...wt].join('|')} in the ${roles.writer} schema to ${[...rt].join('|')} in the ${roles.reader} schema`, additionalInfo: path });
          return;
        }
      }
    } else if (rt && !wt) {
      out.push({ errorType: 'TYPE_NARROWED', description: `'${path}' accepts any type in the ${roles.writer} schema but only ${[...rt].join('|')} in the ${roles.reader} schema`, additionalInfo: path });
      return;
    }
    if (Array.isArray(rs.enum) && (!Array.isArray(ws.enum) || ws.enum.some((v) => !(rs.enum as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify(v))))) {
      out.push({ errorType: 'ENUM_ARRAY_NARROWED', description: `The enum of '${path}' in the ${roles.reader} schema lacks values the ${roles.writer} schema allows`, additionalInfo: path });
    }
    const rprops = (rs.properties ?? {}) as Obj;
    const wprops = (ws.properties ?? {}) as Obj;
    const rOpen = rs.additionalProperties !== false;
    const wOpen = ws.additionalProperties !== false;
    if (wOpen && !rOpen) {
      out.push({ errorType: 'ADDITIONAL_PROPERTIES_REMOVED', description: `'${path}' allows additional properties in the ${roles.writer} schema but not in the ${roles.reader} schema`, additionalInfo: path });
    }
    for (const [name, wp] of Object.entries(wprops)) {
      const at = `${path}/properties/${name}`;
      if (name in rprops) visit(rprops[name], wp, at, depth + 1);
      else if (!rOpen) out.push({ errorType: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', description: `The property '${name}' at '${at}' of the ${roles.writer} schema is missing in the closed content model of the ${roles.reader} schema`, additionalInfo: at });
    }
    for (const name of Object.keys(rprops)) {
      if (name in wprops) continue;
      const at = `${path}/properties/${name}`;
      if (wOpen && Object.keys(wprops).length + Object.keys(rprops).length > 0 && !isAnything(rprops[name])) {
        out.push({ errorType: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', description: `The property '${name}' at '${at}' of the ${roles.reader} schema was added to the open content model of the ${roles.writer} schema, whose data may hold it with another type`, additionalInfo: at });
      }
    }
    const wreq = new Set((ws.required as string[] | undefined) ?? []);
    for (const name of (rs.required as string[] | undefined) ?? []) {
      if (wreq.has(name)) continue;
      const prop = resolveRef(rprops[name], r, rrefs);
      if (prop.default === undefined) {
        out.push({ errorType: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', description: `The property '${name}' at '${path}/properties/${name}' is required in the ${roles.reader} schema, has no default, and is not required in the ${roles.writer} schema`, additionalInfo: `${path}/required` });
      }
    }
    if (rs.items !== undefined && ws.items !== undefined && !Array.isArray(rs.items)) visit(rs.items, ws.items, `${path}/items`, depth + 1);
  };
  visit(r, w, '#', 0);
  return out;
}

function isAnything(s: unknown): boolean {
  return s === true || (!!s && typeof s === 'object' && Object.keys(s).length === 0);
}
