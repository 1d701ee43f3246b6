// Wire framings of a streamed query result. Each framer turns the header, rows, an error
// and the end of a QueryStream into the text chunks of one HTTP response body.

import type { QueryHeader, QueryProgress, StreamedItem } from '../engine/api.js';

type ErrorItem = Extract<StreamedItem, { errorMessage: unknown }>['errorMessage'];

export interface Framer {
  begin(header: QueryHeader): string;
  row(row: unknown[], tombstone: boolean): string;
  error(error: ErrorItem): string;
  /** `finalMessage` is undefined when the stream was cut short (client gone or server closing). */
  end(finalMessage: string | undefined): string;
  /** An Eddy extension item, sent only to clients that ask for it (X-Eddy-Progress). */
  progress?(progress: QueryProgress): string;
}

/** `/query` (and v1+json on `/query-stream`): one JSON array written incrementally. */
export function queryEndpointFramer(): Framer {
  return {
    begin: (h) => '[' + JSON.stringify({ header: { queryId: h.queryId, schema: h.schema } }),
    row: (columns, tombstone) => ',\n' + JSON.stringify({ row: tombstone ? { columns, tombstone: true } : { columns } }),
    error: (e) => ',\n' + JSON.stringify({ errorMessage: e }),
    end: (finalMessage) => (finalMessage === undefined ? ']\n' : ',\n' + JSON.stringify({ finalMessage }) + ']\n'),
    progress: (p) => ',\n' + JSON.stringify({ progress: p }),
  };
}

function queryStreamHeader(h: QueryHeader): string {
  return JSON.stringify({ queryId: h.queryId, columnNames: h.columnNames, columnTypes: h.columnTypes });
}

/** `/query-stream` default: a header line, then one JSON array per row; tombstones dropped. */
export function delimitedFramer(): Framer {
  return {
    begin: (h) => queryStreamHeader(h) + '\n',
    row: (columns, tombstone) => (tombstone ? '' : JSON.stringify(columns) + '\n'),
    error: (e) => JSON.stringify(e) + '\n',
    end: () => '',
  };
}

/** `/query-stream` with application/json: the same content as one JSON array. */
export function jsonArrayFramer(): Framer {
  return {
    begin: (h) => '[' + queryStreamHeader(h),
    row: (columns, tombstone) => (tombstone ? '' : ',' + JSON.stringify(columns)),
    error: (e) => ',' + JSON.stringify(e),
    end: () => ']\n',
  };
}

/** PRINT output: plain text, one line per printed line, on any endpoint that serves it. */
export function printFramer(): Framer {
  return {
    begin: () => '',
    row: (columns) => String(columns[0] ?? '') + '\n',
    error: (e) => e.message + '\n',
    end: () => '',
  };
}
