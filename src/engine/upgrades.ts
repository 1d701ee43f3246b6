// The engine's memory of each running query's upgrade input (sink and steps), so that a
// CREATE OR REPLACE can be checked against the running query before anything is touched.

import type { CatalogView, DataSource } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { Query } from '../parser/ast.js';
import { compareUpgrade, schemaProblem, type UpgradeInput, type UpgradeReport } from '../planner/query/upgrade.js';
import { upgradeSteps } from '../planner/query/upgrade-steps.js';
import { KsqlError } from './api.js';

export class QueryUpgrades {
  private readonly inputs = new Map<string, UpgradeInput>();

  constructor(
    private readonly catalog: CatalogView,
    private readonly functions: FunctionRegistry,
  ) {}

  inputFor(query: Query, sink: DataSource): UpgradeInput {
    return { sink, steps: upgradeSteps(query, sink, this.catalog, this.functions) };
  }

  remember(queryId: string, input: UpgradeInput): void {
    this.inputs.set(queryId, input);
  }

  forget(queryId: string): void {
    this.inputs.delete(queryId);
  }

  /** What replacing the running `queryId` with `next` would do; undefined when it is not known. */
  report(queryId: string, next: UpgradeInput): UpgradeReport | undefined {
    const old = this.inputs.get(queryId);
    return old ? compareUpgrade(old, next) : undefined;
  }

  /** Throws ksqlDB's message when `next` may not replace the running `queryId`. */
  check(queryId: string, next: UpgradeInput): void {
    const refused = this.report(queryId, next)?.refused;
    if (refused) throw new KsqlError(refused);
  }
}

/** CREATE OR REPLACE of a plain (not AS SELECT) stream or table: only its schema is checked. */
export function checkSourceReplace(old: DataSource, next: DataSource): void {
  const problem = schemaProblem(old, next);
  if (problem) throw new KsqlError(problem);
}
