// Event time of a record: ROWTIME is the record timestamp unless the source names a
// TIMESTAMP column (BIGINT ms, TIMESTAMP, or STRING parsed with TIMESTAMP_FORMAT).
// An invalid timestamp (null, negative or unparseable) skips the record, or fails the
// query when ksql.timestamp.throw.on.invalid is set.

import type { DataSource } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { LogRecord } from '../log/topic-log.js';
import type { SourceLayout } from '../planner/query/layout.js';
import { STRING, type SqlType } from '../common/types.js';
import { EddyError } from '../common/errors.js';

/** Returns the event time, or null when the record must be skipped. */
export type TimestampReader = (row: unknown[], rec: LogRecord) => number | null;

export class InvalidTimestampError extends EddyError {
  override readonly kind = 'runtime';
}

/** Parses a STRING timestamp with a Java DateTimeFormatter pattern, via the function library when it can. */
export function stringTimestampParser(format: string | undefined, functions: FunctionRegistry): (text: string) => number {
  if (format !== undefined) {
    for (const name of ['PARSE_TIMESTAMP', 'STRINGTOTIMESTAMP']) {
      try {
        const fn = functions.resolveScalar(name, [
          { kind: 'value', type: STRING },
          { kind: 'value', type: STRING, literal: format },
        ]);
        return (text) => {
          const v = fn.invoke(text, format);
          if (typeof v === 'bigint') return Number(v);
          if (typeof v !== 'number' || Number.isNaN(v)) throw new InvalidTimestampError(`Cannot parse '${text}' with format '${format}'`);
          return v;
        };
      } catch {
        // try the next candidate
      }
    }
  }
  return (text) => {
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
    if (Number.isNaN(ms)) throw new InvalidTimestampError(`Cannot parse timestamp '${text}'${format ? ` with format '${format}'` : ''}`);
    return ms;
  };
}

export function toEpochMs(v: unknown, type: SqlType, parse: (text: string) => number): number | null {
  if (v === null || v === undefined) return null;
  switch (type.base) {
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'INTEGER':
      return Number(v);
    case 'STRING':
      try {
        return parse(v as string);
      } catch {
        return Number.NaN;
      }
    default:
      return null;
  }
}

export function timestampReader(source: DataSource, layout: SourceLayout, functions: FunctionRegistry): TimestampReader | null {
  const ts = source.timestamp;
  if (!ts) return null;
  const col = layout.scope.resolve({ name: ts.column });
  if (!col) return null;
  const index = col.index;
  const type = col.type;
  const parse = stringTimestampParser(ts.format, functions);
  return (row) => {
    const ms = toEpochMs(row[index], type, parse);
    if (ms === null || Number.isNaN(ms) || ms < 0) return null;
    return ms;
  };
}
