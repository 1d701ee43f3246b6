// Sink properties of CSAS/CTAS (spec §1.2): formats, topic name, partitions, replicas,
// retention, WRAP_SINGLE_VALUE, delimiters and the TIMESTAMP column of the sink.

import type { DataSource, KeyFormat, ValueFormat } from '../../catalog/model.js';
import type { CreateAsSelect, InsertInto } from '../../parser/ast.js';
import { parseWithProperties } from '../../parser/with-properties.js';
import type { FormatName, FormatOptions } from '../../serde/serde.js';
import { containsMap, formatType, hasNonStringMapKey, type Column, type LogicalSchema } from '../../common/types.js';
import { QueryPlanningError } from './errors.js';
import { checkPinnedSinkSchema } from '../../serde/pinned-schema.js';
import { defaultSchemaRegistry } from '../../serde/registry.js';

export const FORMATS: readonly FormatName[] = ['KAFKA', 'JSON', 'DELIMITED', 'NONE', 'AVRO', 'JSON_SR', 'PROTOBUF', 'PROTOBUF_NOSR'];

export type PropertyMap = Map<string, unknown>;

/** The WITH clause of a CREATE ... AS SELECT or INSERT INTO, read and checked by the parser's rules. */
export function propertyMap(statement: CreateAsSelect | InsertInto): PropertyMap {
  const parsed = parseWithProperties(statement.properties, statement.kind === 'InsertInto' ? 'insertInto' : 'createAsSelect');
  return new Map(Object.entries(parsed).filter(([, v]) => v !== undefined));
}

function formatName(value: unknown): FormatName {
  const name = String(value).toUpperCase();
  if (!(FORMATS as readonly string[]).includes(name)) throw new QueryPlanningError(`Unknown format: ${String(value)}`);
  return name as FormatName;
}

function delimiter(value: unknown): string {
  const v = String(value);
  if (v.toUpperCase() === 'SPACE') return ' ';
  if (v.toUpperCase() === 'TAB') return '\t';
  if (v.length !== 1) throw new QueryPlanningError(`Invalid delimiter value: '${v}'. Delimiter must be a single character or TAB or SPACE`);
  return v;
}

/** Column name written in a WITH property: unquoted names are upper-cased. */
export function propertyColumnName(value: unknown): string {
  const v = String(value);
  if (v.startsWith('`') && v.endsWith('`') && v.length >= 2) return v.slice(1, -1);
  return v.toUpperCase();
}

const KAFKA_TYPES = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES']);

function persistenceText(cols: Column[], suffix: string): string {
  return cols.map((c) => `\`${c.name}\` ${formatType(c.type)}${suffix}`).join(', ');
}

/** The checks every sink format makes of its columns: map keys, DELIMITED's flat types, Avro/JSON map keys. */
function checkColumnTypes(format: FormatName, cols: Column[], side: 'key' | 'value'): void {
  if (format === 'NONE' && cols.length > 0) {
    throw new QueryPlanningError(`The 'NONE' format can only be used when no columns are defined. Got: [${persistenceText(cols, side === 'key' ? ' KEY' : '')}]`);
  }
  if (side === 'key') {
    const withMap = cols.find((c) => containsMap(c.type));
    if (withMap) {
      throw new QueryPlanningError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${withMap.name}\`. Column type: ${formatType(withMap.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      );
    }
  }
  if (format === 'DELIMITED') {
    const nested = cols.find((c) => c.type.base === 'ARRAY' || c.type.base === 'MAP' || c.type.base === 'STRUCT');
    if (nested) throw new QueryPlanningError(`The 'DELIMITED' format does not support type '${nested.type.base}', column: \`${nested.name}\``);
  }
  if (format === 'AVRO' && cols.some((c) => hasNonStringMapKey(c.type))) throw new QueryPlanningError('Avro only supports MAPs with STRING keys');
  if ((format === 'JSON' || format === 'JSON_SR') && cols.some((c) => hasNonStringMapKey(c.type))) {
    throw new QueryPlanningError('JSON only supports MAP types with STRING keys');
  }
}

export function checkFormatSupportsColumns(format: FormatName, cols: Column[], side: 'key' | 'value'): void {
  checkColumnTypes(format, cols, side);
  if (format !== 'KAFKA' || cols.length === 0) return;
  const label = side === 'key' ? 'Key' : 'Value';
  const suffix = side === 'key' ? ' KEY' : '';
  const schemaText = `Persistence{columns=[${persistenceText(cols, suffix)}], features=[]}`;
  if (cols.length > 1) {
    throw new QueryPlanningError(
      `${label} format does not support schema.\nformat: KAFKA\nschema: ${schemaText}\nreason: The 'KAFKA' format only supports a single field. Got: [${persistenceText(cols, suffix)}]`,
    );
  }
  const t = cols[0]!.type;
  if (!KAFKA_TYPES.has(t.base)) {
    throw new QueryPlanningError(
      `${label} format does not support schema.\nformat: KAFKA\nschema: ${schemaText}\nreason: The 'KAFKA' format does not support type '${t.base}'`,
    );
  }
}

export interface SinkFormats {
  keyFormat: KeyFormat;
  valueFormat: ValueFormat;
}

export function sinkFormats(
  props: PropertyMap,
  leftmost: DataSource,
  schema: LogicalSchema,
  config: Record<string, unknown>,
  partitionByNull: boolean,
): SinkFormats {
  const format = props.get('FORMAT');
  const keyProp = props.get('KEY_FORMAT');
  const valueProp = props.get('VALUE_FORMAT');
  // FORMAT together with KEY_FORMAT or VALUE_FORMAT is refused by parseWithProperties.
  const explicitKey = keyProp ?? format;
  const explicitValue = valueProp ?? format;

  let keyFormat: KeyFormat;
  if (explicitKey !== undefined) {
    keyFormat = { format: formatName(explicitKey) };
  } else {
    // A pinned schema (id and record name) belongs to the source's topic, not the sink's.
    const inherited: FormatOptions = { ...leftmost.keyFormat.options };
    delete inherited.schemaId;
    delete inherited.schemaFullName;
    keyFormat = { format: leftmost.keyFormat.format, ...(Object.keys(inherited).length ? { options: inherited } : {}) };
    if (keyFormat.format === 'NONE' && schema.key.length > 0) {
      keyFormat = { format: formatName(config['ksql.persistence.default.format.key'] ?? 'KAFKA') };
    }
  }
  if (partitionByNull) keyFormat = { format: 'NONE' };
  if (props.has('KEY_DELIMITER')) keyFormat.options = { ...keyFormat.options, delimiter: delimiter(props.get('KEY_DELIMITER')) };
  if (props.has('KEY_SCHEMA_FULL_NAME')) keyFormat.options = { ...keyFormat.options, schemaFullName: String(props.get('KEY_SCHEMA_FULL_NAME')) };

  let valueFormat: ValueFormat;
  if (explicitValue !== undefined) {
    valueFormat = { format: formatName(explicitValue) };
  } else {
    const inherited: FormatOptions = { ...leftmost.valueFormat.options };
    delete inherited.wrapSingleValue;
    delete inherited.schemaId;
    delete inherited.schemaFullName;
    valueFormat = { format: leftmost.valueFormat.format, ...(Object.keys(inherited).length ? { options: inherited } : {}) };
  }
  if (props.has('VALUE_DELIMITER')) valueFormat.options = { ...valueFormat.options, delimiter: delimiter(props.get('VALUE_DELIMITER')) };
  const schemaFullName = props.get('VALUE_SCHEMA_FULL_NAME') ?? props.get('VALUE_AVRO_SCHEMA_FULL_NAME');
  if (schemaFullName !== undefined) valueFormat.options = { ...valueFormat.options, schemaFullName: String(schemaFullName) };

  for (const [side, fmt] of [['KEY', keyFormat], ['VALUE', valueFormat]] as const) {
    const nullable = props.get(`${side}_PROTOBUF_NULLABLE_REPRESENTATION`);
    if (nullable === undefined || nullable === null) continue;
    const v = String(nullable).toUpperCase();
    if (v !== 'OPTIONAL' && v !== 'WRAPPER') {
      throw new QueryPlanningError(`Invalid value for ${side}_PROTOBUF_NULLABLE_REPRESENTATION: '${String(nullable)}'. Valid values are OPTIONAL, WRAPPER.`);
    }
    fmt.options = { ...fmt.options, nullableRepresentation: v };
  }

  const wrapProp = props.get('WRAP_SINGLE_VALUE');
  const wrapConfig = config['ksql.persistence.wrap.single.values'];
  if (wrapProp !== undefined) {
    if (schema.value.length !== 1) throw new QueryPlanningError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    valueFormat.options = { ...valueFormat.options, wrapSingleValue: wrapProp === true || String(wrapProp).toLowerCase() === 'true' };
  } else if ((wrapConfig === false || String(wrapConfig).toLowerCase() === 'false') && schema.value.length === 1) {
    // Wrapping is the default, so only a config that turns it off changes the sink's format.
    valueFormat.options = { ...valueFormat.options, wrapSingleValue: false };
  }

  checkFormatSupportsColumns(keyFormat.format, schema.key, 'key');
  checkFormatSupportsColumns(valueFormat.format, schema.value, 'value');
  return { keyFormat, valueFormat };
}

/**
 * KEY_SCHEMA_ID / VALUE_SCHEMA_ID: the sink writes with that registered schema, once the
 * query's columns are checked against it (in place on `formats`).
 */
export function pinSinkSchemas(props: PropertyMap, formats: SinkFormats, schema: LogicalSchema, topic: string): void {
  for (const [side, fmt] of [['key', formats.keyFormat], ['value', formats.valueFormat]] as const) {
    const id = props.get(`${side.toUpperCase()}_SCHEMA_ID`);
    if (id === undefined || id === null) continue;
    const columns = side === 'key' ? schema.key : schema.value.filter((c) => c.namespace === 'VALUE');
    try {
      checkPinnedSinkSchema(defaultSchemaRegistry(), {
        format: fmt.format,
        side,
        topic,
        schemaId: Number(id),
        columns,
        ...(fmt.options?.wrapSingleValue !== undefined ? { wrapSingleValue: fmt.options.wrapSingleValue } : {}),
      });
    } catch (e) {
      throw new QueryPlanningError(e instanceof Error ? e.message : String(e));
    }
    fmt.options = { ...fmt.options, schemaId: Number(id) };
  }
}

export function sinkTimestamp(props: PropertyMap, schema: LogicalSchema): DataSource['timestamp'] {
  const ts = props.get('TIMESTAMP');
  if (ts === undefined || ts === null) return undefined;
  const column = propertyColumnName(ts);
  const col = [...schema.key, ...schema.value].find((c) => c.name === column);
  if (!col) throw new QueryPlanningError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${column}'`);
  const format = props.get('TIMESTAMP_FORMAT');
  if (format === undefined && col.type.base !== 'BIGINT' && col.type.base !== 'TIMESTAMP') {
    throw new QueryPlanningError(
      `Timestamp column, \`${column}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
    );
  }
  return format === undefined ? { column } : { column, format: String(format) };
}

/** KAFKA_TOPIC, else the prefix and the sink's name as written (a quoted name keeps its case). */
export function sinkTopicName(name: string, props: PropertyMap, config: Record<string, unknown>): string {
  const explicit = props.get('KAFKA_TOPIC');
  if (explicit !== undefined && explicit !== null) return String(explicit);
  const prefix = config['ksql.output.topic.name.prefix'];
  return `${prefix === undefined || prefix === null ? '' : String(prefix)}${name}`;
}
