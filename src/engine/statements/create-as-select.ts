// CREATE STREAM/TABLE ... AS SELECT (and CREATE OR REPLACE of one): plans the persistent
// query, creates its sink, registers and starts it.

import type { CreateAsSelect, InsertInto } from '../../parser/ast.js';
import type { PersistentQueryInfo } from '../../catalog/model.js';
import type { StoredQueryPlan } from '../../runtime/contract.js';
import { ensureSinkTopic } from '../../runtime/sink-topic.js';
import { KsqlError } from '../api.js';
import { currentStatus } from '../entities.js';
import { skipped, type EngineContext, type Prepared, type Session } from './context.js';
import { existingConflict, registerPinnedSchema } from './sources.js';

/** CSAS_<SINK>_<n> / CTAS_<SINK>_<n> / INSERTQUERY_<n>. */
export function queryIdFor(stmt: CreateAsSelect | InsertInto, n: string): string {
  if (stmt.kind === 'InsertInto') return `INSERTQUERY_${n}`;
  return `${stmt.sourceType === 'STREAM' ? 'CSAS' : 'CTAS'}_${stmt.name.toUpperCase()}_${n}`;
}

export async function prepareCreateAsSelect(
  ctx: EngineContext,
  stmt: CreateAsSelect,
  session: Session,
  sequence: number,
  stored?: StoredQueryPlan,
): Promise<Prepared | undefined> {
  const noun = stmt.sourceType.toLowerCase();
  const existing = ctx.catalog.getSource(stmt.name);
  let queryId = queryIdFor(stmt, String(sequence));
  let replacing: PersistentQueryInfo | undefined;
  if (existing) {
    if (stmt.ifNotExists && !stmt.orReplace) return skipped(stmt, `Cannot add ${noun} '${stmt.name}': A ${noun} with the same name already exists`);
    const conflict = existingConflict(ctx, stmt.sourceType, stmt.name, stmt.orReplace);
    if (conflict) throw new KsqlError(conflict);
    if (existing.isSource) throw new KsqlError(`Cannot add ${noun} '${stmt.name}': CREATE OR REPLACE is not supported on source ${noun}s.`);
    const writers = ctx.catalog.writersOf(stmt.name);
    if (writers.length > 1) {
      throw new KsqlError(
        `Cannot upgrade data source '${stmt.name}' because it is written to by more than one query: ${writers.map((w) => w.id).join(', ')}`,
      );
    }
    if (existing.createdByQuery) {
      replacing = ctx.catalog.getQuery(existing.createdByQuery);
      if (replacing) queryId = replacing.id;
    }
  }
  // The planner reads the WITH clause and refuses a SELECT whose result type differs from
  // the statement's ("Invalid result type").
  const plan = stored ? ctx.queries.service.restorePersistent(stored) : ctx.queries.service.planPersistent(stmt, queryId, ctx.queries.context(session.overrides));
  const upgradeInput = ctx.queries.upgrades.inputFor(plan);
  // A refused replacement fails here, before the running query is touched.
  if (replacing && !ctx.queries.replaying) ctx.queries.upgrades.check(replacing.id, upgradeInput);
  if (!stored) registerPinnedSchema(ctx, plan.sink);
  const commandId = `${noun}/${stmt.name}/create`;
  return {
    commandId,
    plan,
    apply: async (seq) => {
      if (replacing) await ctx.queries.stop(replacing.id, false);
      await ensureSinkTopic(ctx.log, plan.sink.topic, plan.sinkTopic, plan.inheritPartitionsFrom);
      ctx.catalog.putSource({ ...plan.sink, createdByQuery: queryId, sqlText: stmt.text });
      ctx.queries.register(plan, stmt.text, session.overrides);
      ctx.queries.upgrades.remember(queryId, upgradeInput);
      ctx.queries.start(plan, session.overrides);
      return currentStatus(stmt.text, commandId, `Created query with ID ${queryId}`, seq, queryId);
    },
  };
}
