// Function calls through the real function library: argument coercion, constant folding,
// lambdas (TRANSFORM / FILTER / REDUCE) and resolution errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, ExpressionError } from '../../src/planner/expressions/index.js';
import type { ExpressionScope } from '../../src/planner/expressions/index.js';
import { functionRegistry } from '../../src/functions/index.js';
import type { Expression } from '../../src/parser/ast.js';
import { Decimal } from '../../src/common/decimal.js';
import { BIGINT, DOUBLE, INTEGER, STRING, arrayOf, decimalType, formatType, mapOf } from '../../src/common/types.js';
import type { SqlType } from '../../src/common/types.js';
import * as b from './expr-builders.js';

const COLUMNS: [string, SqlType][] = [
  ['I', INTEGER],
  ['L', BIGINT],
  ['D', DOUBLE],
  ['S', STRING],
  ['ARR', arrayOf(INTEGER)],
  ['M', mapOf(STRING, INTEGER)],
  ['DEC', decimalType(4, 2)],
  ['X', INTEGER],
];

const scope: ExpressionScope = {
  resolveColumn(ref) {
    const i = COLUMNS.findIndex(([n]) => n === ref.name);
    return i < 0 ? undefined : { index: i, type: COLUMNS[i]![1] };
  },
};

function compile(expr: Expression, errors: string[] = []) {
  return compileExpression(expr, scope, { functions: functionRegistry, onError: (m) => errors.push(m) });
}

function run(expr: Expression, values: Record<string, unknown> = {}, errors: string[] = []): unknown {
  return compile(expr, errors).evaluate(COLUMNS.map(([n]) => (n in values ? values[n] : null)));
}

test('value arguments are coerced to the resolved parameter types', () => {
  const geo = b.call('GEO_DISTANCE', b.col('D'), b.col('D'), b.col('I'), b.int(0));
  const c = compile(geo);
  assert.equal(formatType(c.type!), 'DOUBLE');
  assert.equal(typeof run(geo, { D: 37.4439, I: 51 }), 'number');
  // No implicit cast of a number to STRING (ksqlDB refuses MULTI_ARG(FIRST, 5, …) for a STRING parameter).
  assert.throws(() => compile(b.call('CONCAT', b.col('S'), b.int(1))), /does not accept parameters \(STRING, INTEGER\)/);
  assert.equal(run(b.call('COALESCE', b.col('I'), b.nul(), b.col('L')), { L: 7 }), 7);
  assert.deepEqual(run(b.call('IFNULL', b.col('ARR'), b.array(b.int(10), b.int(20))), {}), [10, 20]);
  assert.equal(run(b.call('ABS', b.col('L')), { L: -3 }), 3);
  assert.equal(run(b.call('SUBSTRING', b.col('S'), b.int(2)), { S: 'zb' }), 'b');
  assert.equal(String(run(b.call('ROUND', b.col('DEC')), { DEC: Decimal.parse('1.50') })), '2');
});

test('deterministic calls with constant arguments are folded; others are not', () => {
  assert.deepEqual(compile(b.call('UCASE', b.str('abc'))).constant, { value: 'ABC' });
  assert.deepEqual(compile(b.arith('+', b.call('LEN', b.str('abc')), b.int(1))).constant, { value: 4 });
  assert.equal(compile(b.call('RANDOM')).constant, undefined);
  assert.equal(compile(b.call('UCASE', b.col('S'))).constant, undefined);
});

test('lambdas: TRANSFORM, FILTER and REDUCE, parameters shadow columns', () => {
  const t = b.call('TRANSFORM', b.col('ARR'), b.lambda(['X'], b.arith('*', b.col('X'), b.int(2))));
  assert.deepEqual(run(t, { ARR: [1, 2, 3], X: 100 }), [2, 4, 6]);
  const f = b.call('FILTER', b.col('ARR'), b.lambda(['X'], b.cmp('>', b.col('X'), b.col('I'))));
  assert.deepEqual(run(f, { ARR: [1, 5, 3, 7], I: 3 }), [5, 7]);
  const r = b.call('REDUCE', b.col('ARR'), b.int(0), b.lambda(['S', 'X'], b.arith('+', b.col('S'), b.col('X'))));
  assert.equal(run(r, { ARR: [1, 2, 3], S: 'shadowed' }), 6);
  const tm = b.call(
    'TRANSFORM',
    b.col('M'),
    b.lambda(['K', 'V'], b.call('UCASE', b.col('K'))),
    b.lambda(['K', 'V'], b.arith('+', b.col('V'), b.int(1))),
  );
  assert.deepEqual(run(tm, { M: new Map([['a', 1]]) }), new Map([['A', 2]]));
});

test('resolution errors surface with the library message', () => {
  assert.throws(
    () => compile(b.call('GEO_DISTANCE', b.col('D'), b.col('D'), b.str('foo'), b.int(0))),
    (e: unknown) => e instanceof ExpressionError && e.message.startsWith("Function 'geo_distance' does not accept parameters"),
  );
  assert.throws(
    () => compile(b.call('WONT_FIND_ME')),
    (e: unknown) => e instanceof ExpressionError && e.message === "Can't find any functions with the name 'WONT_FIND_ME'",
  );
});
