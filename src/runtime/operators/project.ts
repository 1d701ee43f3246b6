// SELECT: the output key and value of each row. The fast path runs one generated function
// per side; when any expression throws, that row is projected column by column so only the
// failing columns are null (each with a processing-log entry).

import type { OutputColumn } from '../../planner/query/analyze.js';
import type { CompiledExpression } from '../../planner/query/compile.js';
import type { OutputRow } from '../output-row.js';
import { isNullValue, type Batch, type OperatorContext } from './context.js';

/** Builds `(row) => [..]` from compiled expressions: plain column refs are read inline. */
export function compileProjector(exprs: CompiledExpression[]): (row: unknown[]) => unknown[] {
  const fns = exprs.map((e) => e.evaluate);
  const body = exprs.map((e, i) => (e.columnIndex !== undefined ? `r[${e.columnIndex}]` : `f[${i}](r)`)).join(', ');
  return new Function('f', `return function project(r) { return [${body}]; };`)(fns) as (row: unknown[]) => unknown[];
}

export interface ProjectSpec {
  keyColumns: OutputColumn[];
  valueColumns: OutputColumn[];
  rowtimeIndex: number;
  /** Windowed rows: where the window bounds sit. */
  windowIndexes?: { start: number; end: number };
}

export interface Projector {
  projectKey: (row: unknown[]) => unknown[];
  projectValue: (row: unknown[]) => unknown[];
  run: (batch: Batch, out: OutputRow[]) => void;
}

export function projectOperator(spec: ProjectSpec, ctx: OperatorContext): Projector {
  const projectKey = compileProjector(spec.keyColumns.map((c) => c.expr));
  const projectValue = compileProjector(spec.valueColumns.map((c) => c.expr));
  const rt = spec.rowtimeIndex;
  const windowIndexes = spec.windowIndexes;
  const slowProject = (cols: OutputColumn[], row: unknown[]): unknown[] =>
    cols.map((c, i) => {
      try {
        return c.expr.evaluate(row);
      } catch (e) {
        ctx.logRecordError('Project', `Error computing expression ${c.expr.text} for column ${c.name} with index ${i}`, row, e);
        return null;
      }
    });
  const run = ({ rows, meta }: Batch, out: OutputRow[]): void => {
    const n = rows.length;
    let i = 0;
    while (i < n) {
      try {
        for (; i < n; i++) {
          const row = rows[i]!;
          ctx.evaluating(row);
          const rec = meta[i]!;
          const o: OutputRow = {
            key: projectKey(row),
            value: isNullValue(row) ? null : projectValue(row),
            rowtime: row[rt] as number,
            headers: rec.headers,
            partition: rec.partition,
            offset: rec.offset,
          };
          if (windowIndexes) o.window = { start: row[windowIndexes.start] as number, end: row[windowIndexes.end] as number };
          out.push(o);
        }
      } catch {
        const row = rows[i]!;
        const rec = meta[i]!;
        out.push({
          key: slowProject(spec.keyColumns, row),
          value: slowProject(spec.valueColumns, row),
          rowtime: row[rt] as number,
          headers: rec.headers,
          partition: rec.partition,
          offset: rec.offset,
        });
        i++;
      }
    }
  };
  return { projectKey, projectValue, run };
}
