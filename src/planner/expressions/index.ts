// Public API of the expression analyzer and compiler.
//
//   const compiled = compileExpression(ast, scope, { functions, onError });
//   compiled.type            // SqlType (null only for an untyped NULL)
//   compiled.evaluate(row)   // never throws; failures call onError and give null
//
// Errors in the expression itself (unknown column, type mismatch, bad literal) are thrown at
// compile time as ExpressionError with ksqlDB's message texts.

import type { Expression } from '../../parser/ast.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import { FunctionResolutionError } from '../../functions/registry.js';
import { formatType } from '../../common/types.js';
import type { SqlType } from '../../common/types.js';
import { ExpressionCompiler } from './compile.js';
import type { CompiledExpression, ExpressionContext, ExpressionScope } from './compile.js';
import { ExpressionError } from './errors.js';
import { formatExpression } from '../../parser/format.js';

export type { ColumnSlot, CompiledExpression, ExpressionContext, ExpressionScope } from './compile.js';
export { ExpressionCompiler } from './compile.js';
export { ExpressionError } from './errors.js';
export { sqlTypeOf } from './ast-types.js';
export type { ExpressionErrorStage } from './errors.js';
export { formatExpression, formatType as formatAstType } from '../../parser/format.js';
export {
  ConversionError,
  buildCaster,
  buildCoercer,
  canCast,
  canCoerce,
  castValue,
  coerceValue,
  parseBooleanText,
} from './convert.js';
export { canImplicitlyCoerce, commonOf, commonType, comparable, numericResultType, widerNumeric } from './type-rules.js';
export { compareValues, nullableEqual, valueToString, valuesEqual } from './values.js';
export { javaDoubleToString } from '../../functions/values.js';
export { formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from './time.js';
export { likeToRegExp } from './like.js';

/** Infers the type of an expression (throws ExpressionError when it does not type-check). */
export function inferType(expr: Expression, scope: ExpressionScope, ctx: ExpressionContext): SqlType | null {
  return new ExpressionCompiler(scope, ctx).inferType(expr);
}

/** Type-checks and compiles an expression into one function over the row array. */
export function compileExpression(expr: Expression, scope: ExpressionScope, ctx: ExpressionContext): CompiledExpression {
  return new ExpressionCompiler(scope, ctx).compile(expr);
}

/** A scope without columns (INSERT VALUES, constant expressions). */
export const EMPTY_SCOPE: ExpressionScope = { resolveColumn: () => undefined };

const NO_FUNCTIONS: FunctionRegistry = {
  kindOf: () => undefined,
  resolveScalar: (name) => {
    throw new FunctionResolutionError(`Can't find any functions with the name '${name}'`);
  },
  resolveTable: (name) => {
    throw new FunctionResolutionError(`Can't find any functions with the name '${name}'`);
  },
  resolveAggregate: (name) => {
    throw new FunctionResolutionError(`Can't find any functions with the name '${name}'`);
  },
  describe: () => undefined,
  list: () => [],
};

export interface LiteralOptions {
  functions?: FunctionRegistry;
  /** Column name for error messages. */
  columnName?: string;
  resolveType?: (name: string) => SqlType | undefined;
}

/**
 * Evaluates a constant expression (INSERT VALUES) and converts it to the column type with
 * literal coercion rules (numeric strings, ISO dates, widening, struct fields by name).
 * Throws ExpressionError with a ksqlDB-like message when it cannot.
 */
export function literalToValue(expr: Expression, target: SqlType, options: LiteralOptions = {}): unknown {
  const ctx: ExpressionContext = {
    functions: options.functions ?? NO_FUNCTIONS,
    onError: () => undefined,
    ...(options.resolveType ? { resolveType: options.resolveType } : {}),
  };
  const compiler = new ExpressionCompiler(EMPTY_SCOPE, ctx);
  const { type } = compiler.constantValue(expr);
  try {
    return compiler.constantValue(expr, target).value;
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    if (e.message.startsWith('invalid input syntax') || e.message.startsWith('Numeric field overflow')) {
      throw new ExpressionError(e.message, 'codegen', expr.loc);
    }
    const field = options.columnName ?? '?';
    throw new ExpressionError(
      `Expected type ${formatType(target)} for field ${field} but got ${formatExpression(expr)}(${type === null ? 'NULL' : formatType(type)})`,
      'codegen',
      expr.loc,
    );
  }
}
