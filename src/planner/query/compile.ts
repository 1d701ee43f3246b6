// The bridge between query planning and the expression compiler (src/planner/expressions):
// compiles one expression against a RowScope into a function over the row array.

import type { Expression } from '../../parser/ast.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import type { SqlType } from '../../common/types.js';
import type { RowScope } from './layout.js';
import { expressionText } from './expression-text.js';
import { compileExpression } from '../expressions/index.js';
import { ExpressionError } from '../expressions/errors.js';

export interface CompiledExpression {
  type: SqlType;
  /** Evaluates against a row; throws when evaluation fails (the runtime logs and uses null). */
  evaluate: (row: unknown[]) => unknown;
  /** ksqlDB-style text, for EXPLAIN and messages. */
  text: string;
  /** Set when the expression is a plain column reference: the row index it reads. */
  columnIndex?: number;
  ast: Expression;
  /** The scope it was compiled against: the step tree records it so the runtime compiles the same. */
  scope: RowScope;
  /** Set when the value of `ast` (of this type) is converted to `type` (an implicit cast of an argument). */
  coercedFrom?: SqlType;
}

/** Where evaluation failures go; the runtime points `handler` at the processing log. */
export interface EvaluationErrors {
  handler: (message: string) => void;
}

export interface CompileContext {
  functions: FunctionRegistry;
  errors?: EvaluationErrors;
  /** Resolves CREATE TYPE names used in CASTs. */
  resolveType?: (name: string) => SqlType | undefined;
}

export function compileIn(expr: Expression, scope: RowScope, ctx: CompileContext): CompiledExpression {
  const text = expressionText(expr);
  if (expr.kind === 'ColumnRef') {
    const col = scope.resolve(expr);
    if (col) {
      const i = col.index;
      return { type: col.type, evaluate: (row) => row[i], text, columnIndex: i, ast: expr, scope };
    }
  }
  const compiled = compileWithExpressions(expr, scope, ctx);
  return { type: compiled.type, evaluate: compiled.evaluate, text, ast: expr, scope };
}

function compileWithExpressions(
  expr: Expression,
  scope: RowScope,
  ctx: CompileContext,
): { type: SqlType; evaluate: (row: unknown[]) => unknown } {
  const errors = ctx.errors;
  const compiled = compileExpression(
    expr,
    {
      resolveColumn: (ref) => {
        const c = scope.resolve(ref);
        return c ? { index: c.index, type: c.type } : undefined;
      },
    },
    {
      functions: ctx.functions,
      onError: (message) => errors?.handler(message),
      ...(ctx.resolveType ? { resolveType: ctx.resolveType } : {}),
    },
  );
  return { type: compiled.type as SqlType, evaluate: compiled.evaluate };
}

/** A select item's code-generation errors (unsupported casts, literal coercion) read "Invalid Select: …", as ksqlDB's do. */
export function withSelectPrefix<T>(compile: () => T): T {
  try {
    return compile();
  } catch (e) {
    const prefix = 'Invalid Select: ';
    if (e instanceof ExpressionError && e.stage === 'codegen' && e.column === undefined && !e.message.startsWith(prefix)) {
      throw new ExpressionError(`${prefix}${e.message}`, e.stage, e.loc, e.column);
    }
    throw e;
  }
}

/**
 * A query's WHERE, with ksqlDB's prefixes on its errors: type errors read "Error in WHERE
 * expression: …", code-generation errors (literal coercion, IN-list types) "Invalid Predicate: …".
 */
export function compilePredicate(expr: Expression, scope: RowScope, ctx: CompileContext, pull = false): CompiledExpression {
  try {
    return compileIn(expr, scope, ctx);
  } catch (e) {
    if (e instanceof ExpressionError && e.column === undefined) {
      const prefix = e.stage === 'codegen' ? 'Invalid Predicate: ' : 'Error in WHERE expression: ';
      // Pull queries also name the predicate they could not use.
      const suffix = pull && e.stage === 'type' ? `\nStatement: ${expressionText(expr)}` : '';
      if (!e.message.startsWith(prefix)) throw new ExpressionError(`${prefix}${e.message}${suffix}`, e.stage, e.loc, e.column);
    }
    throw e;
  }
}
