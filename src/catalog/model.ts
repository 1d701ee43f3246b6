// What the catalog records about streams, tables, types and persistent queries. Shared by
// the engine (which maintains it through the command log) and the query planner/runtime
// (which read it).

import type { FormatName, FormatOptions } from '../serde/serde.js';
import type { LogicalSchema, SqlType } from '../common/types.js';

export interface KeyFormat {
  format: FormatName;
  options?: FormatOptions;
  /** Windowed keys (windowed aggregations and WINDOW_TYPE sources). */
  window?: { type: 'TUMBLING' | 'HOPPING' | 'SESSION' | 'SLIDING' | 'COUNT'; sizeMs?: number };
}

export interface ValueFormat {
  format: FormatName;
  options?: FormatOptions;
}

export interface DataSource {
  name: string;
  sourceType: 'STREAM' | 'TABLE';
  schema: LogicalSchema;
  topic: string;
  keyFormat: KeyFormat;
  valueFormat: ValueFormat;
  /** TIMESTAMP / TIMESTAMP_FORMAT: the column that overrides ROWTIME. */
  timestamp?: { column: string; format?: string };
  /** CREATE SOURCE ...: read-only. */
  isSource: boolean;
  /** The statement that created it. */
  sqlText: string;
  /** The CSAS/CTAS/CST query that writes it, if any. */
  createdByQuery?: string;
  /** Name of the SQLite table that materializes it, when it can be pull-queried. */
  stateStore?: string;
}

export interface CustomType {
  name: string;
  type: SqlType;
}

export type QueryType = 'PERSISTENT' | 'PUSH';
export type QueryState = 'RUNNING' | 'PAUSED' | 'ERROR' | 'TERMINATED';

export interface PersistentQueryInfo {
  id: string;
  sqlText: string;
  sources: string[];
  sink: string;
  sinkTopic: string;
  state: QueryState;
}

/** Read access the planner needs. Names are as normalised by the parser. */
export interface CatalogView {
  getSource(name: string): DataSource | undefined;
  getType(name: string): SqlType | undefined;
}
