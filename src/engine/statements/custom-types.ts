// CREATE TYPE and DROP TYPE.

import type { CreateType, DropType } from '../../parser/ast.js';
import { formatType } from '../../common/types.js';
import { KsqlError } from '../api.js';
import { currentStatus } from '../entities.js';
import { resolveType } from '../sql-types.js';
import { skipped, type EngineContext, type Prepared } from './context.js';

export async function prepareCreateType(ctx: EngineContext, stmt: CreateType): Promise<Prepared> {
  const existing = ctx.catalog.getType(stmt.name);
  if (existing) {
    const message = `Cannot register custom type '${stmt.name}' since it is already registered with type: ${formatType(existing)}`;
    if (stmt.ifNotExists) return skipped(stmt, message);
    throw new KsqlError(message);
  }
  const type = resolveType(stmt.type, ctx.catalog);
  const commandId = `type/${stmt.name}/create`;
  return {
    commandId,
    apply: async (seq) => {
      ctx.catalog.putType({ name: stmt.name, type });
      return currentStatus(stmt.text, commandId, `Registered custom type with name '${stmt.name}' and SQL type ${formatType(type)}`, seq);
    },
  };
}

export async function prepareDropType(ctx: EngineContext, stmt: DropType): Promise<Prepared> {
  if (!ctx.catalog.getType(stmt.name)) {
    if (stmt.ifExists) return skipped(stmt, `Type ${stmt.name} does not exist.`);
    throw new KsqlError(`Type ${stmt.name} does not exist.`);
  }
  const commandId = `type/${stmt.name}/drop`;
  return {
    commandId,
    apply: async (seq) => {
      ctx.catalog.removeType(stmt.name);
      return currentStatus(stmt.text, commandId, `Dropped type '${stmt.name}'`, seq);
    },
  };
}
