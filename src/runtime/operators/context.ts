// What every operator of the chain shares: a batch of rows with the records they came from,
// and where a failing row is reported (the processing log, through the pipeline).

import type { LogRecord } from '../../log/topic-log.js';

export interface Batch {
  rows: unknown[][];
  /** The source record of each row (same index). */
  meta: LogRecord[];
}

export interface OperatorContext {
  /** The row being evaluated: evaluation errors reported by compiled expressions name it. */
  evaluating(row: unknown[]): void;
  /** A processing-log entry for a row one step could not handle; the step then goes on. */
  logRecordError(step: string, message: string, row: unknown[] | null, e: unknown): void;
}

/** A null-valued stream record travels as a row of nulls marked `nullValue`. */
export function isNullValue(row: unknown[]): boolean {
  return (row as { nullValue?: boolean }).nullValue === true;
}
