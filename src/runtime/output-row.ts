import type { RecordHeader } from '../log/topic-log.js';

/** One output change of the chain. `value` null: a tombstone (tables) or a null-valued stream record. */
export interface OutputRow {
  key: unknown[];
  value: unknown[] | null;
  rowtime: number;
  headers: RecordHeader[];
  partition: number;
  offset: number;
  /** A table row that did not pass the filter: a delete if the key is present downstream. */
  filteredOut?: boolean;
  /** A delete the sink emits even when its table does not hold the key (join results). */
  alwaysEmit?: boolean;
  /** Windowed results: the window the row belongs to. */
  window?: { start: number; end: number };
}
