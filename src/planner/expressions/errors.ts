// Errors found while analysing or compiling an expression. `stage` tells the query planner
// which ksqlDB prefix to use: type errors are reported as "Error in WHERE expression: ...",
// code-generation errors (literal coercion, unsupported casts) as "Invalid Predicate: ...".

import type { Loc } from '../../parser/ast.js';
import { EddyError } from '../../common/errors.js';

export type ExpressionErrorStage = 'type' | 'codegen';

export class ExpressionError extends EddyError {
  override readonly kind = 'expression';

  constructor(
    message: string,
    readonly stage: ExpressionErrorStage = 'type',
    readonly loc?: Loc,
    /** For "cannot be resolved" errors: the column as written, so callers can rephrase. */
    readonly column?: string,
  ) {
    super(message, loc ? { position: loc } : {});
    this.name = 'ExpressionError';
  }
}
