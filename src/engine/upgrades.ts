// The engine's memory of each running query's upgrade input (its sink, and the steps read off
// its step tree), so that a CREATE OR REPLACE can be checked against the running query before
// anything is touched.

import type { DataSource } from '../catalog/model.js';
import type { PersistentQueryPlan } from '../runtime/contract.js';
import { compareUpgrade, schemaProblem, type UpgradeInput, type UpgradeReport } from '../planner/query/upgrade.js';
import { upgradeSteps } from '../planner/query/upgrade-steps.js';
import { KsqlError } from './api.js';

export class QueryUpgrades {
  private readonly inputs = new Map<string, UpgradeInput>();

  /** What the upgrade check compares: the planned query's sink and steps. */
  inputFor(plan: PersistentQueryPlan): UpgradeInput {
    return { sink: plan.sink, steps: upgradeSteps(plan.plan) };
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
