// INSERT INTO ... VALUES: checks the target and the server switch, then writes the row.

import type { InsertValues } from '../../parser/ast.js';
import { KsqlError } from '../api.js';
import { insertValues } from '../insert-values.js';
import { sessionProperties, type EngineContext, type Session } from './context.js';

export async function executeInsertValues(ctx: EngineContext, stmt: InsertValues, session: Session): Promise<void> {
  const props = sessionProperties(ctx, session);
  if (props['ksql.insert.into.values.enabled'] === false) {
    throw new KsqlError('The server has disabled INSERT INTO ... VALUES functionality. To enable it, restart your ksqlDB server with \'ksql.insert.into.values.enabled\'=true');
  }
  const source = ctx.catalog.getSource(stmt.target);
  if (!source) {
    const other = ctx.catalog.findCaseInsensitive(stmt.target);
    let hint = '';
    if (other) {
      hint =
        other.name === other.name.toUpperCase()
          ? `\nDid you mean ${other.name}? Hint: try removing double quotes from the source name.`
          : `\nDid you mean "${other.name}"? Hint: wrap the source name in double quotes to make it case-sensitive.`;
    }
    throw new KsqlError(`Cannot insert values into an unknown stream/table: \`${stmt.target}\`${hint}`);
  }
  await insertValues(ctx.log, source, stmt, props, ctx.catalog, ctx.functions);
}
