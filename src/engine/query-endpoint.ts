// The rule that SELECT and PRINT stream their results and so go to `/query`, never to
// `/ksql`, with ksqlDB's message. The server checks a whole request before running any of it;
// the engine refuses such a statement wherever else it arrives.

import { isQueryStatement, splitStatements } from '../parser/index.js';
import { KsqlError } from '../common/errors.js';

export const WRONG_ENDPOINT_CODE = 40002;

export const WRONG_ENDPOINT_MESSAGE =
  "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT";

export function wrongEndpoint(): KsqlError {
  return new KsqlError(WRONG_ENDPOINT_MESSAGE, WRONG_ENDPOINT_CODE);
}

/** The first SELECT or PRINT of a request's text, if any. */
export function firstQueryStatement(sql: string): string | undefined {
  try {
    return splitStatements(sql).find((s) => isQueryStatement(s.text))?.text;
  } catch {
    return undefined;
  }
}
