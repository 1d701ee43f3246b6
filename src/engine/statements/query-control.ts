// TERMINATE, PAUSE and RESUME of persistent queries (one or ALL).

import type { QueryControl } from '../../parser/ast.js';
import { KsqlError } from '../api.js';
import { currentStatus } from '../entities.js';
import type { EngineContext, Prepared } from './context.js';

export async function prepareQueryControl(ctx: EngineContext, stmt: QueryControl): Promise<Prepared> {
  const ids = stmt.all ? ctx.catalog.listQueries().map((q) => q.id) : [stmt.queryId!];
  for (const id of ids) {
    if (!ctx.catalog.getQuery(id)) throw new KsqlError(`Unknown queryId: ${id}`);
  }
  const verb = stmt.kind === 'TerminateQuery' ? 'terminate' : stmt.kind === 'PauseQuery' ? 'pause' : 'resume';
  const commandId = `${verb}/${stmt.all ? 'ALL' : stmt.queryId}/execute`;
  return {
    commandId,
    apply: async (seq) => {
      for (const id of ids) {
        const info = ctx.catalog.getQuery(id);
        if (!info) continue;
        if (verb === 'terminate') {
          await ctx.queries.stop(id, true);
          const sink = ctx.catalog.getSource(info.sink);
          if (sink?.createdByQuery === id) ctx.catalog.putSource({ ...sink, createdByQuery: undefined });
        } else if (verb === 'pause') {
          info.state = 'PAUSED';
          ctx.queries.pause(id);
        } else {
          info.state = 'RUNNING';
          ctx.queries.resume(id);
        }
      }
      const message = verb === 'terminate' ? 'Query terminated.' : verb === 'pause' ? 'Query paused.' : 'Query resumed.';
      return currentStatus(stmt.text, commandId, message, seq);
    },
  };
}
