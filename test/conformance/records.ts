// Turns the logical records of a case (JSON keys and values) into bytes with the formats of
// the source that owns the topic, and decodes produced records back into comparable values.
// JSON payloads are written as the case gives them (so coercion on read is exercised), and
// DELIMITED payloads are the case's text; KAFKA values go through the binary codecs.

import type { DataSource } from '../../src/catalog/model.js';
import type { Column } from '../../src/common/types.js';
import { createSerde, type FormatName, type FormatOptions, type Serde } from '../../src/serde/index.js';
import { LosslessNumber, parseJson } from '../../src/serde/json-parse.js';
import { Decimal } from '../../src/common/decimal.js';
import { createProtobufSerde } from '../../src/serde/protobuf.js';
import { jsonReader } from '../../src/serde/json-read.js';
import { kafkaCodec } from '../../src/serde/kafka.js';
import { stringifyJson, toJsonValue } from '../../src/serde/json-value.js';
import { deserializeWindowedKey, serializeWindowedKey, type WindowKind } from '../../src/serde/windowed.js';
import { inferColumns } from '../../src/serde/schema-inference.js';
import { defaultSchemaRegistry } from '../../src/serde/registry.js';
import type { RecordSpec } from './loader.js';

interface SideFormat {
  side: 'key' | 'value';
  topic: string;
  format: string;
  columns: Column[];
  options?: FormatOptions;
}

export function keySide(source: DataSource | undefined): SideFormat | undefined {
  return source && { side: 'key', topic: source.topic, format: source.keyFormat.format, columns: source.schema.key, options: source.keyFormat.options };
}

export function valueSide(source: DataSource | undefined): SideFormat | undefined {
  return (
    source && {
      side: 'value',
      topic: source.topic,
      format: source.valueFormat.format,
      columns: source.schema.value.filter((c) => c.namespace === 'VALUE'),
      options: source.valueFormat.options,
    }
  );
}

function serdeOf(side: SideFormat, format: FormatName): Serde {
  return createSerde({ format, columns: side.columns, side: side.side, options: side.options, topic: side.topic });
}

/** Logical JSON → typed row, with the coercions of the JSON format. */
function typedRow(side: SideFormat, logical: unknown): unknown[] | null {
  if (alwaysWrapped(side)) side = { ...side, side: 'value', options: { ...side.options, wrapSingleValue: true } };
  return serdeOf(side, 'JSON').deserialize(Buffer.from(stringifyJson(logical), 'utf8'));
}

/** Typed row → logical JSON: the bare value of an unwrapped column, else an object. */
function logicalRow(side: SideFormat, row: unknown[] | null): unknown {
  if (row === null) return null;
  const unwrapped = side.columns.length === 1 && !alwaysWrapped(side) && (side.side === 'key' || side.options?.wrapSingleValue === false);
  if (unwrapped) return toJsonValue(row[0], side.columns[0]!.type);
  const o: Record<string, unknown> = {};
  side.columns.forEach((c, i) => (o[c.name] = toJsonValue(row[i], c.type)));
  return o;
}

/**
 * Schema formats carry the column's scale with every decimal, and ksqlDB's test driver reads
 * the expected value through the same schema, so 10.0 expected equals 10.0000 written: the
 * decoded decimals compare by value.
 */
function decimalsAsNumbers(v: unknown): unknown {
  if (v instanceof Decimal) return new LosslessNumber(v.toString());
  if (Array.isArray(v)) return v.map(decimalsAsNumbers);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, decimalsAsNumbers(x)]));
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof LosslessNumber)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = decimalsAsNumbers(x);
    return o;
  }
  return v;
}

/** PROTOBUF keys and values are always a message, even with a single column. */
function alwaysWrapped(side: SideFormat): boolean {
  return side.format === 'PROTOBUF' || side.format === 'PROTOBUF_NOSR';
}

export class UnsupportedFormatError extends Error {}

function srHeader(): Buffer {
  return Buffer.from([0, 0, 0, 0, 1]);
}

export function encodeLogical(side: SideFormat | undefined, logical: unknown): Buffer | null {
  if (logical === null || logical === undefined) return null;
  const format = side?.format ?? 'JSON';
  switch (format) {
    case 'JSON':
      return Buffer.from(stringifyJson(logical), 'utf8');
    case 'JSON_SR':
      return Buffer.concat([srHeader(), Buffer.from(stringifyJson(logical), 'utf8')]);
    case 'DELIMITED':
      return Buffer.from(typeof logical === 'string' ? logical : stringifyJson(logical), 'utf8');
    case 'KAFKA': {
      const col = side!.columns[0];
      if (!col) return null;
      return kafkaCodec(col.type).encode(jsonReader(col.type)(logical));
    }
    case 'NONE':
      return null;
    case 'AVRO':
      return serdeOf(side!, format).serialize(typedRow(side!, logical));
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR':
      // The test driver writes {"F1": null} as a message whose field is unset, not as no key.
      return createProtobufSerde(
        { format, columns: side!.columns, side: side!.side, options: side!.options, topic: side!.topic },
        { schemaRegistry: format === 'PROTOBUF', writeAllNullKeys: true },
      ).serialize(typedRow(side!, logical));
    default:
      throw new UnsupportedFormatError(`the runner cannot encode ${format} records yet`);
  }
}

/**
 * A side written with a pinned registered schema (KEY_/VALUE_SCHEMA_ID) is read through all of
 * that schema's fields, as ksqlDB's driver reads a topic with its registered schema: fields the
 * query does not produce show their defaults.
 */
function pinnedSide(side: SideFormat): SideFormat {
  const schemaId = side.options?.schemaId;
  if (schemaId === undefined || (side.format !== 'AVRO' && side.format !== 'PROTOBUF')) return side;
  const columns = inferColumns(defaultSchemaRegistry(), {
    format: side.format,
    side: side.side,
    topic: side.topic,
    schemaId,
    ...(side.options?.wrapSingleValue !== undefined ? { wrapSingleValue: side.options.wrapSingleValue } : {}),
  });
  return columns && columns.length > 0 ? { ...side, columns: columns.map((c) => ({ ...c, namespace: side.side === 'key' ? 'KEY' : 'VALUE' })) } : side;
}

export function decodeBytes(side: SideFormat | undefined, bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  const format = side?.format;
  switch (format) {
    case 'JSON':
      return parseJsonOrText(bytes);
    case 'JSON_SR':
      return parseJsonOrText(bytes.length >= 5 && bytes[0] === 0 ? bytes.subarray(5) : bytes);
    case 'DELIMITED':
      return bytes.toString('utf8');
    case 'KAFKA': {
      const col = side!.columns[0];
      if (!col) return null;
      try {
        return toJsonValue(kafkaCodec(col.type).decode(bytes), col.type);
      } catch {
        return `<${bytes.length} bytes: ${bytes.toString('hex')}>`;
      }
    }
    case 'NONE':
      return null;
    case 'AVRO':
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR':
      try {
        const read = pinnedSide(side!);
        return decimalsAsNumbers(logicalRow(read, serdeOf(read, format).deserialize(bytes)));
      } catch (e) {
        return `<undecodable ${format}: ${(e as Error).message}>`;
      }
    default:
      return parseJsonOrText(bytes);
  }
}

/** Fractions keep their text: ksqlDB's driver reads a JSON decimal through its column's schema, scale included. */
function parseJsonOrText(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return parseJson(text, { keepFractionText: true });
  } catch {
    return text;
  }
}

function windowKind(source: DataSource | undefined): WindowKind | undefined {
  return source?.keyFormat.window?.type;
}

export function encodeKey(source: DataSource | undefined, rec: RecordSpec): Buffer | null {
  const key = encodeLogical(keySide(source), rec.key);
  if (!rec.window) return key;
  const kind: WindowKind = windowKind(source) ?? (rec.window.type === 'session' ? 'SESSION' : 'TUMBLING');
  return serializeWindowedKey(key, kind, rec.window);
}

export function encodeValue(source: DataSource | undefined, rec: RecordSpec): Buffer | null {
  return encodeLogical(valueSide(source), rec.value);
}

export interface DecodedKey {
  key: unknown;
  window?: { start: number; end: number; type: 'time' | 'session' };
}

export function decodeKey(source: DataSource | undefined, bytes: Buffer | null): DecodedKey {
  const kind = windowKind(source);
  if (!kind || bytes === null) return { key: decodeBytes(keySide(source), bytes) };
  try {
    const { key, window } = deserializeWindowedKey(bytes, kind, source?.keyFormat.window?.sizeMs ?? 0);
    return {
      key: decodeBytes(keySide(source), key.length === 0 ? null : key),
      window: { ...window, type: kind === 'SESSION' ? 'session' : 'time' },
    };
  } catch {
    return { key: decodeBytes(keySide(source), bytes) };
  }
}
