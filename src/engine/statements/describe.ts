// DESCRIBE of streams, tables and functions, and the description of a persistent query
// that SHOW QUERIES EXTENDED and EXPLAIN <id> answer with.

import type { DescribeSource, DescribeSources } from '../../parser/ast.js';
import type { PersistentQueryInfo } from '../../catalog/model.js';
import { KsqlError, type KsqlEntity } from '../api.js';
import { describeFunction, entity, schemaInfo, sourceDescription } from '../entities.js';
import type { EngineContext } from './context.js';
import { registeredSchemasOf } from '../../serde/register.js';

export async function describeSourceBody(ctx: EngineContext, name: string, extended: boolean): Promise<Record<string, unknown>> {
  const source = ctx.catalog.getSource(name);
  if (!source) throw new KsqlError(`Could not find STREAM/TABLE '${name}' in the Metastore`);
  const readQueries = ctx.catalog.readersOf(name);
  const writeQueries = ctx.catalog.writersOf(name);
  const derived = readQueries.filter((q) => q.sink !== name && ctx.catalog.getSource(q.sink)?.createdByQuery === q.id).map((q) => q.sink);
  const body = sourceDescription({
    source,
    extended,
    readQueries: readQueries.map((q) => ctx.queries.live(q)),
    writeQueries: writeQueries.map((q) => ctx.queries.live(q)),
    topic: extended ? await ctx.log.describeTopic(source.topic) : undefined,
    sourceConstraints: derived,
    ...(extended ? { statistics: writerStatistics(ctx, writeQueries) } : {}),
  });
  if (extended) {
    const schemas = registeredSchemasOf(source.topic, [source.keyFormat, source.valueFormat]);
    if (schemas.length) body.schemaRegistry = schemas;
  }
  return body;
}

/** ksqlDB's `name: value` statistics text, summed over the queries writing a source. */
function writerStatistics(ctx: EngineContext, writers: PersistentQueryInfo[]): string {
  const sums = new Map<string, number>();
  for (const q of writers) for (const [k, v] of Object.entries(ctx.queries.handle(q.id)?.statistics?.() ?? {})) sums.set(k, (sums.get(k) ?? 0) + v);
  return [...sums].map(([k, v]) => `${k}: ${v}`).join(' ');
}

export async function describeSource(ctx: EngineContext, stmt: DescribeSource): Promise<KsqlEntity> {
  return entity('sourceDescription', stmt.text, { sourceDescription: await describeSourceBody(ctx, stmt.name, stmt.extended) });
}

export async function describeSources(ctx: EngineContext, stmt: DescribeSources): Promise<KsqlEntity> {
  const out = [];
  for (const s of ctx.catalog.listSources(stmt.sourceType)) out.push(await describeSourceBody(ctx, s.name, stmt.extended));
  return entity('source_descriptions', stmt.text, { sourceDescriptions: out });
}

export function describeFunctionEntity(ctx: EngineContext, name: string, text: string): KsqlEntity {
  const doc = ctx.functions.describe(name);
  if (!doc) throw new KsqlError(`Can't find any functions with the name '${name}'`);
  return describeFunction(text, doc);
}

export function queryDescription(ctx: EngineContext, q: PersistentQueryInfo): Record<string, unknown> {
  const plan = ctx.queries.plan(q.id);
  const sink = ctx.catalog.getSource(q.sink);
  return {
    id: q.id,
    statementText: q.sqlText,
    windowType: sink?.keyFormat.window?.type ?? null,
    fields: sink ? [...sink.schema.key, ...sink.schema.value].map((c) => ({ name: c.name, schema: schemaInfo(c.type), ...(c.namespace === 'KEY' ? { type: 'KEY' } : {}) })) : [],
    sources: q.sources,
    sinks: [q.sink],
    topology: plan?.topology ?? '',
    executionPlan: plan?.explain ?? '',
    overriddenProperties: ctx.queries.overridesOf(q.id),
    ksqlHostQueryStatus: {},
    queryType: 'PERSISTENT',
    queryErrors: [],
    tasksMetadata: [],
    state: ctx.queries.live(q).state,
  };
}
