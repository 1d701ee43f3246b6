// The key of a materialized table in its SQLite store: the key columns, plus the window
// bounds (start, end) for windowed tables, so each window of a key is its own row.

import type { PersistentPhysicalPlan } from '../../planner/query/plan.js';
import { BIGINT, type SqlType } from '../../common/types.js';

export function materializedKeyTypes(plan: PersistentPhysicalPlan): SqlType[] {
  const keys = plan.analysis.keyColumns.map((c) => c.type);
  return plan.sink.keyFormat.window ? [...keys, BIGINT, BIGINT] : keys;
}
