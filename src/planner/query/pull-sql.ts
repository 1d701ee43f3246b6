// What a pull query may use beyond a plain projection, and how its ORDER BY reads the result.
//
// ksqlDB refuses GROUP BY and HAVING in pull queries and has no ORDER BY or OFFSET (its
// parser stops at them). Eddy answers them over the materialized state when a request sets
// eddy.query.pull.sql.enabled=true; without it they get ksqlDB's own errors, so clients and
// tests written for ksqlDB see what they expect. Aggregate functions without GROUP BY need
// no flag: ksqlDB has no case for them and the answer (one row over the matching rows) is SQL's.

import { getProperty } from '../../config/index.js';
import { ParseError } from '../../parser/errors.js';
import type { Loc, Query } from '../../parser/ast.js';
import type { SqlType } from '../../common/types.js';
import { QueryPlanningError, at } from './errors.js';
import { expressionText } from './expression-text.js';

export const PULL_SQL_PROPERTY = 'eddy.query.pull.sql.enabled';

const MORE = ' See https://cnfl.io/queries for more info.';
const SUFFIX = '\nAdd EMIT CHANGES if you intended to issue a push query.';

export function pullSqlEnabled(properties: Record<string, unknown>): boolean {
  const v = getProperty(properties, PULL_SQL_PROPERTY);
  return v === true || String(v).toLowerCase() === 'true';
}

/** ksqlDB's syntax error at the word its grammar does not know (BY of ORDER BY, OFFSET). */
function syntaxError(loc: Loc, token: string, statement: string): ParseError {
  return ParseError.syntax({ line: loc.line, column: loc.column, token, expected: [], reason: '', statement });
}

/** ORDER BY and OFFSET outside an enabled pull query: the syntax error ksqlDB gives. */
export function refuseQueryExtensions(q: Query, statementText: string): void {
  if (q.orderBy && q.extensionLoc?.orderBy) throw syntaxError(q.extensionLoc.orderBy, 'BY', statementText);
  if (q.offset !== undefined && q.extensionLoc?.offset) throw syntaxError(q.extensionLoc.offset, 'OFFSET', statementText);
}

/** The clauses of a pull query that need eddy.query.pull.sql.enabled. */
export function checkPullSqlClauses(q: Query, statementText: string, properties: Record<string, unknown>): void {
  if (pullSqlEnabled(properties)) {
    if (q.offset !== undefined && q.offset < 0) throw new QueryPlanningError(`Pull queries don't support negative integers in the OFFSET clause.${MORE}`);
    return;
  }
  const hint = `\nTo run it over the materialized state, set ${PULL_SQL_PROPERTY}=true in the request's properties.`;
  if (q.groupBy && q.groupBy.length > 0) throw new QueryPlanningError(`Pull queries don't support GROUP BY clauses.${MORE}${SUFFIX}${hint}`);
  if (q.having) throw new QueryPlanningError(`Pull queries don't support HAVING clauses.${MORE}${SUFFIX}${hint}`);
  refuseQueryExtensions(q, statementText);
}

export interface OrderKey {
  /** Index into the result row (the select items in select order). */
  index: number;
  descending: boolean;
  /** NULLs sort before every value unless NULLS LAST (SQLite's order). */
  nullsFirst: boolean;
}

const UNORDERABLE = new Set(['ARRAY', 'MAP', 'STRUCT']);

/**
 * ORDER BY items as result columns: a column name or alias, a 1-based position, or an
 * expression written exactly as a select item.
 */
export function resolveOrderBy(q: Query, selected: { name: string; type: SqlType }[]): OrderKey[] {
  const items = q.orderBy ?? [];
  const plainSelect = q.select.every((s) => s.kind === 'SingleColumn');
  return items.map((item) => {
    const e = item.expr;
    let index = -1;
    if (e.kind === 'Literal' && (e.type === 'INT' || e.type === 'BIGINT')) {
      const n = Number(e.value);
      if (!(n >= 1 && n <= selected.length)) {
        throw new QueryPlanningError(at(item.loc, `ORDER BY position ${n} is out of range: the result has ${selected.length} columns.`), item.loc);
      }
      index = n - 1;
    } else if (e.kind === 'ColumnRef' && e.source === undefined) {
      index = selected.findIndex((c) => c.name === e.name);
    }
    if (index < 0 && plainSelect) {
      const text = expressionText(e);
      index = q.select.findIndex((s) => s.kind === 'SingleColumn' && expressionText(s.expr) === text);
    }
    if (index < 0) {
      throw new QueryPlanningError(
        at(
          item.loc,
          `ORDER BY ${expressionText(e)} does not name a column of the result. Order by a result column's name or position (e.g. ORDER BY ${selected[0]?.name ?? 1}), or add the expression to the SELECT list with an alias and order by the alias.`,
        ),
        item.loc,
      );
    }
    const type = selected[index]!.type;
    if (type && UNORDERABLE.has(type.base)) {
      throw new QueryPlanningError(at(item.loc, `ORDER BY ${selected[index]!.name}: values of type ${type.base} have no order; order by a scalar column instead.`), item.loc);
    }
    return { index, descending: item.descending, nullsFirst: item.nullsFirst ?? !item.descending };
  });
}
