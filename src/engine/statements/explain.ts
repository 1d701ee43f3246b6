// EXPLAIN of a query id, a SELECT, or a CREATE ... AS SELECT / INSERT INTO.

import type { Explain } from '../../parser/ast.js';
import { KsqlError, type KsqlEntity } from '../api.js';
import { entity, schemaInfo } from '../entities.js';
import type { EngineContext, Session } from './context.js';
import { queryIdFor } from './create-as-select.js';
import { queryDescription } from './describe.js';

export async function explain(ctx: EngineContext, stmt: Explain, session: Session): Promise<KsqlEntity> {
  if (stmt.queryId !== undefined) {
    const q = ctx.catalog.getQuery(stmt.queryId);
    if (!q) throw new KsqlError(`Query with id:${stmt.queryId} does not exist, use SHOW QUERIES to view the full set of queries.`);
    return entity('queryDescription', stmt.text, { queryDescription: await queryDescription(ctx, q) });
  }
  const inner = stmt.statement!;
  const qctx = ctx.queries.context(session.overrides);
  if (inner.kind === 'Select') {
    const text = ctx.queries.service.explainSelect(inner, qctx);
    return entity('queryDescription', stmt.text, {
      queryDescription: {
        id: '', statementText: inner.text, windowType: null, fields: [], sources: [inner.query.from.name], sinks: [],
        topology: text, executionPlan: text, overriddenProperties: session.overrides, ksqlHostQueryStatus: {},
        queryType: 'PUSH', queryErrors: [], tasksMetadata: [], state: null,
      },
    });
  }
  if (inner.kind === 'CreateAsSelect' || inner.kind === 'InsertInto') {
    const plan = ctx.queries.service.planPersistent(inner, queryIdFor(inner, 'EXPLAIN'), qctx);
    // EXPLAIN CREATE OR REPLACE of a running query: what the replacement would change.
    const replaced = inner.kind === 'CreateAsSelect' && inner.orReplace ? ctx.catalog.getSource(inner.name)?.createdByQuery : undefined;
    const upgrade = replaced ? ctx.queries.upgrades.report(replaced, ctx.queries.upgrades.inputFor(plan)) : undefined;
    return entity('queryDescription', stmt.text, {
      queryDescription: {
        id: plan.queryId, statementText: inner.text, windowType: plan.sink.keyFormat.window?.type ?? null,
        fields: [...plan.sink.schema.key, ...plan.sink.schema.value].map((c) => ({ name: c.name, schema: schemaInfo(c.type), ...(c.namespace === 'KEY' ? { type: 'KEY' } : {}) })),
        sources: plan.sources, sinks: [plan.sink.name], topology: plan.topology, executionPlan: plan.explain,
        overriddenProperties: session.overrides, ksqlHostQueryStatus: {}, queryType: 'PERSISTENT', queryErrors: [],
        tasksMetadata: [], state: null, ...(upgrade ? { upgrade: { queryId: replaced, ...upgrade } } : {}),
      },
    });
  }
  throw new KsqlError('EXPLAIN is only supported for SELECT, CREATE ... AS SELECT and INSERT INTO statements, or a query id.');
}
