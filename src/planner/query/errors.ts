// Errors raised while planning a query. Messages follow ksqlDB's texts so that clients
// and the conformance cases that match on substrings keep working.

import type { Loc } from '../../parser/ast.js';
import { EddyError } from '../../common/errors.js';

export class QueryPlanningError extends EddyError {
  override readonly kind = 'plan';

  constructor(
    message: string,
    readonly loc?: Loc,
  ) {
    super(message, loc ? { position: loc } : {});
    this.name = 'QueryPlanningError';
  }
}

/** ksqlDB prefixes some analysis errors with the position: `Line: 2, Col: 13: `. */
export function at(loc: Loc | undefined, message: string): string {
  return loc ? `Line: ${loc.line}, Col: ${loc.column}: ${message}` : message;
}
