// Builders for the ksqlDB JSON entities the /ksql endpoint returns (spec §6).

import type { DataSource, PersistentQueryInfo } from '../catalog/model.js';
import type { FunctionDoc } from '../functions/registry.js';
import type { TopicDescription } from '../log/topic-log.js';
import type { Column, SqlType } from '../common/types.js';
import type { KsqlEntity } from './api.js';

export function entity(type: string, statementText: string, fields: Record<string, unknown>, warnings: string[] = []): KsqlEntity {
  return { '@type': type, statementText, ...fields, warnings: warnings.map((message) => ({ message })) };
}

export function currentStatus(
  statementText: string,
  commandId: string,
  message: string,
  commandSequenceNumber: number,
  queryId?: string,
): KsqlEntity {
  const commandStatus: Record<string, unknown> = { status: 'SUCCESS', message };
  if (queryId !== undefined) commandStatus.queryId = queryId;
  return entity('currentStatus', statementText, { commandId, commandStatus, commandSequenceNumber });
}

export function warningEntity(statementText: string, message: string): KsqlEntity {
  return entity('warning_entity', statementText, { message });
}

/** ksqlDB's SchemaInfo of a type: {type, fields, memberSchema[, parameters]}. */
export function schemaInfo(t: SqlType): Record<string, unknown> {
  switch (t.base) {
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaInfo(t.item) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaInfo(t.value) };
    case 'STRUCT':
      return {
        type: 'STRUCT',
        fields: t.fields.map((f) => ({ name: f.name, schema: schemaInfo(f.type) })),
        memberSchema: null,
      };
    case 'DECIMAL':
      return { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: t.precision, scale: t.scale } };
    default:
      return { type: t.base, fields: null, memberSchema: null };
  }
}

export function fieldInfo(c: Column): Record<string, unknown> {
  const f: Record<string, unknown> = { name: c.name, schema: schemaInfo(c.type) };
  if (c.namespace === 'KEY') f.type = 'KEY';
  if (c.namespace === 'HEADER') {
    f.type = 'HEADER';
    if (c.headerKey !== undefined) f.headerKey = c.headerKey;
  }
  return f;
}

export function sourceFields(s: DataSource): Record<string, unknown>[] {
  return [...s.schema.key, ...s.schema.value].map(fieldInfo);
}

export function sourceListItem(s: DataSource): Record<string, unknown> {
  return {
    type: s.sourceType,
    name: s.name,
    topic: s.topic,
    keyFormat: s.keyFormat.format,
    valueFormat: s.valueFormat.format,
    isWindowed: s.keyFormat.window !== undefined,
  };
}

export function runningQueryItem(q: PersistentQueryInfo): Record<string, unknown> {
  return {
    queryString: q.sqlText,
    sinks: q.sink ? [q.sink] : [],
    sinkKafkaTopics: q.sinkTopic ? [q.sinkTopic] : [],
    id: q.id,
    statusCount: { [q.state]: 1 },
    queryType: 'PERSISTENT',
    state: q.state,
  };
}

export interface SourceDescriptionInput {
  source: DataSource;
  extended: boolean;
  readQueries: PersistentQueryInfo[];
  writeQueries: PersistentQueryInfo[];
  topic: TopicDescription | undefined;
  /** Names of sources derived from this one (DROP dependency info). */
  sourceConstraints: string[];
  /** DESCRIBE EXTENDED: the writing queries' counters, as `name: value` pairs. */
  statistics?: string;
}

export function sourceDescription(d: SourceDescriptionInput): Record<string, unknown> {
  const s = d.source;
  return {
    name: s.name,
    windowType: s.keyFormat.window?.type ?? null,
    readQueries: d.readQueries.map(runningQueryItem),
    writeQueries: d.writeQueries.map(runningQueryItem),
    fields: sourceFields(s),
    type: s.sourceType,
    timestamp: s.timestamp?.column ?? '',
    statistics: d.statistics ?? '',
    errorStats: '',
    extended: d.extended,
    keyFormat: s.keyFormat.format,
    valueFormat: s.valueFormat.format,
    topic: s.topic,
    partitions: d.extended ? (d.topic?.partitions ?? 0) : 0,
    replication: d.extended ? (d.topic?.replicationFactor ?? 0) : 0,
    statement: s.sqlText,
    queryOffsetSummaries: [],
    sourceConstraints: d.sourceConstraints,
    clusterStatistics: [],
    clusterErrorStats: [],
  };
}

export function functionListItem(f: FunctionDoc): Record<string, unknown> {
  return { name: f.name.toUpperCase(), type: f.kind, category: f.category };
}

export function describeFunction(statementText: string, f: FunctionDoc): KsqlEntity {
  return entity('describe_function', statementText, {
    name: f.name.toUpperCase(),
    description: f.description,
    author: f.author,
    version: f.version,
    path: f.path,
    functions: f.overloads.map((o) => ({
      arguments: o.arguments,
      returnType: o.returnType,
      description: o.description,
      argumentTypes: o.argumentTypes ?? o.arguments.map((a) => a.type),
    })),
    type: f.kind,
  });
}

/** SHOW PROPERTIES items: scope KSQL for ksql.*, STREAMS for ksql.streams.* and plain keys. */
/** Settings whose values are credentials: SHOW PROPERTIES names them but never prints them. */
const SECRET_PROPERTY = /password|secret|user\.info|sasl\.jaas\.config|credentials|api\.key/i;

export function propertyItems(all: Record<string, unknown>, overridden: Set<string>): Record<string, unknown>[] {
  return Object.keys(all)
    .sort()
    .map((name) => ({
      name,
      scope: name.startsWith('ksql.') && !name.startsWith('ksql.streams.') ? 'KSQL' : 'KAFKA_STREAMS',
      level: overridden.has(name) ? 'SESSION' : 'SERVER',
      value: all[name] === undefined || all[name] === null ? null : SECRET_PROPERTY.test(name) && !/\.source$/.test(name) ? '[hidden]' : String(all[name]),
    }));
}
