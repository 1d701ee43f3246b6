// ksqlDB-style text of an expression for error messages, e.g. `(A + 1)`, `ABS(ID)`,
// `MAP('a':=VAL1)`, `STRUCT(F0:=VAL1)`, `ADDRESS->TOWN`.

import type { AstType, Expression } from '../../parser/ast.js';

function ident(name: string): string {
  return /^[A-Z_][A-Z0-9_@]*$/.test(name) ? name : `\`${name}\``;
}

export function formatAstType(t: AstType): string {
  switch (t.kind) {
    case 'Primitive':
      return t.name;
    case 'Decimal':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'Array':
      return `ARRAY<${formatAstType(t.item)}>`;
    case 'Map':
      return `MAP<${formatAstType(t.key)}, ${formatAstType(t.value)}>`;
    case 'Struct':
      return `STRUCT<${t.fields.map((f) => `${ident(f.name)} ${formatAstType(f.type)}`).join(', ')}>`;
    case 'Alias':
      return t.name;
  }
}

export function formatExpression(e: Expression): string {
  switch (e.kind) {
    case 'Literal':
      if (e.type === 'STRING') return `'${String(e.value).replace(/'/g, "''")}'`;
      if (e.type === 'NULL') return 'null';
      return String(e.value);
    case 'ColumnRef':
      return e.source ? `${ident(e.source)}.${ident(e.name)}` : ident(e.name);
    case 'Dereference':
      return `${formatExpression(e.base)}->${ident(e.field)}`;
    case 'Subscript':
      return `${formatExpression(e.base)}[${formatExpression(e.index)}]`;
    case 'FunctionCall':
      if (e.star) return `${e.name}(*)`;
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(formatExpression).join(', ')})`;
    case 'Lambda':
      return `(${e.params.join(', ')}) => ${formatExpression(e.body)}`;
    case 'IntervalUnit':
      return e.unit;
    case 'Arithmetic':
    case 'Logical':
    case 'Comparison':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Unary':
      return `${e.op}${formatExpression(e.operand)}`;
    case 'Between':
      return `(${formatExpression(e.value)}${e.not ? ' NOT' : ''} BETWEEN ${formatExpression(e.low)} AND ${formatExpression(e.high)})`;
    case 'In':
      return `(${formatExpression(e.value)}${e.not ? ' NOT' : ''} IN (${e.list.map(formatExpression).join(', ')}))`;
    case 'Like':
      return `(${formatExpression(e.value)}${e.not ? ' NOT' : ''} LIKE ${formatExpression(e.pattern)}${
        e.escape !== undefined ? ` ESCAPE '${e.escape}'` : ''
      })`;
    case 'IsNull':
      return `(${formatExpression(e.value)} IS${e.not ? ' NOT' : ''} NULL)`;
    case 'Not':
      return `(NOT ${formatExpression(e.operand)})`;
    case 'Case': {
      const parts = ['(CASE'];
      if (e.operand) parts.push(formatExpression(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`);
      if (e.else) parts.push(`ELSE ${formatExpression(e.else)}`);
      parts.push('END)');
      return parts.join(' ');
    }
    case 'Cast':
      return `CAST(${formatExpression(e.expr)} AS ${formatAstType(e.type)})`;
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(formatExpression).join(', ')}]`;
    case 'MapConstructor':
      return `MAP(${e.entries.map((x) => `${formatExpression(x.key)}:=${formatExpression(x.value)}`).join(', ')})`;
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((f) => `${ident(f.name)}:=${formatExpression(f.value)}`).join(', ')})`;
  }
}
