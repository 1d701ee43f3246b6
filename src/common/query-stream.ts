// The rows of a running SELECT or PRINT as the runtime streams them and the server frames them.

export interface QueryHeader {
  queryId: string;
  columnNames: string[];
  /** ksqlDB type texts, e.g. BIGINT, `STRUCT<`A` INTEGER>` */
  columnTypes: string[];
  /** `` `ID` BIGINT KEY, `NAME` STRING `` */
  schema: string;
}

export type StreamedItem =
  | { row: unknown[]; tombstone?: boolean }
  | { errorMessage: { '@type': 'generic_error'; error_code: number; message: string } };

/** How far a query has read through its backlog (records, not rows). */
export interface QueryProgress {
  scanned: number;
  /** Records left up to the latest end offsets, when known. */
  remaining?: number;
  recordsPerSecond: number;
}

/** A running SELECT (push or pull) or PRINT. */
export interface QueryStream {
  kind: 'push' | 'pull' | 'print';
  header: QueryHeader;
  /** Rows as JSON-ready column arrays; PRINT yields one `{ row: [line] }` per output line. */
  items: AsyncIterable<StreamedItem>;
  /** Resolves with the final message once the stream has ended on its own or by close(). */
  finalMessage: Promise<'Limit Reached' | 'Query Completed' | string>;
  /** Pull queries on tables: the response ends after the rows, with no final message (as in ksqlDB). */
  omitFinalMessage?: boolean;
  /** The whole answer when it was computed at once (a pull query on a table): written in one go. */
  answered?: { items: StreamedItem[]; finalMessage: string };
  /** Backlog progress of a query that scans a topic. */
  progress?(): QueryProgress;
  close(): void;
}
