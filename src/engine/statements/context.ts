// What every statement executor sees of the engine, and the shapes they answer with.

import type { Statement } from '../../parser/ast.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { TopicLog } from '../../log/topic-log.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import type { ProcessingLogWriter } from '../../runtime/processing-log.js';
import { mergeProperties } from '../../config/index.js';
import type { KsqlEntity } from '../api.js';
import type { ConsumerGroupInfo } from '../consumer-groups.js';
import { warningEntity } from '../entities.js';
import type { QueryRegistry } from '../query-registry.js';
import type { PersistentQueryPlan } from '../../runtime/contract.js';
import type { BuiltInConnectors } from '../../connect/runner.js';

/** Per-request state: SET overrides and DEFINEd variables scoped to the rest of the request. */
export interface Session {
  overrides: Record<string, unknown>;
  variables: Record<string, string>;
}

/** What a prepared distributed statement does once its command is in the log. */
export interface Prepared {
  commandId: string;
  /** A persistent query's plan: stored in the command beside the statement. */
  plan?: PersistentQueryPlan;
  apply: (sequence: number) => Promise<KsqlEntity | undefined>;
}

export interface EngineContext {
  readonly catalog: Catalog;
  readonly log: TopicLog;
  /** Server configuration. */
  readonly config: Record<string, unknown>;
  readonly functions: FunctionRegistry;
  readonly processingLog: ProcessingLogWriter;
  readonly queries: QueryRegistry;
  /** The built-in connectors (the connector statements' default backend). */
  readonly connectors: BuiltInConnectors;
  /** The cluster's consumer groups plus this server's running persistent queries. */
  consumerGroups(): Promise<ConsumerGroupInfo[]>;
}

/** Server configuration merged with the session's SET overrides. */
export function sessionProperties(ctx: EngineContext, session: Session): Record<string, unknown> {
  return mergeProperties(ctx.config, session.overrides);
}

/** IF NOT EXISTS on a taken name: nothing to distribute, a warning to return. */
export function skipped(stmt: Statement, message: string): Prepared {
  return { commandId: '', apply: async () => warningEntity(stmt.text, message) };
}
