// PARTITION BY: computes the new key columns into the row slots the plan appended for them.
// A key expression that fails becomes null (with a processing-log entry).

import type { PartitionStep } from '../../planner/query/analyze.js';
import type { OperatorContext } from './context.js';

export function selectKeyOperator(step: PartitionStep, ctx: OperatorContext): (rows: unknown[][]) => void {
  const exprs = step.exprs;
  const base = step.index;
  return (rows) => {
    for (const row of rows) {
      ctx.evaluating(row);
      for (let k = 0; k < exprs.length; k++) {
        const e = exprs[k]!;
        if (e.columnIndex !== undefined) {
          row[base + k] = row[e.columnIndex];
          continue;
        }
        try {
          row[base + k] = e.evaluate(row);
        } catch (err) {
          row[base + k] = null;
          ctx.logRecordError('PartitionBy', `Error computing expression ${e.text} for PARTITION BY`, row, err);
        }
      }
    }
  };
}
