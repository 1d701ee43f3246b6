// ksqlDB-style text of an expression, used for generated names, structural comparison,
// EXPLAIN and error messages (e.g. `ABS(ID)`, `(A + 1)`, `ADDRESS->TOWN`).

import type { Expression } from '../../parser/ast.js';

function quoteIfNeeded(name: string): string {
  return /^[A-Z_][A-Z0-9_@]*$/.test(name) ? name : `\`${name}\``;
}

export function expressionText(e: Expression): string {
  switch (e.kind) {
    case 'Literal':
      if (e.type === 'STRING') return `'${String(e.value).replace(/'/g, "''")}'`;
      if (e.type === 'NULL') return 'null';
      if (e.type === 'BOOLEAN') return e.value ? 'true' : 'false';
      return String(e.value);
    case 'ColumnRef':
      return e.source ? `${quoteIfNeeded(e.source)}.${quoteIfNeeded(e.name)}` : quoteIfNeeded(e.name);
    case 'Dereference':
      return `${expressionText(e.base)}->${quoteIfNeeded(e.field)}`;
    case 'Subscript':
      return `${expressionText(e.base)}[${expressionText(e.index)}]`;
    case 'FunctionCall':
      if (e.star) return `${e.name}(*)`;
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(expressionText).join(', ')})`;
    case 'Lambda':
      return `${e.params.length === 1 ? e.params[0] : `(${e.params.join(', ')})`} => ${expressionText(e.body)}`;
    case 'IntervalUnit':
      return e.unit;
    case 'Arithmetic':
      return `(${expressionText(e.left)} ${e.op} ${expressionText(e.right)})`;
    case 'Unary':
      return `${e.op}${expressionText(e.operand)}`;
    case 'Comparison':
      return `(${expressionText(e.left)} ${e.op} ${expressionText(e.right)})`;
    case 'Between':
      return `(${expressionText(e.value)}${e.not ? ' NOT' : ''} BETWEEN ${expressionText(e.low)} AND ${expressionText(e.high)})`;
    case 'In':
      return `(${expressionText(e.value)}${e.not ? ' NOT' : ''} IN (${e.list.map(expressionText).join(', ')}))`;
    case 'Like':
      return `(${expressionText(e.value)}${e.not ? ' NOT' : ''} LIKE ${expressionText(e.pattern)}${e.escape !== undefined ? ` ESCAPE '${e.escape}'` : ''})`;
    case 'IsNull':
      return `(${expressionText(e.value)} IS${e.not ? ' NOT' : ''} NULL)`;
    case 'Not':
      return `(NOT ${expressionText(e.operand)})`;
    case 'Logical':
      return `(${expressionText(e.left)} ${e.op} ${expressionText(e.right)})`;
    case 'Case': {
      const parts = ['(CASE'];
      if (e.operand) parts.push(expressionText(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${expressionText(w.when)} THEN ${expressionText(w.then)}`);
      if (e.else) parts.push(`ELSE ${expressionText(e.else)}`);
      parts.push('END)');
      return parts.join(' ');
    }
    case 'Cast':
      return `CAST(${expressionText(e.expr)} AS ${typeText(e.type)})`;
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(expressionText).join(', ')}]`;
    case 'MapConstructor':
      return `MAP(${e.entries.map((x) => `${expressionText(x.key)}:=${expressionText(x.value)}`).join(', ')})`;
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((f) => `${quoteIfNeeded(f.name)}:=${expressionText(f.value)}`).join(', ')})`;
  }
}

function typeText(t: import('../../parser/ast.js').AstType): string {
  switch (t.kind) {
    case 'Primitive':
      return t.name;
    case 'Decimal':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'Array':
      return `ARRAY<${typeText(t.item)}>`;
    case 'Map':
      return `MAP<${typeText(t.key)}, ${typeText(t.value)}>`;
    case 'Struct':
      return `STRUCT<${t.fields.map((f) => `${quoteIfNeeded(f.name)} ${typeText(f.type)}`).join(', ')}>`;
    case 'Alias':
      return t.name;
  }
}

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
