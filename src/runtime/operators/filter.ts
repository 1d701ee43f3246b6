// WHERE: keeps the rows whose predicate is true. A row it rejects (false, null, an error, or
// a null-valued record) goes to `rejected`, which turns it into a delete for table sources.

import type { CompiledExpression } from '../../planner/query/compile.js';
import type { LogRecord } from '../../log/topic-log.js';
import { isNullValue, type Batch, type OperatorContext } from './context.js';

export type RejectedRow = (row: unknown[], rec: LogRecord) => void;

export function filterOperator(predicate: CompiledExpression, ctx: OperatorContext, rejected?: RejectedRow): (batch: Batch) => Batch {
  const where = predicate.evaluate;
  const message = `Error evaluating predicate ${predicate.text}`;
  return ({ rows, meta }) => {
    const passed: unknown[][] = [];
    const passedMeta: LogRecord[] = [];
    let i = 0;
    const n = rows.length;
    while (i < n) {
      try {
        for (; i < n; i++) {
          const row = rows[i]!;
          ctx.evaluating(row);
          if (!isNullValue(row) && where(row) === true) {
            passed.push(row);
            passedMeta.push(meta[i]!);
          } else {
            rejected?.(row, meta[i]!);
          }
        }
      } catch (e) {
        ctx.logRecordError('WhereFilter', message, rows[i]!, e);
        rejected?.(rows[i]!, meta[i]!);
        i++;
      }
    }
    return { rows: passed, meta: passedMeta };
  };
}
