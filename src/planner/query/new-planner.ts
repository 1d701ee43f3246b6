// ksqlDB's experimental planner (ksql.new.query.planner.enabled=true): a persistent query
// over one stream that selects columns by name. It takes the keys the projection selects,
// in select order, and needs none of them; every other shape is refused up front.

import type { DataSource } from '../../catalog/model.js';
import type { Query } from '../../parser/ast.js';
import { QueryPlanningError } from './errors.js';

export const NEW_PLANNER_PROPERTY = 'ksql.new.query.planner.enabled';

export function newPlannerEnabled(properties: Record<string, unknown> | undefined): boolean {
  return String(properties?.[NEW_PLANNER_PROPERTY] ?? 'false').toLowerCase() === 'true';
}

function refuse(what: string): never {
  throw new QueryPlanningError(`New query planner does not support ${what}. Set ${NEW_PLANNER_PROPERTY}=false.`);
}

/** The clauses and sources the new planner cannot plan, checked in ksqlDB's order. */
export function checkNewPlannerQuery(query: Query, source: DataSource | undefined): void {
  if (query.where) refuse('WHERE');
  if (query.groupBy && query.groupBy.length > 0) refuse('GROUP BY');
  if (query.having) refuse('HAVING');
  if (query.window) refuse('WINDOWS');
  if (query.partitionBy && query.partitionBy.length > 0) refuse('PARTITION BY');
  if (query.limit !== undefined) refuse('LIMIT');
  if (query.joins.length > 0) refuse('joins');
  if (source?.sourceType === 'TABLE') {
    throw new QueryPlanningError(`Input TABLES are not supported by the new planner. Set ${NEW_PLANNER_PROPERTY}=false.`);
  }
  for (const item of query.select) {
    if (item.kind === 'AllColumns') continue;
    if (item.kind !== 'SingleColumn' || item.expr.kind !== 'ColumnRef') {
      throw new QueryPlanningError(
        `New query planner only support column references, no expressions or aliases. Set ${NEW_PLANNER_PROPERTY}=false.`,
      );
    }
  }
}
