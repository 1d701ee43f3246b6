// What each format can hold (spec §4), and the schema checks CREATE statements make
// before any serde is built, with ksqlDB's error texts.

import type { FormatName } from '../serde/serde.js';
import type { Column } from '../common/types.js';
import { formatType, hasNonStringMapKey } from '../common/types.js';
import { KsqlError } from './api.js';

interface Capabilities {
  key: boolean;
  value: boolean;
  multiColumnKey: boolean;
  wrap: boolean;
  unwrap: boolean;
  inference: boolean;
  schemaRegistry: boolean;
}

const CAPS: Record<FormatName, Capabilities> = {
  NONE: { key: true, value: false, multiColumnKey: false, wrap: false, unwrap: false, inference: false, schemaRegistry: false },
  DELIMITED: { key: true, value: true, multiColumnKey: true, wrap: false, unwrap: true, inference: false, schemaRegistry: false },
  JSON: { key: true, value: true, multiColumnKey: true, wrap: true, unwrap: true, inference: false, schemaRegistry: false },
  JSON_SR: { key: true, value: true, multiColumnKey: true, wrap: true, unwrap: true, inference: true, schemaRegistry: true },
  AVRO: { key: true, value: true, multiColumnKey: true, wrap: true, unwrap: true, inference: true, schemaRegistry: true },
  PROTOBUF: { key: true, value: true, multiColumnKey: true, wrap: true, unwrap: false, inference: true, schemaRegistry: true },
  PROTOBUF_NOSR: { key: true, value: true, multiColumnKey: true, wrap: true, unwrap: false, inference: false, schemaRegistry: false },
  KAFKA: { key: true, value: true, multiColumnKey: false, wrap: false, unwrap: true, inference: false, schemaRegistry: false },
};

export function formatCapabilities(name: FormatName): Capabilities {
  return CAPS[name];
}

/** Upper-cases and checks a format name ("Unknown format: FOO"). */
export function parseFormatName(text: string): FormatName {
  const upper = text.toUpperCase();
  if (!(upper in CAPS)) throw new KsqlError(`Unknown format: ${upper}`);
  return upper as FormatName;
}

function columnText(c: Column): string {
  const suffix = c.namespace === 'KEY' ? ' KEY' : '';
  return `\`${c.name}\` ${formatType(c.type)}${suffix}`;
}

/** Avro names: a letter or `_`, then letters, digits or `_` (Avro's own wording of the failure). */
function avroNameError(name: string): string | undefined {
  if (!/^[A-Za-z_]/.test(name)) return `Illegal initial character: ${name}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `Illegal character in: ${name}`;
  return undefined;
}

function structFieldNameError(t: Column['type']): string | undefined {
  switch (t.base) {
    case 'STRUCT':
      for (const f of t.fields) {
        const e = avroNameError(f.name) ?? structFieldNameError(f.type);
        if (e) return e;
      }
      return undefined;
    case 'ARRAY':
      return structFieldNameError(t.item);
    case 'MAP':
      return structFieldNameError(t.value);
    default:
      return undefined;
  }
}

/** Why `format` cannot hold these columns, or undefined when it can. */
function unsupportedReason(format: FormatName, columns: Column[]): string | undefined {
  if (format === 'NONE') {
    return columns.length > 0
      ? `The 'NONE' format can only be used when no columns are defined. Got: [${columns.map(columnText).join(', ')}]`
      : undefined;
  }
  if (format === 'KAFKA') {
    if (columns.length > 1) return `The 'KAFKA' format only supports a single field. Got: [${columns.map(columnText).join(', ')}]`;
    const t = columns[0]?.type;
    if (t && !['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'].includes(t.base)) {
      return `The 'KAFKA' format does not support type '${t.base}'`;
    }
  }
  if (format === 'DELIMITED') {
    for (const c of columns) {
      if (c.type.base === 'ARRAY' || c.type.base === 'MAP' || c.type.base === 'STRUCT') {
        return `The 'DELIMITED' format does not support type '${c.type.base}', column: \`${c.name}\``;
      }
    }
  }
  if (format === 'JSON' || format === 'JSON_SR') {
    for (const c of columns) if (hasNonStringMapKey(c.type)) return 'JSON only supports MAP types with STRING keys';
  }
  if (format === 'AVRO') {
    for (const c of columns) if (hasNonStringMapKey(c.type)) return 'Avro only supports MAPs with STRING keys';
  }
  return undefined;
}

/** Checks the key columns against the key format (ksqlDB's "Key format does not support schema" text). */
export function checkKeyFormat(format: FormatName, keyColumns: Column[]): void {
  const caps = CAPS[format];
  if (!caps.key) throw new KsqlError(`The '${format}' format does not support keys`);
  const reason = unsupportedReason(format, keyColumns);
  if (reason) {
    throw new KsqlError(
      `Key format does not support schema.\nformat: ${format}\nschema: Persistence{columns=[${keyColumns.map(columnText).join(', ')}], features=[]}\nreason: ${reason}`,
    );
  }
}

/** Checks the value columns against the value format. */
export function checkValueFormat(format: FormatName, valueColumns: Column[]): void {
  const caps = CAPS[format];
  if (!caps.value) {
    if (format === 'NONE' && valueColumns.length === 0) return;
    throw new KsqlError(
      format === 'NONE'
        ? unsupportedReason(format, valueColumns)!
        : `The '${format}' format does not support values`,
    );
  }
  const reason = unsupportedReason(format, valueColumns);
  if (reason) throw new KsqlError(reason);
  if (format === 'AVRO') {
    const bad = valueColumns.map((c) => avroNameError(c.name) ?? structFieldNameError(c.type)).find((e) => e !== undefined);
    if (bad) throw new KsqlError(`Schema is not compatible with Avro: ${bad}`);
  }
}
