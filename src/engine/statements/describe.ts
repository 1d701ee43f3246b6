// DESCRIBE of streams, tables and functions, and the description of a persistent query
// that SHOW QUERIES EXTENDED and EXPLAIN <id> answer with.

import type { DescribeSource, DescribeSources } from '../../parser/ast.js';
import type { PersistentQueryInfo } from '../../catalog/model.js';
import { KsqlError, type KsqlEntity } from '../api.js';
import { describeFunction, entity, schemaInfo, sourceDescription } from '../entities.js';
import type { EngineContext } from './context.js';
import { registeredSchemasOf } from '../../serde/register.js';
import type { CatchUp } from '../../runtime/catch-up.js';

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
    ...(extended ? { statistics: await writerStatistics(ctx, writeQueries) } : {}),
  });
  if (extended) {
    const catchUp = await catchUpOf(ctx, writeQueries);
    if (catchUp.length) body.catchUp = catchUp;
  }
  if (extended) {
    const schemas = registeredSchemasOf(source.topic, [source.keyFormat, source.valueFormat]);
    if (schemas.length) body.schemaRegistry = schemas;
  }
  return body;
}

/** ksqlDB's `name: value` statistics text, summed over the queries writing a source. */
async function writerStatistics(ctx: EngineContext, writers: PersistentQueryInfo[]): Promise<string> {
  const sums = new Map<string, number>();
  const add = (k: string, v: number) => sums.set(k, (sums.get(k) ?? 0) + v);
  for (const q of writers) for (const [k, v] of Object.entries(ctx.queries.handle(q.id)?.statistics?.() ?? {})) add(k, v);
  for (const c of await catchUpOf(ctx, writers)) {
    add('consumer-total-messages', c.processed);
    add('consumer-messages-per-sec', c.recordsPerSecond);
    add('records-behind', c.behind);
  }
  return [...sums].map(([k, v]) => `${k}: ${v}`).join(' ');
}

/** How far each running query is behind the end of its sources. */
async function catchUpOf(ctx: EngineContext, queries: PersistentQueryInfo[]): Promise<Array<CatchUp & { queryId: string }>> {
  const out = [];
  for (const q of queries) {
    const c = await ctx.queries.handle(q.id)?.catchUp?.();
    if (c) out.push({ queryId: q.id, ...c });
  }
  return out;
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

export async function queryDescription(ctx: EngineContext, q: PersistentQueryInfo): Promise<Record<string, unknown>> {
  const catchUp = await ctx.queries.handle(q.id)?.catchUp?.();
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
    queryErrors: ctx.queries.errorsOf(q.id),
    tasksMetadata: [],
    state: ctx.queries.live(q).state,
    ...(catchUp ? { catchUp } : {}),
  };
}
