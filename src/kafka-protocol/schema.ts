// A small schema language for Kafka request/response bodies and a generic codec over it.
//
// Each message is written as indented lines, one field per line:
//   name type versions [null=versions] [tag=N] [def=value]
// where type is a primitive (int8 int16 int32 int64 uint16 float64 bool string bytes
// records uuid), an array of a primitive ([]int32, []string, ...), a struct array ([]
// followed by its indented fields) or a nested struct ({} followed by its fields).
// Versions are "N+", "N-M" or "N". Flexible versions (KIP-482) switch strings, bytes and
// arrays to compact lengths and add tagged-field sections to every struct.

import { ProtocolError, Reader, Writer } from './io.js';

export interface Field {
  name: string;
  /** Primitive type, or 'struct'. */
  type: string;
  array: boolean;
  children: Field[];
  vmin: number;
  vmax: number;
  nmin: number;
  nmax: number;
  tag: number;
  def: unknown;
}

function parseRange(s: string): [number, number] {
  if (s.endsWith('+')) return [Number(s.slice(0, -1)), Infinity];
  const m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[2])];
  if (/^\d+$/.test(s)) return [Number(s), Number(s)];
  throw new Error(`bad version range '${s}'`);
}

function parseDefault(s: string): unknown {
  if (s === 'null') return null;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?\d+$/.test(s)) return Number(s);
  return s;
}

/** Parses indented field lines into a field tree. */
export function parseFields(text: string): Field[] {
  const root: Field[] = [];
  const stack: { indent: number; fields: Field[] }[] = [{ indent: -1, fields: root }];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const [name, typeSpec, versions, ...opts] = raw.trim().split(/\s+/);
    while (stack[stack.length - 1].indent >= indent) stack.pop();
    const [vmin, vmax] = parseRange(versions);
    const f: Field = { name, type: '', array: false, children: [], vmin, vmax, nmin: Infinity, nmax: -1, tag: -1, def: undefined };
    if (typeSpec === '[]') {
      f.type = 'struct';
      f.array = true;
    } else if (typeSpec === '{}') {
      f.type = 'struct';
    } else if (typeSpec.startsWith('[]')) {
      f.type = typeSpec.slice(2);
      f.array = true;
    } else f.type = typeSpec;
    for (const o of opts) {
      const [k, v] = o.split('=');
      if (k === 'null') [f.nmin, f.nmax] = parseRange(v);
      else if (k === 'tag') f.tag = Number(v);
      else if (k === 'def') f.def = parseDefault(v);
      else throw new Error(`unknown field option '${o}' in '${raw.trim()}'`);
    }
    stack[stack.length - 1].fields.push(f);
    if (f.type === 'struct') stack.push({ indent, fields: f.children });
  }
  return root;
}

/** Kafka's defaults: a field is null by default only when its definition says def=null. */
function defaultFor(f: Field, _version: number): unknown {
  if (f.def !== undefined) return f.def;
  if (f.array) return [];
  switch (f.type) {
    case 'string':
      return '';
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    case 'bool':
      return false;
    case 'uuid':
      return Buffer.alloc(16);
    case 'struct':
      return {};
    default:
      return 0;
  }
}

type Obj = Record<string, unknown>;

function readPrimitive(type: string, r: Reader, flexible: boolean, nullable: boolean): unknown {
  switch (type) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.bool();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const s = flexible ? r.compactNullableString() : r.nullableString();
      if (s === null && !nullable) throw new ProtocolError('null in a non-nullable string field');
      return s;
    }
    case 'bytes':
    case 'records': {
      const b = flexible ? r.compactBytes() : r.bytes();
      if (b === null && !nullable) throw new ProtocolError('null in a non-nullable bytes field');
      return b;
    }
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function writePrimitive(type: string, w: Writer, flexible: boolean, v: unknown): void {
  switch (type) {
    case 'int8':
      return w.int8(v as number);
    case 'int16':
      return w.int16(v as number);
    case 'uint16':
      return w.uint16(v as number);
    case 'int32':
      return w.int32(v as number);
    case 'int64':
      return w.int64(v as number);
    case 'float64':
      return w.float64(v as number);
    case 'bool':
      return w.bool(Boolean(v));
    case 'uuid':
      return w.raw(v as Buffer);
    case 'string':
      return flexible ? w.compactNullableString(v as string | null) : w.nullableString(v as string | null);
    case 'bytes':
    case 'records':
      return flexible ? w.compactBytes(v as Buffer | null) : w.bytes(v as Buffer | null);
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function readValue(f: Field, version: number, flexible: boolean, r: Reader): unknown {
  const nullable = version >= f.nmin && version <= f.nmax;
  if (f.array) {
    const n = r.arrayLength(flexible);
    if (n < 0) {
      if (!nullable) throw new ProtocolError(`null array in field ${f.name}`);
      return null;
    }
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = f.type === 'struct' ? readStruct(f.children, version, flexible, r) : readPrimitive(f.type, r, flexible, false);
    }
    return out;
  }
  if (f.type === 'struct') {
    // a nullable struct field carries a presence byte: -1 null, 1 present
    if (nullable && r.int8() < 0) return null;
    return readStruct(f.children, version, flexible, r);
  }
  return readPrimitive(f.type, r, flexible, nullable);
}

function writeValue(f: Field, version: number, flexible: boolean, w: Writer, v: unknown): void {
  if (f.array) {
    if (v === null || v === undefined) {
      if (!(version >= f.nmin && version <= f.nmax) && v === null) throw new Error(`null array in non-nullable field ${f.name}`);
      if (v === undefined) return w.arrayLength(0, flexible);
      return w.arrayLength(-1, flexible);
    }
    const a = v as unknown[];
    w.arrayLength(a.length, flexible);
    for (const x of a) {
      if (f.type === 'struct') writeStruct(f.children, version, flexible, w, x as Obj);
      else writePrimitive(f.type, w, flexible, x);
    }
    return;
  }
  if (f.type === 'struct') {
    if (version >= f.nmin && version <= f.nmax) {
      w.int8(v === null || v === undefined ? -1 : 1);
      if (v === null || v === undefined) return;
    }
    return writeStruct(f.children, version, flexible, w, (v ?? {}) as Obj);
  }
  writePrimitive(f.type, w, flexible, v);
}

export function readStruct(fields: Field[], version: number, flexible: boolean, r: Reader): Obj {
  const obj: Obj = {};
  for (const f of fields) {
    if (version < f.vmin || version > f.vmax || (f.tag >= 0 && flexible)) {
      obj[f.name] = defaultFor(f, version);
      continue;
    }
    if (f.tag >= 0) {
      obj[f.name] = defaultFor(f, version);
      continue;
    }
    obj[f.name] = readValue(f, version, flexible, r);
  }
  if (flexible) {
    const count = r.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      const body = r.take(size);
      const f = fields.find((x) => x.tag === tag && version >= x.vmin && version <= x.vmax);
      if (f) obj[f.name] = readValue(f, version, true, new Reader(body));
    }
  }
  return obj;
}

export function writeStruct(fields: Field[], version: number, flexible: boolean, w: Writer, obj: Obj): void {
  const tagged: Field[] = [];
  for (const f of fields) {
    if (version < f.vmin || version > f.vmax) continue;
    if (f.tag >= 0) {
      if (flexible && obj[f.name] !== undefined && obj[f.name] !== null) tagged.push(f);
      continue;
    }
    let v = obj[f.name];
    if (v === undefined) v = defaultFor(f, version);
    writeValue(f, version, flexible, w, v);
  }
  if (flexible) {
    w.uvarint(tagged.length);
    for (const f of tagged.sort((a, b) => a.tag - b.tag)) {
      const sub = new Writer(64);
      writeValue(f, version, true, sub, obj[f.name]);
      const parts = sub.finish();
      const size = parts.reduce((s, p) => s + p.length, 0);
      w.uvarint(f.tag);
      w.uvarint(size);
      for (const p of parts) w.raw(p);
    }
  }
}

export interface MessageSchema {
  name: string;
  apiKey: number;
  /** First flexible version (Infinity when never flexible). */
  flexibleFrom: number;
  request: Field[];
  response: Field[];
  /** Highest version the definition describes. */
  maxVersion: number;
}

export function defineMessage(name: string, apiKey: number, flexibleFrom: number, request: string, response: string, maxVersion = Infinity): MessageSchema {
  return { name, apiKey, flexibleFrom, request: parseFields(request), response: parseFields(response), maxVersion };
}
