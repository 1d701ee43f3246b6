// Table functions (EXPLODE and friends): one output row per produced element, the longest
// function deciding the count and the shorter ones padded with null. A function that fails
// drops its input row (with a processing-log entry); null-valued records produce nothing.

import type { TableFunctionStep } from '../../planner/query/analyze.js';
import type { LogRecord } from '../../log/topic-log.js';
import { isNullValue, type Batch, type OperatorContext } from './context.js';

export function flatMapOperator(tfs: TableFunctionStep[], ctx: OperatorContext): (batch: Batch) => Batch {
  return ({ rows, meta }) => {
    const outRows: unknown[][] = [];
    const outMeta: LogRecord[] = [];
    rowLoop: for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      ctx.evaluating(row);
      if (isNullValue(row)) continue;
      const results: unknown[][] = [];
      let max = 0;
      for (const tf of tfs) {
        try {
          const args = tf.args.map((a) => a.evaluate(row));
          const produced = tf.fn.invoke(...args) ?? [];
          results.push(produced);
          if (produced.length > max) max = produced.length;
        } catch (e) {
          ctx.logRecordError('FlatMap', `Error evaluating table function ${tf.text}`, row, e);
          continue rowLoop;
        }
      }
      for (let i = 0; i < max; i++) {
        const copy = row.slice();
        for (let t = 0; t < tfs.length; t++) {
          const produced = results[t]!;
          copy[tfs[t]!.index] = i < produced.length ? produced[i] : null;
        }
        outRows.push(copy);
        outMeta.push(meta[r]!);
      }
    }
    return { rows: outRows, meta: outMeta };
  };
}
