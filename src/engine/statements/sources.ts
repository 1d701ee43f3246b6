// CREATE STREAM/TABLE, DROP and ALTER of streams and tables (and the hidden query that
// materializes a CREATE SOURCE TABLE).

import { checkSourceReplace } from '../upgrades.js';
import type { AlterSource, CreateSource, DropSource } from '../../parser/ast.js';
import type { DataSource } from '../../catalog/model.js';
import type { PersistentQueryPlan, StoredQueryPlan } from '../../runtime/contract.js';
import { PROCESSING_LOG_STREAM } from '../../runtime/processing-log.js';
import { KsqlError } from '../api.js';
import { buildSchema, planCreateSource } from '../ddl.js';
import { currentStatus } from '../entities.js';
import { parseWithProperties } from '../../parser/with-properties.js';
import { sessionProperties, skipped, type EngineContext, type Prepared, type Session } from './context.js';
import { registerDeclaredSchemas, registerPinnedSchemas, registerWriterSchemas, type SideSchema } from '../../serde/register.js';

/** Why a CREATE of `kind` named `name` cannot take the name, or undefined when it can. */
export function existingConflict(ctx: EngineContext, kind: 'STREAM' | 'TABLE', name: string, orReplace: boolean): string | undefined {
  const existing = ctx.catalog.getSource(name);
  if (!existing) return undefined;
  const noun = kind.toLowerCase();
  if (existing.sourceType !== kind) {
    return `Cannot add ${noun} '${name}': A ${existing.sourceType.toLowerCase()} with the same name already exists`;
  }
  if (!orReplace) return `Cannot add ${noun} '${name}': A ${noun} with the same name already exists`;
  return undefined;
}

export async function prepareCreateSource(
  ctx: EngineContext,
  stmt: CreateSource,
  session: Session,
  sequence: number,
  stored?: StoredQueryPlan,
): Promise<Prepared | undefined> {
  const noun = stmt.sourceType.toLowerCase();
  const existing = ctx.catalog.getSource(stmt.name);
  if (stmt.orReplace && stmt.isSource) {
    throw new KsqlError(`Cannot add ${noun} '${stmt.name}': CREATE OR REPLACE is not supported on source ${noun}s.`);
  }
  if (existing) {
    if (stmt.ifNotExists && !stmt.orReplace) return skipped(stmt, `Cannot add ${noun} '${stmt.name}': A ${noun} with the same name already exists`);
    const conflict = existingConflict(ctx, stmt.sourceType, stmt.name, stmt.orReplace);
    if (conflict) throw new KsqlError(conflict);
    if (existing.isSource) {
      throw new KsqlError(`Cannot add ${noun} '${stmt.name}': CREATE OR REPLACE is not supported on source ${noun}s.`);
    }
    if (existing.createdByQuery) {
      throw new KsqlError(`Cannot add ${noun} '${stmt.name}': it is created by query ${existing.createdByQuery}; use CREATE OR REPLACE ... AS SELECT to change it.`);
    }
  }
  const props = sessionProperties(ctx, session);
  const withProps = parseWithProperties(stmt.properties, 'create');
  const topicName = withProps.KAFKA_TOPIC;
  const topic = typeof topicName === 'string' ? await ctx.log.describeTopic(topicName) : undefined;
  const planned = planCreateSource(stmt, ctx.catalog, props, topic, withProps);
  if (existing && stmt.orReplace && !ctx.queries.replaying) checkSourceReplace(existing, planned.source);
  if (existing && stmt.orReplace) registerEvolvedSchema(ctx, planned.source);
  else if (!existing && stmt.elements.length > 0) registerDeclaredSchema(ctx, planned.source);
  registerPinnedSchema(ctx, planned.source);
  const materialize = stmt.isSource && stmt.sourceType === 'TABLE' && props['ksql.source.table.materialization.enabled'] !== false;
  const hidden = materialize ? planSourceTable(ctx, planned.source, sequence, session.overrides, stored) : undefined;
  return {
    commandId: `${noun}/${stmt.name}/create`,
    ...(hidden ? { plan: hidden.plan } : {}),
    apply: async (sequence) => {
      if (planned.createTopic && !(await ctx.log.describeTopic(planned.createTopic.name))) {
        try {
          await ctx.log.createTopic(planned.createTopic.name, planned.createTopic.spec);
        } catch (e) {
          // Another server of this service id applying the same command created it first.
          if (!(await ctx.log.describeTopic(planned.createTopic.name))) throw e;
        }
      }
      ctx.catalog.putSource(planned.source);
      if (hidden) {
        ctx.catalog.putSource(hidden.plan.sink);
        ctx.queries.register(hidden.plan, stmt.text, hidden.overrides);
        ctx.queries.start(hidden.plan, hidden.overrides);
      }
      return currentStatus(stmt.text, `${noun}/${stmt.name}/create`, `${stmt.sourceType === 'STREAM' ? 'Stream' : 'Table'} created`, sequence);
    },
  };
}

/**
 * CREATE SOURCE TABLE: a hidden CST_<NAME>_<n> query keeps the table in a SQLite store for
 * pull queries. Planned before the command is written, so its plan is stored with it.
 */
function planSourceTable(
  ctx: EngineContext,
  source: DataSource,
  sequence: number,
  sessionOverrides: Record<string, unknown>,
  stored?: StoredQueryPlan,
): { plan: PersistentQueryPlan; overrides: Record<string, unknown> } | undefined {
  const service = ctx.queries.service;
  // The table is the whole topic, including what was written before it was declared.
  const overrides = { ...sessionOverrides, 'auto.offset.reset': 'earliest' };
  if (stored) return { plan: service.restorePersistent(stored), overrides };
  if (!service.planSourceTable) return undefined;
  const qctx = ctx.queries.context(overrides);
  // The source is registered only when the command applies; the plan already reads it.
  const catalog = { getSource: (n: string) => (n === source.name ? source : qctx.catalog.getSource(n)), getType: (n: string) => qctx.catalog.getType(n) };
  return { plan: service.planSourceTable(source, `CST_${source.name}_${sequence}`, { ...qctx, catalog }), overrides };
}

export async function prepareDropSource(ctx: EngineContext, stmt: DropSource): Promise<Prepared | undefined> {
  const source = ctx.catalog.getSource(stmt.name);
  const noun = stmt.sourceType === 'STREAM' ? 'Stream' : 'Table';
  if (!source) {
    if (stmt.ifExists) return skipped(stmt, `Source \`${stmt.name}\` does not exist.`);
    throw new KsqlError(`${noun} ${stmt.name} does not exist.`);
  }
  if (source.sourceType !== stmt.sourceType) {
    throw new KsqlError(`Incompatible data source type is ${source.sourceType}, but statement was DROP ${stmt.sourceType}`);
  }
  if (stmt.deleteTopic && source.isSource) throw new KsqlError(`Cannot delete topic for read-only source: ${stmt.name}`);
  if (source.name === PROCESSING_LOG_STREAM && source.topic === ctx.processingLog.topic && stmt.deleteTopic) {
    throw new KsqlError(`Cannot delete the processing log topic ${source.topic}`);
  }
  // A SOURCE TABLE's own CST_ query reads it to materialize it; DROP stops that query.
  const readers = ctx.catalog.readersOf(stmt.name).filter((q) => q.id !== source.createdByQuery);
  const derived = readers.filter((q) => q.sink !== stmt.name && ctx.catalog.getSource(q.sink)?.createdByQuery === q.id);
  if (derived.length > 0) {
    throw new KsqlError(
      `Cannot drop ${stmt.name}.\nThe following streams and/or tables read from this source: [${derived.map((q) => q.sink).join(', ')}].\nYou need to drop them before dropping ${stmt.name}.`,
    );
  }
  const otherReaders = readers.filter((q) => !derived.includes(q));
  const otherWriters = ctx.catalog.writersOf(stmt.name).filter((q) => q.id !== source.createdByQuery);
  if (otherReaders.length > 0 || otherWriters.length > 0) {
    throw new KsqlError(
      `Cannot drop ${stmt.name}.\nThe following queries read from this source: [${otherReaders.map((q) => q.id).join(', ')}].\nThe following queries write into this source: [${otherWriters.map((q) => q.id).join(', ')}].\nYou need to terminate them before dropping ${stmt.name}.`,
    );
  }
  const commandId = `${stmt.sourceType.toLowerCase()}/${stmt.name}/drop`;
  return {
    commandId,
    apply: async (seq) => {
      if (source.createdByQuery) await ctx.queries.stop(source.createdByQuery, true);
      ctx.catalog.removeSource(stmt.name);
      if (stmt.deleteTopic) {
        await ctx.log.deleteTopic(source.topic).catch(() => undefined);
      }
      return currentStatus(stmt.text, commandId, `Source \`${stmt.name}\` (topic: ${source.topic}) was dropped.`, seq);
    },
  };
}

export async function prepareAlterSource(ctx: EngineContext, stmt: AlterSource): Promise<Prepared> {
  const noun = stmt.sourceType.toLowerCase();
  const source = ctx.catalog.getSource(stmt.name);
  if (!source) throw new KsqlError(`Source ${stmt.name} does not exist.`);
  if (source.sourceType !== stmt.sourceType) {
    throw new KsqlError(`Incompatible data source type is ${source.sourceType}, but statement was ALTER ${stmt.sourceType}`);
  }
  if (source.isSource) throw new KsqlError(`Cannot alter ${noun} '${stmt.name}': ALTER operations are not supported on source ${noun}s.`);
  if (source.createdByQuery) {
    throw new KsqlError(`ALTER command is not supported for CREATE ${stmt.sourceType} AS SELECT statements.`);
  }
  const added = buildSchema({ sourceType: stmt.sourceType, elements: stmt.addColumns }, ctx.catalog);
  const existing = new Set([...source.schema.key, ...source.schema.value].map((c) => c.name));
  for (const c of [...added.key, ...added.value]) {
    if (existing.has(c.name)) {
      throw new KsqlError(`Cannot add column \`${c.name}\` to schema. A column with the same name already exists.`);
    }
  }
  if (added.key.length > 0) throw new KsqlError('Cannot add key columns with ALTER: only value columns can be added.');
  registerEvolvedSchema(ctx, { ...source, schema: { key: source.schema.key, value: [...source.schema.value, ...added.value] } });
  const commandId = `${noun}/${stmt.name}/alter`;
  return {
    commandId,
    apply: async (seq) => {
      ctx.catalog.putSource({
        ...source,
        schema: { key: source.schema.key, value: [...source.schema.value, ...added.value] },
      });
      return currentStatus(stmt.text, commandId, `${stmt.sourceType === 'STREAM' ? 'Stream' : 'Table'} altered`, seq);
    },
  };
}

function sidesOf(source: DataSource): SideSchema[] {
  return [
    { format: source.keyFormat.format, columns: source.schema.key, side: 'key' as const, ...(source.keyFormat.options ? { options: source.keyFormat.options } : {}) },
    { format: source.valueFormat.format, columns: source.schema.value.filter((c) => c.namespace === 'VALUE'), side: 'value' as const, ...(source.valueFormat.options ? { options: source.valueFormat.options } : {}) },
  ];
}

/** A changed source on a schema-registry format registers its new schema now: an incompatible change fails the statement. */
function registerEvolvedSchema(ctx: EngineContext, source: DataSource): void {
  if (ctx.queries.replaying) return;
  try {
    registerWriterSchemas(source.topic, sidesOf(source));
  } catch (e) {
    throw new KsqlError(`Could not register schema for topic: ${(e as Error).message}`);
  }
}

/** A source pinned to schema ids (KEY_/VALUE_SCHEMA_ID) registers those schemas under its topic's subjects. */
export function registerPinnedSchema(ctx: EngineContext, source: DataSource): void {
  if (ctx.queries.replaying) return;
  try {
    registerPinnedSchemas(source.topic, sidesOf(source));
  } catch (e) {
    throw new KsqlError(`Could not register schema for topic: ${(e as Error).message}`);
  }
}

/** A new source with declared columns on a schema-registry format registers them where the topic has no schema yet. */
function registerDeclaredSchema(ctx: EngineContext, source: DataSource): void {
  if (ctx.queries.replaying) return;
  try {
    registerDeclaredSchemas(source.topic, sidesOf(source));
  } catch (e) {
    throw new KsqlError(`Could not register schema for topic: ${(e as Error).message}`);
  }
}
