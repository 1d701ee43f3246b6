import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, type Expression } from '../../src/parser/index.js';
import { formatExpression } from '../../src/parser/format.js';

const fmt = (sql: string) => formatExpression(parseExpression(sql));

test('arithmetic precedence: unary, * / %, + -, ||', () => {
  assert.equal(fmt('a + b * c'), '(A + (B * C))');
  assert.equal(fmt('a * b + c % d'), '((A * B) + (C % D))');
  assert.equal(fmt('a - b - c'), '((A - B) - C)');
  assert.equal(fmt('-a * b'), '(-A * B)');
  assert.equal(fmt('a || b + c'), '(A || (B + C))');
  assert.equal(fmt('(a + b) * c'), '((A + B) * C)');
});

test('comparison, predicates, NOT, AND, OR precedence', () => {
  assert.equal(fmt('a = 1 OR b < 2 AND NOT c >= 3'), '((A = 1) OR ((B < 2) AND (NOT (C >= 3))))');
  assert.equal(fmt('a != b'), '(A <> B)');
  assert.equal(fmt('a <> b'), '(A <> B)');
  assert.equal(fmt('a + 1 BETWEEN b AND c * 2'), '((A + 1) BETWEEN B AND (C * 2))');
  assert.equal(fmt('a NOT BETWEEN 1 AND 2'), '(A NOT BETWEEN 1 AND 2)');
  assert.equal(fmt("a IN (1, 2, 'x')"), "(A IN (1, 2, 'x'))");
  assert.equal(fmt('a NOT IN (1)'), '(A NOT IN (1))');
  assert.equal(fmt("a LIKE 'x%' ESCAPE '!'"), "(A LIKE 'x%' ESCAPE '!')");
  assert.equal(fmt("a NOT LIKE 'x'"), "(A NOT LIKE 'x')");
  assert.equal(fmt('a IS NULL AND b IS NOT NULL'), '((A IS NULL) AND (B IS NOT NULL))');
  assert.equal(fmt('a IS DISTINCT FROM b'), '(A IS DISTINCT FROM B)');
  assert.equal(fmt('a IS NOT DISTINCT FROM b'), '(A IS NOT DISTINCT FROM B)');
  assert.equal(fmt('NOT a AND b'), '((NOT A) AND B)');
  assert.throws(() => parseExpression('a = b = c'));
});

test('literals and their types', () => {
  const lit = (sql: string) => {
    const e = parseExpression(sql) as Expression & { kind: 'Literal' };
    assert.equal(e.kind, 'Literal', sql);
    return [e.type, e.value];
  };
  assert.deepEqual(lit('1'), ['INT', '1']);
  assert.deepEqual(lit('2147483647'), ['INT', '2147483647']);
  assert.deepEqual(lit('2147483648'), ['BIGINT', '2147483648']);
  assert.deepEqual(lit('-2147483648'), ['INT', '-2147483648']);
  assert.deepEqual(lit('-2147483649'), ['BIGINT', '-2147483649']);
  assert.deepEqual(lit('9223372036854775807'), ['BIGINT', '9223372036854775807']);
  assert.throws(() => parseExpression('9223372036854775808'), /Invalid numeric literal: 9223372036854775808/);
  assert.throws(() => parseExpression('-9223372036854775809'), /Invalid numeric literal: -9223372036854775809/);
  assert.deepEqual(lit('1.5'), ['DECIMAL', '1.5']);
  assert.deepEqual(lit('.5'), ['DECIMAL', '.5']);
  assert.deepEqual(lit('1.'), ['DECIMAL', '1.']);
  assert.deepEqual(lit('-0.10'), ['DECIMAL', '-0.10']);
  assert.deepEqual(lit('1e3'), ['DOUBLE', '1e3']);
  assert.deepEqual(lit('1.5E-2'), ['DOUBLE', '1.5E-2']);
  assert.throws(() => parseExpression('1.7976931348623159E308'), /Number overflows DOUBLE: 1.7976931348623159E308/);
  assert.deepEqual(lit("DECIMAL '1.23'"), ['DECIMAL', '1.23']);
  assert.throws(() => parseExpression("TIMESTAMP '2020-01-01'"), /only DECIMAL/);
  assert.deepEqual(lit("'it''s'"), ['STRING', "it's"]);
  assert.deepEqual(lit('true'), ['BOOLEAN', true]);
  assert.deepEqual(lit('FALSE'), ['BOOLEAN', false]);
  assert.deepEqual(lit('null'), ['NULL', null]);
});

test('a minus before a non-literal is a unary operator', () => {
  const e = parseExpression('-x');
  assert.equal(e.kind, 'Unary');
  assert.equal(fmt('a - 1'), '(A - 1)');
  assert.equal(fmt('a-1'), '(A - 1)');
  assert.equal(fmt('- - 1'), '--1');
});

test('identifiers: case, quoting, digit-leading, qualified, keywords as names', () => {
  assert.deepEqual(parseExpression('abc'), { kind: 'ColumnRef', name: 'ABC', loc: { line: 1, column: 1, offset: 0 } });
  assert.equal((parseExpression('`MiXed`') as { name: string }).name, 'MiXed');
  assert.equal((parseExpression('"with ""quote"""') as { name: string }).name, 'with "quote"');
  assert.equal((parseExpression('`back``tick`') as { name: string }).name, 'back`tick');
  assert.equal((parseExpression('1abc') as { name: string }).name, '1ABC');
  const q = parseExpression('t.col') as { source?: string; name: string };
  assert.deepEqual([q.source, q.name], ['T', 'COL']);
  for (const kw of ['KEY', 'SOURCE', 'TYPE', 'DATE', 'TIME', 'TIMESTAMP', 'EMIT', 'CHANGES', 'FINAL', 'GRACE', 'PERIOD', 'HEADERS', 'SCHEMA', 'ID', 'VALUES', 'SIZE', 'WINDOWSTART', 'ROWTIME']) {
    const e = parseExpression(kw.toLowerCase()) as { kind: string; name: string };
    assert.deepEqual([e.kind, e.name], ['ColumnRef', kw], kw);
  }
});

test('dereference, subscripts, constructors', () => {
  assert.equal(fmt('a->b->c'), 'A->B->C');
  assert.equal(fmt('arr[1]'), 'ARR[1]');
  assert.equal(fmt("m['k']->f[i + 1]"), "M['k']->F[(I + 1)]");
  assert.equal(fmt('ARRAY[1, 2, 3]'), 'ARRAY[1, 2, 3]');
  assert.equal(fmt('ARRAY[]'), 'ARRAY[]');
  assert.equal(fmt("MAP('a' := 1, 'b' := 2)"), "MAP('a':=1, 'b':=2)");
  assert.equal(fmt('STRUCT(f1 := 1, `f2` := a)'), 'STRUCT(F1:=1, `f2`:=A)');
  assert.equal(fmt('STRUCT()'), 'STRUCT()');
});

test('function calls: COUNT(*), DISTINCT, bare time units, lambdas', () => {
  assert.equal(fmt('COUNT(*)'), 'COUNT(*)');
  assert.equal(fmt('count(DISTINCT x)'), 'COUNT(DISTINCT X)');
  assert.equal(fmt('now()'), 'NOW()');
  const d = parseExpression('DATEADD(DAYS, 1, d)') as { kind: string; args: Expression[] };
  assert.deepEqual(d.args[0], { kind: 'IntervalUnit', unit: 'DAYS', loc: { line: 1, column: 9, offset: 8 } });
  assert.equal(fmt('TIMESTAMPADD(SECONDS, 5, ts)'), 'TIMESTAMPADD(SECONDS, 5, TS)');
  assert.equal(fmt('TRANSFORM(arr, x => x + 1)'), 'TRANSFORM(ARR, X => (X + 1))');
  assert.equal(fmt('REDUCE(arr, 0, (s, x) => s + x)'), 'REDUCE(ARR, 0, (S, X) => (S + X))');
  assert.equal(fmt('TRANSFORM(m, (k, v) => UCASE(k), (k, v) => v * 2)'), 'TRANSFORM(M, (K, V) => UCASE(K), (K, V) => (V * 2))');
  assert.throws(() => parseExpression('f((a.b, c) => 1)'), /Lambda parameters/);
});

test('CASE (searched and simple) and CAST', () => {
  assert.equal(fmt("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END"), "(CASE WHEN (A > 1) THEN 'x' WHEN (A > 0) THEN 'y' ELSE 'z' END)");
  assert.equal(fmt('CASE a WHEN 1 THEN 2 END'), '(CASE A WHEN 1 THEN 2 END)');
  assert.equal(fmt('CAST(x AS BIGINT)'), 'CAST(X AS BIGINT)');
  assert.equal(fmt('CAST(x AS DECIMAL(5, 2))'), 'CAST(X AS DECIMAL(5, 2))');
  assert.equal(fmt('CAST(x AS ARRAY<MAP<STRING, INT>>)'), 'CAST(X AS ARRAY<MAP<STRING, INTEGER>>)');
  assert.equal(fmt('CAST(x AS STRUCT<a INT, `b` VARCHAR>)'), 'CAST(X AS STRUCT<`A` INTEGER, `b` STRING>)');
  assert.throws(() => parseExpression('CAST(x AS NULL)'), /Syntax Error/);
});

test('comments are ignored inside expressions', () => {
  assert.equal(fmt('a /* c1 */ + -- c2\n b'), '(A + B)');
});
