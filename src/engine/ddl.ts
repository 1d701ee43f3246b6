// CREATE STREAM / TABLE: from the statement to a DataSource plus the topic it needs,
// with every check of spec §1.1. Pure except for reading topic metadata.

import type { CreateSource, TableElement } from '../parser/ast.js';
import type { CatalogView, DataSource, KeyFormat, ValueFormat } from '../catalog/model.js';
import type { TopicDescription, TopicSpec } from '../log/topic-log.js';
import type { FormatName, FormatOptions } from '../serde/serde.js';
import type { Column, LogicalSchema, SqlType } from '../common/types.js';
import { BYTES, STRING, arrayOf, formatType, structOf, typesEqual } from '../common/types.js';
import { ParseError } from '../parser/index.js';
import { WithClauseError } from '../parser/errors.js';
import { KsqlError } from './api.js';
import { defaultSchemaRegistry } from '../serde/registry.js';
import { inferColumns } from '../serde/schema-inference.js';
import { checkKeyFormat, checkValueFormat, formatCapabilities, parseFormatName } from './formats.js';
import { containsMap, resolveType } from './sql-types.js';
import { parseDelimiter, parseDurationText, parseWithProperties, type WithProperties } from '../parser/with-properties.js';

export const RESERVED_COLUMN_NAMES = ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'];

export const HEADERS_TYPE: SqlType = arrayOf(
  structOf([
    { name: 'KEY', type: STRING },
    { name: 'VALUE', type: BYTES },
  ]),
);

export interface PlannedSource {
  source: DataSource;
  /** Set when the statement must create the topic. */
  createTopic?: { name: string; spec: TopicSpec };
}

/** Normalises a column name given as a property value (TIMESTAMP='ts' → TS, '`ts`' → ts). */
export function propertyIdentifier(text: string): string {
  const m = /^(`|")(.*)\1$/.exec(text);
  return m ? m[2]! : text.toUpperCase();
}

/** A KEY / PRIMARY KEY mix-up is a syntax-level error in ksqlDB (ParseFailedException). */
function constraintError(e: TableElement, detail: string): ParseError {
  const loc = e.loc ?? { line: 1, column: 1 };
  return new ParseError(`Line: ${loc.line}, Col: ${loc.column}: ${detail}`, { line: loc.line, column: loc.column, detail });
}

/** Builds the logical schema of a CREATE statement's column list. */
export function buildSchema(stmt: { sourceType: 'STREAM' | 'TABLE'; elements: TableElement[] }, catalog: CatalogView): LogicalSchema {
  const key: Column[] = [];
  const value: Column[] = [];
  for (const e of stmt.elements) {
    if (RESERVED_COLUMN_NAMES.includes(e.name)) {
      throw new KsqlError(`'${e.name}' is a reserved column name. You cannot use it as a name for a column.`);
    }
    const type = resolveType(e.type, catalog);
    const c = e.constraint;
    if (c === 'KEY' || c === 'PRIMARY KEY') {
      if (stmt.sourceType === 'STREAM' && c === 'PRIMARY KEY') {
        throw constraintError(e, `Column \`${e.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.`);
      }
      if (stmt.sourceType === 'TABLE' && c === 'KEY') {
        throw constraintError(e, `Column \`${e.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.`);
      }
      if (containsMap(type)) {
        throw new KsqlError(
          `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${e.name}\`. Column type: ${formatType(type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
        );
      }
      key.push({ name: e.name, type, namespace: 'KEY' });
    } else if (c === 'HEADERS') {
      if (!typesEqual(type, HEADERS_TYPE)) {
        throw new KsqlError(`Invalid type for HEADERS column: expected ${formatType(HEADERS_TYPE)}, got ${formatType(type)}`);
      }
      value.push({ name: e.name, type, namespace: 'HEADER' });
    } else if (c !== undefined && typeof c === 'object') {
      if (type.base !== 'BYTES') {
        throw new KsqlError(`Invalid type for HEADER('${c.header}') column: expected BYTES, got ${formatType(type)}`);
      }
      value.push({ name: e.name, type, namespace: 'HEADER', headerKey: c.header });
    } else {
      value.push({ name: e.name, type, namespace: 'VALUE' });
    }
  }
  const seen = new Map<string, Column>();
  for (const col of [...key, ...value]) {
    const prior = seen.get(col.name);
    if (prior) {
      const side = col.namespace === 'KEY' && prior.namespace === 'KEY' ? 'key' : 'value';
      throw new KsqlError(`Duplicate ${side} columns found in schema: \`${col.name}\` ${formatType(col.type)}`);
    }
    seen.set(col.name, col);
  }
  checkHeaderColumns(value);
  return { key, value };
}

/** ksqlDB's rule: one HEADERS column, after which no HEADER('k'); each header key once. */
function checkHeaderColumns(value: Column[]): void {
  const keys = new Set<string | undefined>();
  for (const c of value) {
    if (c.namespace !== 'HEADER') continue;
    if (keys.has(undefined)) throw new KsqlError('Schema already contains a HEADERS column.');
    if (c.headerKey !== undefined && keys.has(c.headerKey)) throw new KsqlError(`Schema already contains a HEADER('${c.headerKey}') column.`);
    keys.add(c.headerKey);
  }
}

/** Value columns that the value format carries (header columns come from record headers). */
export function physicalValueColumns(schema: LogicalSchema): Column[] {
  return schema.value.filter((c) => c.namespace === 'VALUE');
}

export interface FormatDecision {
  keyFormat: KeyFormat;
  valueFormat: ValueFormat;
}

/**
 * Fills the sides a schema-registry format can infer (no columns declared on that side) from
 * the registered schema, in place. A missing key schema leaves the key empty; a missing value
 * schema is an error.
 */
function inferSchema(schema: LogicalSchema, formats: FormatDecision, topic: string, noElements: boolean): void {
  const registry = defaultSchemaRegistry();
  const attempt = (side: 'key' | 'value', format: FormatName, options: FormatOptions | undefined) => {
    try {
      return inferColumns(registry, {
        format,
        side,
        topic,
        ...(options?.schemaId !== undefined ? { schemaId: options.schemaId } : {}),
        ...(options?.schemaFullName !== undefined ? { schemaFullName: options.schemaFullName } : {}),
        ...(options?.wrapSingleValue !== undefined ? { wrapSingleValue: options.wrapSingleValue } : {}),
      });
    } catch (e) {
      throw new KsqlError(e instanceof Error ? e.message : String(e));
    }
  };
  if (schema.key.length === 0 && formatCapabilities(formats.keyFormat.format).inference) {
    const cols = attempt('key', formats.keyFormat.format, formats.keyFormat.options);
    for (const c of cols ?? []) schema.key.push({ name: c.name, type: c.type, namespace: 'KEY' });
  }
  const valueFormat = formats.valueFormat.format;
  if (physicalValueColumns(schema).length === 0 && formatCapabilities(valueFormat).inference && (noElements || schema.key.length > 0 || schema.value.length > 0)) {
    const cols = attempt('value', valueFormat, formats.valueFormat.options) ?? [];
    const taken = new Set([...schema.key, ...schema.value].map((c) => c.name));
    for (const c of cols) if (!taken.has(c.name)) schema.value.push({ name: c.name, type: c.type, namespace: 'VALUE' });
  }
}

/** `*_PROTOBUF_NULLABLE_REPRESENTATION`: OPTIONAL or WRAPPER, protobuf formats only. */
export function nullableRepresentation(value: unknown, side: 'KEY' | 'VALUE', format: FormatName): 'OPTIONAL' | 'WRAPPER' | undefined {
  if (value === undefined || value === null) return undefined;
  const v = String(value).toUpperCase();
  if (v !== 'OPTIONAL' && v !== 'WRAPPER') {
    throw new KsqlError(`Invalid value for ${side}_PROTOBUF_NULLABLE_REPRESENTATION: '${String(value)}'. Valid values are OPTIONAL, WRAPPER.`);
  }
  if (format !== 'PROTOBUF' && format !== 'PROTOBUF_NOSR') {
    throw new KsqlError(`Property ${side}_PROTOBUF_NULLABLE_REPRESENTATION can only be used with ${side}_FORMAT='PROTOBUF' or 'PROTOBUF_NOSR'`);
  }
  return v;
}

/** Key and value formats from WITH properties and server defaults, with their options. */
export function decideFormats(
  props: WithProperties,
  schema: LogicalSchema,
  config: Record<string, unknown>,
  opts: { sourceType: 'STREAM' | 'TABLE'; inheritedKey?: KeyFormat; inheritedValue?: ValueFormat },
): FormatDecision {
  const explicitKey = (props.KEY_FORMAT ?? props.FORMAT) as string | undefined;
  const explicitValue = (props.VALUE_FORMAT ?? props.FORMAT) as string | undefined;
  let keyFormatName: FormatName;
  if (explicitKey !== undefined) keyFormatName = parseFormatName(explicitKey);
  else if (opts.inheritedKey) keyFormatName = opts.inheritedKey.format;
  else keyFormatName = parseFormatName(String(config['ksql.persistence.default.format.key'] ?? 'KAFKA'));
  if (explicitKey === undefined && schema.key.length === 0) keyFormatName = 'NONE';
  if (explicitKey === undefined && schema.key.length > 0 && keyFormatName === 'NONE') {
    keyFormatName = parseFormatName(String(config['ksql.persistence.default.format.key'] ?? 'KAFKA'));
  }

  let valueFormatName: FormatName;
  if (explicitValue !== undefined) valueFormatName = parseFormatName(explicitValue);
  else if (opts.inheritedValue) valueFormatName = opts.inheritedValue.format;
  else {
    const dflt = config['ksql.persistence.default.format.value'];
    if (dflt === undefined || dflt === null || dflt === '') {
      throw new KsqlError(
        "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
      );
    }
    valueFormatName = parseFormatName(String(dflt));
  }

  const keyOptions: FormatOptions = {};
  const valueOptions: FormatOptions = {};
  if (props.KEY_DELIMITER !== undefined) {
    if (keyFormatName !== 'DELIMITED') throw new KsqlError(`Property KEY_DELIMITER can only be used with KEY_FORMAT='DELIMITED'`);
    keyOptions.delimiter = parseDelimiter(String(props.KEY_DELIMITER), 'KEY_DELIMITER');
  }
  if (props.VALUE_DELIMITER !== undefined) {
    if (valueFormatName !== 'DELIMITED') throw new KsqlError(`Property VALUE_DELIMITER can only be used with VALUE_FORMAT='DELIMITED'`);
    valueOptions.delimiter = parseDelimiter(String(props.VALUE_DELIMITER), 'VALUE_DELIMITER');
  }
  if (props.KEY_SCHEMA_FULL_NAME !== undefined) keyOptions.schemaFullName = String(props.KEY_SCHEMA_FULL_NAME);
  const valueFullName = props.VALUE_SCHEMA_FULL_NAME ?? props.VALUE_AVRO_SCHEMA_FULL_NAME;
  if (valueFullName !== undefined) valueOptions.schemaFullName = String(valueFullName);
  const keyNullable = nullableRepresentation(props.KEY_PROTOBUF_NULLABLE_REPRESENTATION, 'KEY', keyFormatName);
  if (keyNullable) keyOptions.nullableRepresentation = keyNullable;
  const valueNullable = nullableRepresentation(props.VALUE_PROTOBUF_NULLABLE_REPRESENTATION, 'VALUE', valueFormatName);
  if (valueNullable) valueOptions.nullableRepresentation = valueNullable;
  if (props.KEY_SCHEMA_ID !== undefined) keyOptions.schemaId = Number(props.KEY_SCHEMA_ID);
  if (props.VALUE_SCHEMA_ID !== undefined) valueOptions.schemaId = Number(props.VALUE_SCHEMA_ID);

  const valueColumns = physicalValueColumns(schema);
  const caps = formatCapabilities(valueFormatName);
  if (props.WRAP_SINGLE_VALUE !== undefined) {
    const wrap = props.WRAP_SINGLE_VALUE === true;
    if (wrap && !caps.wrap) throw new KsqlError(`Format '${valueFormatName}' does not support 'WRAP_SINGLE_VALUE' set to 'true'.`);
    if (!wrap && !caps.unwrap) throw new KsqlError(`Format '${valueFormatName}' does not support 'WRAP_SINGLE_VALUE' set to 'false'.`);
    const inferred = valueColumns.length === 0 && caps.inference;
    if (valueColumns.length !== 1 && !inferred) throw new KsqlError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    valueOptions.wrapSingleValue = wrap;
  } else if (opts.inheritedValue?.options?.wrapSingleValue !== undefined && explicitValue === undefined && valueColumns.length === 1) {
    valueOptions.wrapSingleValue = opts.inheritedValue.options.wrapSingleValue;
  } else if (String(config['ksql.persistence.wrap.single.values']).toLowerCase() === 'false' && valueColumns.length === 1 && caps.unwrap) {
    valueOptions.wrapSingleValue = false;
  }
  if (valueFormatName === 'KAFKA' || valueFormatName === 'DELIMITED') {
    if (valueColumns.length === 1 && valueOptions.wrapSingleValue === undefined) valueOptions.wrapSingleValue = false;
  }

  const keyFormat: KeyFormat = { format: keyFormatName };
  if (Object.keys(keyOptions).length > 0) keyFormat.options = keyOptions;
  const valueFormat: ValueFormat = { format: valueFormatName };
  if (Object.keys(valueOptions).length > 0) valueFormat.options = valueOptions;
  return { keyFormat, valueFormat };
}

/** TIMESTAMP / TIMESTAMP_FORMAT checks against the schema. */
export function decideTimestamp(props: WithProperties, schema: LogicalSchema): DataSource['timestamp'] {
  if (props.TIMESTAMP === undefined) {
    if (props.TIMESTAMP_FORMAT !== undefined) throw new KsqlError('TIMESTAMP_FORMAT requires the TIMESTAMP property to be set');
    return undefined;
  }
  const name = propertyIdentifier(String(props.TIMESTAMP));
  const col = [...schema.key, ...schema.value].find((c) => c.name === name);
  if (!col) throw new KsqlError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${name}'`);
  const format = props.TIMESTAMP_FORMAT === undefined ? undefined : String(props.TIMESTAMP_FORMAT);
  const ok = col.type.base === 'BIGINT' || col.type.base === 'TIMESTAMP' || (col.type.base === 'STRING' && format !== undefined);
  if (!ok) {
    throw new KsqlError(`Timestamp column, \`${name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified`);
  }
  return format === undefined ? { column: name } : { column: name, format };
}

/** WINDOW_TYPE / WINDOW_SIZE of a windowed-key source. */
export function decideWindow(props: WithProperties): KeyFormat['window'] {
  if (props.WINDOW_TYPE === undefined) {
    if (props.WINDOW_SIZE !== undefined) throw new KsqlError("'WINDOW_SIZE' requires 'WINDOW_TYPE' to be set.");
    return undefined;
  }
  const type = String(props.WINDOW_TYPE).toUpperCase();
  if (type !== 'SESSION' && type !== 'HOPPING' && type !== 'TUMBLING') {
    throw new KsqlError(`Invalid value for WINDOW_TYPE: '${String(props.WINDOW_TYPE)}'. Valid values are SESSION, HOPPING, TUMBLING.`);
  }
  if (type === 'SESSION') {
    if (props.WINDOW_SIZE !== undefined) throw new WithClauseError("'WINDOW_SIZE' should not be set for SESSION windows.");
    return { type };
  }
  if (props.WINDOW_SIZE === undefined) {
    throw new KsqlError(`Tumbling and Hopping window types should set WINDOW_SIZE in the WITH clause.`);
  }
  return { type, sizeMs: parseDurationText(String(props.WINDOW_SIZE), 'WINDOW_SIZE') };
}

/** Topic configs for a topic the statement creates. */
export function topicSpecFromProps(props: WithProperties, sourceType: 'STREAM' | 'TABLE', defaults: { partitions?: number; replicas?: number } = {}): TopicSpec {
  const configs: Record<string, string> = {};
  if (props.RETENTION_MS !== undefined) configs['retention.ms'] = String(props.RETENTION_MS);
  if (props.CLEANUP_POLICY !== undefined) {
    const policy = String(props.CLEANUP_POLICY).toLowerCase().replace(/\s+/g, '');
    const ok = ['delete', 'compact', 'compact,delete', 'delete,compact'];
    if (!ok.includes(policy)) {
      throw new KsqlError(`Invalid value for CLEANUP_POLICY: '${String(props.CLEANUP_POLICY)}'. Valid values are 'delete', 'compact' or 'compact,delete'.`);
    }
    configs['cleanup.policy'] = policy;
  } else {
    configs['cleanup.policy'] = sourceType === 'TABLE' ? 'compact' : 'delete';
  }
  const partitions = (props.PARTITIONS as number | undefined) ?? defaults.partitions ?? 1;
  const replicas = (props.REPLICAS as number | undefined) ?? defaults.replicas ?? 1;
  if (partitions < 1) throw new KsqlError(`Invalid number of partitions: ${partitions}. It must be at least 1.`);
  return { partitions, replicationFactor: replicas, configs };
}

/**
 * Plans a CREATE STREAM/TABLE: schema, formats, timestamp, window and topic. `existing`
 * is the topic's description when it exists.
 */
export function planCreateSource(
  stmt: CreateSource,
  catalog: CatalogView,
  config: Record<string, unknown>,
  existing: TopicDescription | undefined,
  props: WithProperties = parseWithProperties(stmt.properties, 'create'),
): PlannedSource {
  const topic = props.KAFKA_TOPIC as string | undefined;
  if (topic === undefined) throw new KsqlError('Missing required property "KAFKA_TOPIC" which has no default value.');

  const schema = buildSchema(stmt, catalog);
  const formats = decideFormats(props, schema, config, { sourceType: stmt.sourceType });
  const keyCaps = formatCapabilities(formats.keyFormat.format);
  const valueCaps = formatCapabilities(formats.valueFormat.format);

  if (props.KEY_SCHEMA_ID !== undefined) {
    if (!keyCaps.inference) {
      throw new KsqlError(`KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is ${formats.keyFormat.format}.`);
    }
    if (schema.key.length > 0) throw new KsqlError('Table elements and KEY_SCHEMA_ID cannot both exist for create statement.');
  }
  if (props.VALUE_SCHEMA_ID !== undefined) {
    if (!valueCaps.inference) {
      throw new KsqlError(`VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is ${formats.valueFormat.format}.`);
    }
    if (physicalValueColumns(schema).length > 0) throw new KsqlError('Table elements and VALUE_SCHEMA_ID cannot both exist for create statement.');
  }
  inferSchema(schema, formats, topic, stmt.elements.length === 0);

  const valueColumns = physicalValueColumns(schema);
  if (stmt.elements.length === 0 && !valueCaps.inference) {
    throw new KsqlError('No columns supplied.');
  }
  if (stmt.sourceType === 'TABLE' && schema.key.length === 0 && !keyCaps.inference) {
    throw new KsqlError('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.');
  }
  checkKeyFormat(formats.keyFormat.format, schema.key);
  checkValueFormat(formats.valueFormat.format, valueColumns);

  const window = decideWindow(props);
  if (window) formats.keyFormat.window = window;
  const timestamp = decideTimestamp(props, schema);

  let createTopic: PlannedSource['createTopic'];
  if (existing) {
    const wantPartitions = props.PARTITIONS as number | undefined;
    const wantReplicas = props.REPLICAS as number | undefined;
    if (
      (wantPartitions !== undefined && wantPartitions !== existing.partitions) ||
      (wantReplicas !== undefined && wantReplicas !== existing.replicationFactor)
    ) {
      throw new KsqlError(
        `A Kafka topic with the name '${topic}' already exists, with different partition/replica configuration than required. KSQL expects ${wantPartitions ?? existing.partitions} partitions (topic has ${existing.partitions}), and ${wantReplicas ?? existing.replicationFactor} replication factor (topic has ${existing.replicationFactor}).`,
      );
    }
  } else {
    if (props.PARTITIONS === undefined) {
      throw new KsqlError(
        `Topic '${topic}' does not exist. If you want to create a new topic for the ${stmt.sourceType.toLowerCase()} please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: CREATE ${stmt.sourceType} ${stmt.name} (ID INT) WITH (KAFKA_TOPIC='${topic}', PARTITIONS=2, REPLICAS=1, FORMAT='JSON');`,
      );
    }
    createTopic = { name: topic, spec: topicSpecFromProps(props, stmt.sourceType) };
  }

  const source: DataSource = {
    name: stmt.name,
    sourceType: stmt.sourceType,
    schema,
    topic,
    keyFormat: formats.keyFormat,
    valueFormat: formats.valueFormat,
    isSource: stmt.isSource,
    sqlText: stmt.text,
  };
  if (timestamp) source.timestamp = timestamp;
  return createTopic ? { source, createTopic } : { source };
}
