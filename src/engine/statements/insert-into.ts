// INSERT INTO <stream> SELECT: a persistent query writing into an existing stream. The
// planner checks the target (exists, is a writable stream without header columns) and the
// QUERY_ID's characters; the id's uniqueness and reserved prefixes are checked here.

import type { InsertInto } from '../../parser/ast.js';
import { KsqlError } from '../api.js';
import { currentStatus } from '../entities.js';
import { parseWithProperties } from '../../parser/with-properties.js';
import type { EngineContext, Prepared, Session } from './context.js';
import { queryIdFor } from './create-as-select.js';

const RESERVED_QUERY_ID = /^(CTAS_|CSAS_|INSERTQUERY_|CST_)/;

export async function prepareInsertInto(ctx: EngineContext, stmt: InsertInto, session: Session, sequence: number): Promise<Prepared> {
  const props = parseWithProperties(stmt.properties, 'insertInto');
  const explicitId = props.QUERY_ID === undefined ? undefined : String(props.QUERY_ID);
  const queryId = explicitId === undefined ? queryIdFor(stmt, String(sequence)) : explicitId.toUpperCase();
  const plan = ctx.queries.service.planPersistent(stmt, queryId, ctx.queries.context(session.overrides));
  if (explicitId !== undefined) {
    if (RESERVED_QUERY_ID.test(queryId)) {
      throw new KsqlError(`Query IDs must not start with a reserved query ID prefix (CTAS_, CSAS_, INSERTQUERY_, CST_). Got: '${explicitId}'`);
    }
    if (ctx.catalog.getQuery(queryId) && !ctx.queries.replaying) {
      throw new KsqlError(`Query ID '${queryId}' already exists.`);
    }
  }
  const commandId = `stream/${stmt.target}/create`;
  return {
    commandId,
    apply: async (seq) => {
      ctx.queries.register(plan, stmt.text, session.overrides);
      ctx.queries.start(plan, session.overrides);
      return currentStatus(stmt.text, commandId, `Created query with ID ${queryId}`, seq, queryId);
    },
  };
}
