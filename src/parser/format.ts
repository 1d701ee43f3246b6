// SQL text of expressions and types, in the style ksqlDB uses in EXPLAIN output, schemas
// and error messages: binary operations parenthesised, identifiers unquoted unless needed.

import type { AstType, Expression, TableElement } from './ast.js';

const PLAIN_IDENTIFIER = /^[A-Z_][A-Z0-9_@]*$/;

// Words that must be quoted to be read back as identifiers.
const RESERVED = new Set([
  'SELECT', 'FROM', 'AS', 'WHERE', 'WITHIN', 'WINDOW', 'GROUP', 'BY', 'HAVING', 'LIMIT', 'OR', 'AND', 'IN',
  'NOT', 'EXISTS', 'BETWEEN', 'LIKE', 'IS', 'NULL', 'TRUE', 'FALSE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
  'JOIN', 'FULL', 'OUTER', 'INNER', 'LEFT', 'RIGHT', 'ON', 'WITH', 'CAST', 'DISTINCT', 'CREATE', 'INSERT',
  'INTO', 'DROP', 'DESCRIBE', 'TERMINATE', 'PRINT',
]);

/** An identifier as ksqlDB prints it in expressions: bare when possible, else back-quoted. */
export function formatIdentifier(name: string): string {
  if (PLAIN_IDENTIFIER.test(name) && !RESERVED.has(name)) return name;
  return quoteIdentifier(name);
}

/** Always back-quoted, as in schema strings ("`K` STRING KEY"). */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function formatString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

export function formatExpression(e: Expression): string {
  switch (e.kind) {
    case 'Literal':
      if (e.type === 'NULL') return 'null';
      if (e.type === 'STRING') return formatString(String(e.value));
      if (e.type === 'BOOLEAN') return e.value ? 'true' : 'false';
      return String(e.value);
    case 'ColumnRef':
      return e.source !== undefined ? `${formatIdentifier(e.source)}.${formatIdentifier(e.name)}` : formatIdentifier(e.name);
    case 'Dereference':
      return `${formatExpression(e.base)}->${formatIdentifier(e.field)}`;
    case 'Subscript':
      return `${formatExpression(e.base)}[${formatExpression(e.index)}]`;
    case 'FunctionCall':
      if (e.star) return `${e.name}(*)`;
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(formatExpression).join(', ')})`;
    case 'Lambda': {
      const params = e.params.map(formatIdentifier);
      const head = params.length === 1 ? params[0]! : `(${params.join(', ')})`;
      return `${head} => ${formatExpression(e.body)}`;
    }
    case 'IntervalUnit':
      return e.unit;
    case 'Arithmetic':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Unary':
      return `${e.op}${formatExpression(e.operand)}`;
    case 'Comparison':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Between':
      return `(${formatExpression(e.value)} ${e.not ? 'NOT ' : ''}BETWEEN ${formatExpression(e.low)} AND ${formatExpression(e.high)})`;
    case 'In':
      return `(${formatExpression(e.value)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(formatExpression).join(', ')}))`;
    case 'Like': {
      const esc = e.escape !== undefined ? ` ESCAPE ${formatString(e.escape)}` : '';
      return `(${formatExpression(e.value)} ${e.not ? 'NOT ' : ''}LIKE ${formatExpression(e.pattern)}${esc})`;
    }
    case 'IsNull':
      return `(${formatExpression(e.value)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'Not':
      return `(NOT ${formatExpression(e.operand)})`;
    case 'Logical':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Case': {
      const parts = ['(CASE'];
      if (e.operand) parts.push(formatExpression(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`);
      if (e.else) parts.push(`ELSE ${formatExpression(e.else)}`);
      parts.push('END)');
      return parts.join(' ');
    }
    case 'Cast':
      return `CAST(${formatExpression(e.expr)} AS ${formatType(e.type)})`;
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(formatExpression).join(', ')}]`;
    case 'MapConstructor':
      return `MAP(${e.entries.map((en) => `${formatExpression(en.key)}:=${formatExpression(en.value)}`).join(', ')})`;
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((f) => `${formatIdentifier(f.name)}:=${formatExpression(f.value)}`).join(', ')})`;
  }
}

export function formatType(t: AstType): string {
  switch (t.kind) {
    case 'Primitive':
      return t.name;
    case 'Decimal':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'Array':
      return `ARRAY<${formatType(t.item)}>`;
    case 'Map':
      return `MAP<${formatType(t.key)}, ${formatType(t.value)}>`;
    case 'Struct':
      return `STRUCT<${t.fields.map((f) => `${quoteIdentifier(f.name)} ${formatType(f.type)}`).join(', ')}>`;
    case 'Alias':
      return t.name;
  }
}

/** "`K` STRING KEY, `V` INTEGER" — the schema-string form used by DESCRIBE and tests. */
export function formatTableElements(elements: TableElement[]): string {
  return elements
    .map((el) => {
      let s = `${quoteIdentifier(el.name)} ${formatType(el.type)}`;
      if (el.constraint === 'KEY') s += ' KEY';
      else if (el.constraint === 'PRIMARY KEY') s += ' PRIMARY KEY';
      else if (el.constraint === 'HEADERS') s += ' HEADERS';
      else if (el.constraint) s += ` HEADER(${formatString(el.constraint.header)})`;
      return s;
    })
    .join(', ');
}
