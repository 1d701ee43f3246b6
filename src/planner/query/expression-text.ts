// Expression text and traversal for the query planner: the ksqlDB-style text, rewriting,
// column references.

import type { Expression } from '../../parser/ast.js';
import { formatExpression } from '../../parser/format.js';

/**
 * The text of an expression as ksqlDB prints it (e.g. `ABS(ID)`, `(A + 1)`, `ADDRESS->TOWN`);
 * one formatter serves generated names, structural comparison, EXPLAIN and error messages.
 */
export const expressionText = formatExpression;

/** Calls `visit` on every node, depth first; `visit` returning a node replaces it (and stops descent). */
export function rewriteExpression(e: Expression, visit: (node: Expression) => Expression | undefined): Expression {
  const replaced = visit(e);
  if (replaced) return replaced;
  const r = (x: Expression) => rewriteExpression(x, visit);
  switch (e.kind) {
    case 'Literal':
    case 'ColumnRef':
    case 'IntervalUnit':
      return e;
    case 'Dereference':
      return { ...e, base: r(e.base) };
    case 'Subscript':
      return { ...e, base: r(e.base), index: r(e.index) };
    case 'FunctionCall':
      return { ...e, args: e.args.map(r) };
    case 'Lambda':
      return { ...e, body: r(e.body) };
    case 'Arithmetic':
    case 'Comparison':
    case 'Logical':
      return { ...e, left: r(e.left), right: r(e.right) } as Expression;
    case 'Unary':
    case 'Not':
      return { ...e, operand: r(e.operand) } as Expression;
    case 'Between':
      return { ...e, value: r(e.value), low: r(e.low), high: r(e.high) };
    case 'In':
      return { ...e, value: r(e.value), list: e.list.map(r) };
    case 'Like':
      return { ...e, value: r(e.value), pattern: r(e.pattern) };
    case 'IsNull':
      return { ...e, value: r(e.value) };
    case 'Case':
      return {
        ...e,
        operand: e.operand && r(e.operand),
        whens: e.whens.map((w) => ({ when: r(w.when), then: r(w.then) })),
        else: e.else && r(e.else),
      };
    case 'Cast':
      return { ...e, expr: r(e.expr) };
    case 'ArrayConstructor':
      return { ...e, items: e.items.map(r) };
    case 'MapConstructor':
      return { ...e, entries: e.entries.map((x) => ({ key: r(x.key), value: r(x.value) })) };
    case 'StructConstructor':
      return { ...e, fields: e.fields.map((f) => ({ name: f.name, value: r(f.value) })) };
  }
}

/** Column references outside lambda bodies' own parameters. */
export function columnRefs(e: Expression): import('../../parser/ast.js').ColumnRef[] {
  const out: import('../../parser/ast.js').ColumnRef[] = [];
  const walk = (x: Expression, params: Set<string>) => {
    rewriteExpression(x, (n) => {
      if (n.kind === 'ColumnRef') {
        if (!(n.source === undefined && params.has(n.name))) out.push(n);
        return n;
      }
      if (n.kind === 'Lambda') {
        walk(n.body, new Set([...params, ...n.params]));
        return n;
      }
      return undefined;
    });
  };
  walk(e, new Set());
  return out;
}

export function containsAny(e: Expression, pred: (n: Expression) => boolean): boolean {
  let found = false;
  rewriteExpression(e, (n) => {
    if (found) return n;
    if (pred(n)) {
      found = true;
      return n;
    }
    return undefined;
  });
  return found;
}
