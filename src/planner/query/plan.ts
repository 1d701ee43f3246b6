// Planning of persistent (CSAS, CTAS, INSERT INTO) and transient (push, pull) SELECTs into
// the step tree (src/plan/steps.ts) the runtime builds its operators from.

import type { CatalogView, DataSource } from '../../catalog/model.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import type { TopicSpec } from '../../log/topic-log.js';
import type { CreateAsSelect, InsertInto, Query } from '../../parser/ast.js';
import { formatSchema } from '../../common/types.js';
import type { QueryPlan } from '../../plan/steps.js';
import { analyzeQuery, resultSchema, schemasEqual, type QueryMode } from './analyze.js';
import { lowerQuery, type SinkSpec } from './lower.js';
import { QueryPlanningError } from './errors.js';
import { applyWindowWith } from './window-settings.js';
import { pinSinkSchemas, propertyColumnName, propertyMap, sinkFormats, sinkTimestamp, sinkTopicName } from './sink.js';
import { sanitizedStatementText } from './statement-text.js';

export interface PlanContext {
  catalog: CatalogView;
  functions: FunctionRegistry;
  properties: Record<string, unknown>;
  /** Partition count of a topic when it is known without I/O (for inherited sink partitions). */
  partitionsOf?: (topic: string) => number | undefined;
}

const QUERY_ID_PATTERN = /^[A-Za-z0-9_]+$/;

type PersistentPlan = { plan: QueryPlan; sinkTopic: TopicSpec; inheritPartitionsFrom?: string };

/**
 * Plans CSAS/CTAS/INSERT INTO. A CSAS/CTAS that cannot be planned fails with `statementText`
 * set on the error: the statement as ksqlDB's errors name it (see statement-text.ts).
 */
export function planPersistentQuery(statement: CreateAsSelect | InsertInto, queryId: string, ctx: PlanContext): PersistentPlan {
  try {
    return planPersistent(statement, queryId, ctx);
  } catch (e) {
    if (statement.kind === 'CreateAsSelect' && e instanceof Error && (e as { statementText?: string }).statementText === undefined) {
      try {
        (e as { statementText?: string }).statementText = sanitizedStatementText(statement, ctx.catalog);
      } catch {
        // The planning error is what matters; its statement text is only a courtesy.
      }
    }
    throw e;
  }
}

function planPersistent(statement: CreateAsSelect | InsertInto, queryId: string, ctx: PlanContext): PersistentPlan {
  const props = propertyMap(statement);
  const sinkName = statement.kind === 'CreateAsSelect' ? statement.name : statement.target;
  let target: DataSource | undefined;
  if (statement.kind === 'InsertInto') {
    target = ctx.catalog.getSource(statement.target);
    if (!target) {
      const loc = statement.targetLoc ?? statement.loc;
      throw new QueryPlanningError(`Line: ${loc.line}, Col: ${loc.column}: Source \`${statement.target}\` does not exist.`);
    }
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
    ...(statement.kind === 'CreateAsSelect' && props.get('TIMESTAMP') !== undefined && props.get('TIMESTAMP') !== null
      ? { sinkTimestampColumn: propertyColumnName(props.get('TIMESTAMP')) }
      : {}),
  });
  applyWindowWith(analysis.aggregate?.window, analysis.aggregate?.emitFinal ?? false, props);
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
    if (window) formats.keyFormat.window = window.type === 'SESSION' || window.type === 'COUNT' ? { type: window.type } : { type: window.type, sizeMs: window.sizeMs };
    // Queries over a windowed source keep the windowed key (a join's: its leftmost source's).
    else if (!analysis.aggregate && analysis.source.keyFormat.window) formats.keyFormat.window = { ...analysis.source.keyFormat.window };
    const topic = sinkTopicName(statement.name, props, ctx.properties);
    pinSinkSchemas(props, formats, schema, topic);
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

  let tsIndex: SinkSpec['sinkTimestamp'];
  if (sink.timestamp) {
    const all = [...sink.schema.key, ...sink.schema.value];
    const index = all.findIndex((c) => c.name === sink.timestamp!.column);
    if (index >= 0) tsIndex = { index, ...(sink.timestamp.format ? { format: sink.timestamp.format } : {}) };
  }

  const plan = lowerQuery(analysis, queryId, {
    sink,
    ...(tsIndex ? { sinkTimestamp: tsIndex } : {}),
    materialize: sink.sourceType === 'TABLE',
    produce: true,
  }, (n) => ctx.catalog.getType(n));
  return { plan, sinkTopic, ...(inheritPartitionsFrom ? { inheritPartitionsFrom } : {}) };
}

/** CREATE SOURCE TABLE: a hidden query (CST_<NAME>_<n>) that materializes the table for pull queries. */
export function planSourceTableQuery(source: DataSource, queryId: string, ctx: PlanContext): QueryPlan {
  if (source.sourceType !== 'TABLE') throw new QueryPlanningError(`Only tables can be materialized; ${source.name} is a stream.`);
  const query: Query = { select: [{ kind: 'AllColumns' }], from: { name: source.name }, joins: [] };
  const analysis = analyzeQuery(query, { mode: 'persistent', catalog: ctx.catalog, functions: ctx.functions, sinkName: source.name });
  const sink: DataSource = { ...source, stateStore: queryId, createdByQuery: queryId };
  return lowerQuery(analysis, queryId, { sink, materialize: true, produce: false });
}

export function planTransientQuery(query: Query, ctx: PlanContext, mode: QueryMode, queryId = 'transient'): QueryPlan {
  const analysis = analyzeQuery(query, { mode, catalog: ctx.catalog, functions: ctx.functions, properties: ctx.properties });
  return lowerQuery(analysis, queryId, undefined, (n) => ctx.catalog.getType(n));
}
