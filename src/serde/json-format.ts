// The JSON format (and JSON_SR, which is JSON behind the 5-byte Confluent wire-format header).
// Keys: one column is the bare JSON value; several are an object. Values: an object, or the
// bare value of the single column when WRAP_SINGLE_VALUE is false.

import { structOf, type SqlType } from '../common/types.js';
import type { Serde, SerdeSpec } from './serde.js';
import { ConversionError, cannotConvert, deserializeError, serializeError } from './errors.js';
import { parseJson } from './json-parse.js';
import { FieldMatcher, isPlainObject, jsonReader, type JsonReader, type JsonReadOptions } from './json-read.js';
import { jsonWriter, type JsonWriter } from './json-write.js';
import { jsonSchemaForColumns } from './json-schema.js';
import { defaultSchemaRegistry } from './registry.js';

// ksqlDB reads JSON (and JSON_SR) maps into HashMaps: functions walk them in that order.
const JAVA_MAPS: JsonReadOptions = { javaMapOrder: true };

export function createJsonSerde(spec: SerdeSpec, schemaRegistryFraming: boolean): Serde {
  const { columns, side, topic } = spec;
  const n = columns.length;
  if (n === 0) return emptySerde(side);
  const unwrapped = n === 1 && (side === 'key' || spec.options?.wrapSingleValue === false);
  // JSON_SR writes the id of the schema it registers for its columns on the first write (or
  // the one pinned); a serde that only reads never registers.
  let header: Buffer | null | undefined = schemaRegistryFraming ? undefined : null;
  const writeHeader = (): Buffer | null =>
    header !== undefined
      ? header
      : (header = wireHeader(
          spec.options?.schemaId ??
            (spec.registry ?? defaultSchemaRegistry()).register(`${topic}-${side}`, { schemaType: 'JSON', schema: JSON.stringify(jsonSchemaForColumns(columns, unwrapped)) }),
        ));

  const toText = (bytes: Buffer): string => {
    if (schemaRegistryFraming && bytes.length >= 5 && bytes[0] === 0) return bytes.toString('utf8', 5);
    return bytes.toString('utf8');
  };
  const frame = (text: string): Buffer => {
    const body = Buffer.from(text, 'utf8');
    const h = writeHeader();
    return h ? Buffer.concat([h, body]) : body;
  };

  if (unwrapped) {
    const type = columns[0]!.type;
    const read = jsonReader(type, JAVA_MAPS);
    const write = jsonWriter(type);
    return {
      serialize(row) {
        if (row === null || row[0] === null || row[0] === undefined) return null;
        try {
          return frame(write(row[0]));
        } catch (e) {
          throw serializeError(side, topic, e);
        }
      },
      deserialize(bytes) {
        if (bytes === null || bytes.length === 0) return null;
        try {
          const doc = parseJson(toText(bytes));
          if (doc === null) return null;
          return [read(doc)];
        } catch (e) {
          throw deserializeError(side, topic, e);
        }
      },
    };
  }

  const rowType: SqlType = structOf(columns.map((c) => ({ name: c.name, type: c.type })));
  const matcher = new FieldMatcher(columns);
  const readers: JsonReader[] = columns.map((c) => jsonReader(c.type, JAVA_MAPS));
  const writers: JsonWriter[] = columns.map((c) => jsonWriter(c.type));
  const prefixes = columns.map((c, i) => (i === 0 ? '{' : ',') + JSON.stringify(c.name) + ':');
  const writePlain = plainRowWriter(columns);
  const raw: unknown[] = new Array(n);
  const readExact = exactFieldReader(columns.map((c) => c.name));
  /** Reads the document of `bytes` into `row` from `at` on; false for a JSON null. */
  const readInto = (bytes: Buffer, row: unknown[], at: number): boolean => {
    let i = -1; // the column being read, to name it when its value does not fit
    try {
      const doc = parseJson(toText(bytes));
      if (doc === null) return false;
      if (!isPlainObject(doc)) throw cannotConvert(doc, rowType);
      if (readExact === null || !readExact(doc, raw)) matcher.match(doc, raw);
      for (i = 0; i < n; i++) row[at + i] = readers[i]!(raw[i]);
      return true;
    } catch (e) {
      throw deserializeError(side, topic, i >= 0 && i < n ? inColumn(e, columns[i]!.name) : e);
    }
  };
  return {
    serialize(row) {
      if (row === null) return null;
      // A key whose columns are all null is no key at all.
      if (side === 'key' && !spec.writeAllNullKeys && row.every((v) => v === null || v === undefined)) return null;
      try {
        const plain = writePlain === null ? null : writePlain(row);
        if (plain !== null) return frame(plain);
        let s = '';
        for (let i = 0; i < n; i++) s += prefixes[i] + writers[i]!(row[i]);
        return frame(`${s}}`);
      } catch (e) {
        throw serializeError(side, topic, e);
      }
    },
    deserialize(bytes) {
      if (bytes === null || bytes.length === 0) return null;
      const row = new Array(n);
      return readInto(bytes, row, 0) ? row : null;
    },
    deserializeInto(bytes, row, at) {
      return bytes.length > 0 && readInto(bytes, row, at);
    },
  };
}

const PLAIN_CHECKS: Partial<Record<SqlType['base'], (v: string) => string>> = {
  STRING: (v) => `(typeof ${v} === 'string' || ${v} == null)`,
  BOOLEAN: (v) => `(typeof ${v} === 'boolean' || ${v} == null)`,
  INTEGER: (v) => `(typeof ${v} === 'number' ? Number.isFinite(${v}) : ${v} == null)`,
  BIGINT: (v) => `(typeof ${v} === 'number' ? Number.isFinite(${v}) : ${v} == null)`,
  DOUBLE: (v) => `(typeof ${v} === 'number' ? Number.isFinite(${v}) : ${v} == null)`,
  DATE: (v) => `(typeof ${v} === 'number' ? Number.isFinite(${v}) : ${v} == null)`,
  TIME: (v) => `(typeof ${v} === 'number' ? Number.isFinite(${v}) : ${v} == null)`,
  TIMESTAMP: (v) => `(typeof ${v} === 'number' ? Number.isFinite(${v}) : ${v} == null)`,
};

/**
 * A row object's text through the native JSON.stringify, for rows of strings, booleans and
 * finite numbers: the text the column writers would build piece by piece (same names in the
 * same order, numbers as String() writes them, strings escaped by JSON.stringify either way),
 * in one flat string. Null from the writer when a value needs the column writers (a BIGINT
 * beyond doubles, a non-finite DOUBLE); null as the writer when a column type or name does
 * (other types; names an object literal would not keep in order or as its own).
 */
function plainRowWriter(columns: readonly { name: string; type: SqlType }[]): ((row: unknown[]) => string | null) | null {
  const names = columns.map((c) => c.name);
  const unsafeName = (name: string) => name === '__proto__' || /^(0|[1-9]\d*)$/.test(name);
  if (names.some(unsafeName) || new Set(names).size !== names.length) return null;
  const checks: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const check = PLAIN_CHECKS[columns[i]!.type.base];
    if (!check) return null;
    checks.push(check(`v${i}`));
  }
  const reads = names.map((_, i) => `const v${i} = row[${i}];`).join(' ');
  const props = names.map((name, i) => `${JSON.stringify(name)}: v${i} === undefined ? null : v${i}`).join(', ');
  const body = `${reads}\nif (!(${checks.join(' && ')})) return null;\nreturn JSON.stringify({ ${props} });`;
  return new Function('row', body) as (row: unknown[]) => string | null;
}

/**
 * The values of the properties named exactly as the fields, read through generated property
 * accesses (so each is an inline-cached load); false when one is absent, for the FieldMatcher
 * to decide (an exact name wins there too, so both agree when every field is present). Null
 * when a name is not safe to read that way (inherited from Object.prototype, or repeated).
 */
function exactFieldReader(names: string[]): ((doc: Record<string, unknown>, out: unknown[]) => boolean) | null {
  if (names.some((name) => name in Object.prototype) || new Set(names).size !== names.length) return null;
  const body = names.map((name, i) => `if ((out[${i}] = doc[${JSON.stringify(name)}]) === undefined) return false;`).join('\n');
  return new Function('doc', 'out', `${body}\nreturn true;`) as (doc: Record<string, unknown>, out: unknown[]) => boolean;
}

function wireHeader(schemaId: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt8(0, 0);
  b.writeInt32BE(schemaId, 1);
  return b;
}

/** Keyless sources and value schemas without columns: nothing is written, nothing read. */
export function emptySerde(side: 'key' | 'value'): Serde {
  return {
    serialize: () => null,
    deserialize: (bytes) => (bytes === null && side === 'value' ? null : []),
  };
}

/** The conversion error of one column's value, saying which column it was. */
function inColumn(e: unknown, column: string): unknown {
  if (!(e instanceof ConversionError)) return e;
  return new ConversionError(`${e.message} (column ${column})`);
}
