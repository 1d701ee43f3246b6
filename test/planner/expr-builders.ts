// Hand-built expression ASTs for the expression compiler tests (until tests can parse text).

import type { AstType, Expression } from '../../src/parser/ast.js';

export const col = (name: string, source?: string): Expression =>
  source === undefined ? { kind: 'ColumnRef', name } : { kind: 'ColumnRef', name, source };
export const int = (v: number): Expression => ({ kind: 'Literal', type: 'INT', value: String(v) });
export const bigint = (v: string): Expression => ({ kind: 'Literal', type: 'BIGINT', value: v });
export const dec = (v: string): Expression => ({ kind: 'Literal', type: 'DECIMAL', value: v });
export const dbl = (v: string): Expression => ({ kind: 'Literal', type: 'DOUBLE', value: v });
export const str = (v: string): Expression => ({ kind: 'Literal', type: 'STRING', value: v });
export const bool = (v: boolean): Expression => ({ kind: 'Literal', type: 'BOOLEAN', value: v });
export const nul = (): Expression => ({ kind: 'Literal', type: 'NULL', value: null });
export const arith = (op: '+' | '-' | '*' | '/' | '%' | '||', left: Expression, right: Expression): Expression => ({
  kind: 'Arithmetic',
  op,
  left,
  right,
});
export const neg = (operand: Expression): Expression => ({ kind: 'Unary', op: '-', operand });
export const cmp = (
  op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM',
  left: Expression,
  right: Expression,
): Expression => ({ kind: 'Comparison', op, left, right });
export const and = (left: Expression, right: Expression): Expression => ({ kind: 'Logical', op: 'AND', left, right });
export const or = (left: Expression, right: Expression): Expression => ({ kind: 'Logical', op: 'OR', left, right });
export const not = (operand: Expression): Expression => ({ kind: 'Not', operand });
export const isNull = (value: Expression, negated = false): Expression => ({ kind: 'IsNull', value, not: negated });
export const between = (value: Expression, low: Expression, high: Expression, negated = false): Expression => ({
  kind: 'Between',
  value,
  low,
  high,
  not: negated,
});
export const inList = (value: Expression, list: Expression[], negated = false): Expression => ({ kind: 'In', value, list, not: negated });
export const like = (value: Expression, pattern: Expression, escape?: string, negated = false): Expression =>
  escape === undefined ? { kind: 'Like', value, pattern, not: negated } : { kind: 'Like', value, pattern, escape, not: negated };
export const caseWhen = (whens: [Expression, Expression][], elseExpr?: Expression, operand?: Expression): Expression => {
  const e: Expression = { kind: 'Case', whens: whens.map(([when, then]) => ({ when, then })) };
  if (elseExpr) e.else = elseExpr;
  if (operand) e.operand = operand;
  return e;
};
export const prim = (name: Extract<AstType, { kind: 'Primitive' }>['name']): AstType => ({ kind: 'Primitive', name });
export const cast = (expr: Expression, type: AstType): Expression => ({ kind: 'Cast', expr, type });
export const call = (name: string, ...args: Expression[]): Expression => ({ kind: 'FunctionCall', name, args });
export const lambda = (params: string[], body: Expression): Expression => ({ kind: 'Lambda', params, body });
export const array = (...items: Expression[]): Expression => ({ kind: 'ArrayConstructor', items });
export const map = (...entries: [Expression, Expression][]): Expression => ({
  kind: 'MapConstructor',
  entries: entries.map(([key, value]) => ({ key, value })),
});
export const struct = (...fields: [string, Expression][]): Expression => ({
  kind: 'StructConstructor',
  fields: fields.map(([name, value]) => ({ name, value })),
});
export const deref = (base: Expression, field: string): Expression => ({ kind: 'Dereference', base, field });
export const sub = (base: Expression, index: Expression): Expression => ({ kind: 'Subscript', base, index });
