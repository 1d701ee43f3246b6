// Planning of persistent (CSAS, CTAS, INSERT INTO) and transient (push, pull) SELECTs into
// the physical plan the runtime executes, plus the EXPLAIN text.

import type { CatalogView, DataSource } from '../../catalog/model.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import type { TopicSpec } from '../../log/topic-log.js';
import type { CreateAsSelect, InsertInto, Query } from '../../parser/ast.js';
import { formatSchema, type LogicalSchema } from '../../common/types.js';
import { analyzeQuery, resultSchema, schemasEqual, type AnalyzedQuery, type QueryMode } from './analyze.js';
import { QueryPlanningError } from './errors.js';
import { propertyMap, sinkFormats, sinkTimestamp, sinkTopicName } from './sink.js';

export interface PersistentPhysicalPlan {
  queryId: string;
  analysis: AnalyzedQuery;
  sink: DataSource;
  /** Output column (keys then values) whose value becomes the record timestamp. */
  sinkTimestamp?: { index: number; format?: string };
  /** The sink is a table materialized in a SQLite store. */
  materialize: boolean;
  /** False for SOURCE TABLE materialization: the rows only go to the store. */
  produce: boolean;
  explain: string;
}

export interface PlanContext {
  catalog: CatalogView;
  functions: FunctionRegistry;
  properties: Record<string, unknown>;
  /** Partition count of a topic when it is known without I/O (for inherited sink partitions). */
  partitionsOf?: (topic: string) => number | undefined;
}

const QUERY_ID_PATTERN = /^[A-Za-z0-9_]+$/;

export function planPersistentQuery(
  statement: CreateAsSelect | InsertInto,
  queryId: string,
  ctx: PlanContext,
): { physical: PersistentPhysicalPlan; sinkTopic: TopicSpec; inheritPartitionsFrom?: string } {
  const props = propertyMap(statement);
  const sinkName = statement.kind === 'CreateAsSelect' ? statement.name : statement.target;
  let target: DataSource | undefined;
  if (statement.kind === 'InsertInto') {
    target = ctx.catalog.getSource(statement.target);
    if (!target) throw new QueryPlanningError(`Line: ${statement.loc.line}, Col: ${statement.loc.column}: Source \`${statement.target}\` does not exist.`);
    if (target.sourceType === 'TABLE') {
      throw new QueryPlanningError(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`);
    }
    if (target.isSource) throw new QueryPlanningError(`Cannot insert into read-only stream: ${target.name}`);
    if (target.schema.value.some((c) => c.namespace === 'HEADER')) {
      throw new QueryPlanningError(`Cannot insert into ${target.name} because it has header columns`);
    }
    const qid = props.get('QUERY_ID');
    if (qid !== undefined && !QUERY_ID_PATTERN.test(String(qid))) {
      throw new QueryPlanningError(`Query IDs may contain only alphanumeric characters and '_'. Got: '${String(qid)}'`);
    }
  }

  const analysis = analyzeQuery(statement.query, {
    mode: 'persistent',
    catalog: ctx.catalog,
    functions: ctx.functions,
    sinkName,
    ...(ctx.partitionsOf ? { partitionsOf: ctx.partitionsOf } : {}),
    properties: ctx.properties,
  });
  if (analysis.source.sourceType === 'TABLE' && analysis.source.keyFormat.window) {
    throw new QueryPlanningError('KSQL does not support persistent queries on windowed tables.');
  }
  if (statement.kind === 'CreateAsSelect' && statement.sourceType !== analysis.resultType) {
    throw new QueryPlanningError(
      `Invalid result type. Your SELECT query produces a ${analysis.resultType}. Please use CREATE ${analysis.resultType} AS SELECT statement instead.`,
    );
  }
  const schema = resultSchema(analysis);
  const partitionByNull = analysis.partitionBy !== undefined && analysis.partitionBy.exprs.length === 0;

  let sink: DataSource;
  let sinkTopic: TopicSpec;
  let inheritPartitionsFrom: string | undefined;
  if (statement.kind === 'InsertInto') {
    sink = target!;
    if (!schemasEqual(schema, sink.schema)) {
      throw new QueryPlanningError(
        `Incompatible schema between results and sink.\nResult schema is ${formatSchema(schema)}\nSink schema is ${formatSchema(sink.schema)}`,
      );
    }
    sinkTopic = { partitions: ctx.partitionsOf?.(analysis.source.topic) ?? 1 };
    inheritPartitionsFrom = analysis.source.topic;
  } else {
    const formats = sinkFormats(props, analysis.source, schema, ctx.properties, partitionByNull);
    const window = analysis.aggregate?.window;
    if (window) formats.keyFormat.window = window.type === 'SESSION' ? { type: 'SESSION' } : { type: window.type, sizeMs: window.sizeMs };
    // Queries over a windowed source keep the windowed key.
    else if (!analysis.aggregate && !analysis.join && analysis.source.keyFormat.window) formats.keyFormat.window = { ...analysis.source.keyFormat.window };
    const topic = sinkTopicName(statement.name, props, ctx.properties);
    const timestamp = sinkTimestamp(props, schema);
    sink = {
      name: statement.name,
      sourceType: statement.sourceType,
      schema,
      topic,
      keyFormat: formats.keyFormat,
      valueFormat: formats.valueFormat,
      ...(timestamp ? { timestamp } : {}),
      isSource: false,
      sqlText: statement.text,
      createdByQuery: queryId,
      ...(statement.sourceType === 'TABLE' ? { stateStore: queryId } : {}),
    };
    const partitions = props.get('PARTITIONS');
    const replicas = props.get('REPLICAS');
    const configs: Record<string, string> = {};
    const retention = props.get('RETENTION_MS');
    if (retention !== undefined) configs['retention.ms'] = String(retention);
    const cleanup = props.get('CLEANUP_POLICY');
    if (cleanup !== undefined) configs['cleanup.policy'] = String(cleanup);
    else if (statement.sourceType === 'TABLE') configs['cleanup.policy'] = 'compact';
    sinkTopic = {
      partitions: partitions !== undefined ? Number(partitions) : (ctx.partitionsOf?.(analysis.source.topic) ?? 1),
      ...(replicas !== undefined ? { replicationFactor: Number(replicas) } : {}),
      configs,
    };
    if (partitions === undefined) inheritPartitionsFrom = analysis.source.topic;
  }

  let tsIndex: PersistentPhysicalPlan['sinkTimestamp'];
  if (sink.timestamp) {
    const all = [...sink.schema.key, ...sink.schema.value];
    const index = all.findIndex((c) => c.name === sink.timestamp!.column);
    if (index >= 0) tsIndex = { index, ...(sink.timestamp.format ? { format: sink.timestamp.format } : {}) };
  }

  const physical: PersistentPhysicalPlan = {
    queryId,
    analysis,
    sink,
    ...(tsIndex ? { sinkTimestamp: tsIndex } : {}),
    materialize: sink.sourceType === 'TABLE',
    produce: true,
    explain: '',
  };
  physical.explain = explainPlan(analysis, queryId, sink);
  return { physical, sinkTopic, ...(inheritPartitionsFrom ? { inheritPartitionsFrom } : {}) };
}

/** CREATE SOURCE TABLE: a hidden query (CST_<NAME>_<n>) that materializes the table for pull queries. */
export function planSourceTableQuery(source: DataSource, queryId: string, ctx: PlanContext): PersistentPhysicalPlan {
  if (source.sourceType !== 'TABLE') throw new QueryPlanningError(`Only tables can be materialized; ${source.name} is a stream.`);
  const query: Query = { select: [{ kind: 'AllColumns' }], from: { name: source.name }, joins: [] };
  const analysis = analyzeQuery(query, { mode: 'persistent', catalog: ctx.catalog, functions: ctx.functions, sinkName: source.name });
  const sink: DataSource = { ...source, stateStore: queryId, createdByQuery: queryId };
  const physical: PersistentPhysicalPlan = { queryId, analysis, sink, materialize: true, produce: false, explain: '' };
  physical.explain = explainPlan(analysis, queryId, sink);
  return physical;
}

export function planTransientQuery(query: Query, ctx: PlanContext, mode: QueryMode): AnalyzedQuery {
  return analyzeQuery(query, { mode, catalog: ctx.catalog, functions: ctx.functions, properties: ctx.properties });
}

// ---------------------------------------------------------------- EXPLAIN

function schemaOf(cols: { name: string; type: import('../../common/types.js').SqlType; namespace: string }[]): string {
  const schema: LogicalSchema = {
    key: cols.filter((c) => c.namespace === 'KEY').map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' })),
    value: cols.filter((c) => c.namespace !== 'KEY').map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' })),
  };
  return formatSchema(schema);
}

export function explainPlan(a: AnalyzedQuery, queryId: string, sink?: DataSource): string {
  const logical: string[] = [];
  const physical: string[] = [];
  const src = a.source;
  const sourceSchema = formatSchema(src.schema);
  logical.push(`Source: ${src.name} (${src.sourceType}, topic '${src.topic}', key ${src.keyFormat.format}, value ${src.valueFormat.format}) | Schema: ${sourceSchema}`);
  physical.push(`[ SOURCE ] | Schema: ${sourceSchema} | Logger: ${queryId}.KsqlTopic.Source`);
  if (a.where) {
    logical.push(`Filter: ${a.where.text}`);
    physical.push(`[ FILTER ] | Schema: ${sourceSchema} | Logger: ${queryId}.WhereFilter`);
  }
  if (a.partitionBy) {
    const by = a.partitionBy.exprs.length === 0 ? 'null' : a.partitionBy.exprs.map((e) => e.text).join(', ');
    logical.push(`Repartition: PARTITION BY ${by}`);
    physical.push(`[ PARTITION_BY ] | Key: ${a.partitionBy.names.join(', ') || '(none)'} | Logger: ${queryId}.PartitionBy`);
  }
  if (a.tableFunctions.length > 0) {
    logical.push(`FlatMap: ${a.tableFunctions.map((t) => t.text).join(', ')}`);
    physical.push(`[ FLAT_MAP ] | Functions: ${a.tableFunctions.map((t) => t.text).join(', ')} | Logger: ${queryId}.FlatMap`);
  }
  const projected = schemaOf(a.selected);
  logical.push(`Project: ${a.selected.map((c) => `${c.expr.text} AS ${c.name}`).join(', ')}`);
  physical.push(`[ PROJECT ] | Schema: ${projected} | Logger: ${queryId}.Project`);
  if (sink) {
    const sinkSchema = formatSchema(sink.schema);
    logical.push(`Sink: ${sink.name} (${sink.sourceType}, topic '${sink.topic}', key ${sink.keyFormat.format}, value ${sink.valueFormat.format})`);
    physical.push(`[ SINK ] | Schema: ${sinkSchema} | Logger: ${queryId}.${sink.name}`);
    if (sink.sourceType === 'TABLE') physical.push(`[ MATERIALIZE ] | SQLite store: ${queryId} | Logger: ${queryId}.Materialize`);
  } else if (a.limit !== undefined) {
    logical.push(`Limit: ${a.limit}`);
  }
  const lines = ['Logical plan:'];
  logical.forEach((l, i) => lines.push(`${'  '.repeat(i + 1)}${l}`));
  lines.push('', 'Physical plan:');
  physical
    .slice()
    .reverse()
    .forEach((p, i) => lines.push(`${'\t\t'.repeat(i)} > ${p}`));
  return lines.join('\n');
}
