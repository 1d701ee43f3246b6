// PARTITION BY: computes the new key columns into the row slots the plan appended for them.
// A key expression that fails becomes null (with a processing-log entry).

import type { PartitionStep } from '../../planner/query/analyze.js';
import type { CompiledExpression } from '../../planner/query/compile.js';
import { columnRefs } from '../../planner/query/expression-text.js';
import { isNullValue, type OperatorContext } from './context.js';

/** Reads key columns only: the one kind of key expression a record without a value still has (as in ksqlDB). */
function readsOnlyKeys(e: CompiledExpression): boolean {
  return columnRefs(e.ast).every((ref) => e.scope.resolve(ref)?.namespace === 'KEY');
}

export function selectKeyOperator(step: PartitionStep, ctx: OperatorContext): (rows: unknown[][]) => void {
  const exprs = step.exprs;
  const base = step.index;
  const keyOnly = exprs.map(readsOnlyKeys);
  return (rows) => {
    for (const row of rows) {
      ctx.evaluating(row);
      const noValue = isNullValue(row);
      for (let k = 0; k < exprs.length; k++) {
        const e = exprs[k]!;
        if (noValue && !keyOnly[k]) {
          row[base + k] = null;
          continue;
        }
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
