import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileExpression,
  inferType,
  ExpressionError,
  literalToValue,
  castValue,
  coerceValue,
  commonType,
} from '../../src/planner/expressions/index.js';
import type { ExpressionScope } from '../../src/planner/expressions/index.js';
import type { Expression } from '../../src/parser/ast.js';
import { Decimal } from '../../src/common/decimal.js';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  TIMESTAMP,
  arrayOf,
  decimalType,
  formatType,
  mapOf,
  structOf,
} from '../../src/common/types.js';
import type { SqlType } from '../../src/common/types.js';
import { testRegistry } from './test-registry.js';
import * as b from './expr-builders.js';

const COLUMNS: [string, SqlType][] = [
  ['I', INTEGER],
  ['L', BIGINT],
  ['D', DOUBLE],
  ['S', STRING],
  ['B', BOOLEAN],
  ['DEC', decimalType(4, 2)],
  ['ARR', arrayOf(INTEGER)],
  ['M', mapOf(STRING, INTEGER)],
  ['ST', structOf([{ name: 'ID', type: INTEGER }, { name: 'NAME', type: STRING }])],
  ['ROWTIME', BIGINT],
  ['TS', TIMESTAMP],
  ['DT', DATE],
  ['I2', INTEGER],
];

const scope: ExpressionScope = {
  resolveColumn(ref) {
    const i = COLUMNS.findIndex(([n]) => n === ref.name);
    return i < 0 ? undefined : { index: i, type: COLUMNS[i]![1] };
  },
};

function row(values: Record<string, unknown>): unknown[] {
  return COLUMNS.map(([n]) => (n in values ? values[n] : null));
}

function compile(expr: Expression, errors: string[] = []) {
  return compileExpression(expr, scope, { functions: testRegistry, onError: (m) => errors.push(m) });
}

function evalWith(expr: Expression, values: Record<string, unknown> = {}, errors: string[] = []): unknown {
  return compile(expr, errors).evaluate(row(values));
}

function typeOf(expr: Expression): string {
  const t = inferType(expr, scope, { functions: testRegistry, onError: () => undefined });
  return t === null ? 'NULL' : formatType(t);
}

function throwsMessage(expr: Expression, message: string | RegExp): void {
  assert.throws(() => compile(expr), (e: unknown) => {
    assert.ok(e instanceof ExpressionError, `expected ExpressionError, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('literals and columns', () => {
  assert.equal(evalWith(b.int(5)), 5);
  assert.equal(evalWith(b.bigint('9007199254740993')), 9007199254740993n);
  assert.equal(evalWith(b.bigint('12')), 12);
  assert.equal((evalWith(b.dec('1.50')) as Decimal).toString(), '1.50');
  assert.equal(typeOf(b.dec('1.50')), 'DECIMAL(3, 2)');
  assert.equal(typeOf(b.dec('0.05')), 'DECIMAL(2, 2)');
  assert.equal(evalWith(b.col('S'), { S: 'x' }), 'x');
  assert.equal(typeOf(b.nul()), 'NULL');
  throwsMessage(b.col('NOPE'), "Column 'NOPE' cannot be resolved.");
  throwsMessage(b.dbl('1.7976931348623159E309'), 'Number overflows DOUBLE: 1.7976931348623159E309');
});

test('integer arithmetic truncates and wraps', () => {
  assert.equal(evalWith(b.arith('/', b.col('I'), b.int(2)), { I: 7 }), 3);
  assert.equal(evalWith(b.arith('/', b.col('I'), b.int(2)), { I: -7 }), -3);
  assert.equal(evalWith(b.arith('%', b.col('I'), b.int(4)), { I: -7 }), -3);
  assert.equal(evalWith(b.arith('+', b.col('I'), b.int(1)), { I: 2147483647 }), -2147483648);
  assert.equal(evalWith(b.arith('*', b.col('I'), b.col('I')), { I: 65536 }), 0);
  assert.equal(typeOf(b.arith('+', b.col('I'), b.col('L'))), 'BIGINT');
  assert.equal(evalWith(b.arith('+', b.col('L'), b.int(1)), { L: 9007199254740991 }), 9007199254740992n);
  assert.equal(evalWith(b.arith('+', b.col('L'), b.int(1)), { L: 9223372036854775807n }), -9223372036854775808n);
  assert.equal(evalWith(b.arith('*', b.col('L'), b.int(2)), { L: 3 }), 6);
  assert.equal(evalWith(b.arith('/', b.col('L'), b.int(3)), { L: 9223372036854775807n }), 3074457345618258602n);
  assert.equal(evalWith(b.arith('-', b.col('L'), b.col('L')), { L: 2n ** 62n }), 0);
  assert.equal(evalWith(b.arith('+', b.int(12), b.arith('*', b.int(4), b.int(2)))), 20);
  assert.equal(evalWith(b.neg(b.col('I')), { I: 5 }), -5);
});

test('double and decimal arithmetic', () => {
  assert.equal(typeOf(b.arith('+', b.col('D'), b.int(10))), 'DOUBLE');
  assert.equal(evalWith(b.arith('+', b.col('D'), b.int(10)), { D: 3.21 }), 13.21);
  assert.equal(typeOf(b.arith('+', b.col('DEC'), b.col('DEC'))), 'DECIMAL(5, 2)');
  assert.equal(typeOf(b.arith('+', b.col('DEC'), b.col('I'))), 'DECIMAL(13, 2)');
  assert.equal(typeOf(b.arith('*', b.col('DEC'), b.col('DEC'))), 'DECIMAL(9, 4)');
  assert.equal(typeOf(b.arith('/', b.col('DEC'), b.col('DEC'))), 'DECIMAL(11, 7)');
  assert.equal(typeOf(b.arith('%', b.col('DEC'), b.col('DEC'))), 'DECIMAL(4, 2)');
  const d = (s: string) => Decimal.parse(s);
  assert.equal(String(evalWith(b.arith('+', b.col('DEC'), b.col('DEC')), { DEC: d('10.01') })), '20.02');
  assert.equal(String(evalWith(b.arith('/', b.col('DEC'), b.dec('2.0')), { DEC: d('10.10') })), '5.050000');
  assert.equal(String(evalWith(b.arith('%', b.col('DEC'), b.dec('2.00')), { DEC: d('10.10') })), '0.10');
  assert.equal(String(evalWith(b.arith('+', b.col('DEC'), b.col('I')), { DEC: d('10.01'), I: 5 })), '15.01');
  assert.equal(evalWith(b.arith('+', b.col('DEC'), b.col('D')), { DEC: d('1.50'), D: 1 }), 2.5);
  assert.equal(evalWith(b.arith('+', b.col('S'), b.str('!')), { S: 'hi' }), 'hi!');
  assert.equal(evalWith(b.arith('||', b.col('S'), b.str('!')), { S: null }), '!');
  throwsMessage(b.arith('+', b.bool(true), b.dec('1.5')), 'Error processing expression: (true + 1.5). Unsupported arithmetic types. BOOLEAN DECIMAL');
});

test('division by zero gives null and reports the error', () => {
  const errors: string[] = [];
  assert.equal(evalWith(b.arith('/', b.col('I'), b.col('I2')), { I: 1, I2: 0 }, errors), null);
  assert.equal(evalWith(b.arith('/', b.col('DEC'), b.dec('0.0')), { DEC: Decimal.parse('1.00') }, errors), null);
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /by zero/);
  assert.equal(evalWith(b.arith('/', b.col('D'), b.int(0)), { D: 1 }), Infinity);
});

test('null propagation and comparisons with null are false', () => {
  assert.equal(evalWith(b.arith('+', b.col('I'), b.int(1)), {}), null);
  assert.equal(evalWith(b.cmp('=', b.col('I'), b.int(1)), {}), false);
  assert.equal(evalWith(b.not(b.cmp('=', b.col('I'), b.int(1))), {}), true);
  assert.equal(evalWith(b.cmp('IS DISTINCT FROM', b.col('I'), b.col('I2')), { I: 1 }), true);
  assert.equal(evalWith(b.cmp('IS DISTINCT FROM', b.col('I'), b.col('I2')), {}), false);
  assert.equal(evalWith(b.cmp('IS NOT DISTINCT FROM', b.col('I'), b.col('I2')), { I: 1, I2: 1 }), true);
  assert.equal(evalWith(b.cmp('IS NOT DISTINCT FROM', b.col('I'), b.nul()), {}), true);
  throwsMessage(b.cmp('=', b.nul(), b.col('I')), 'Comparison with NULL not supported');
  assert.equal(evalWith(b.isNull(b.col('S')), {}), true);
  assert.equal(evalWith(b.isNull(b.col('S'), true), { S: '' }), true);
});

test('three-valued AND / OR / NOT', () => {
  const B = b.col('B');
  assert.equal(evalWith(b.and(B, b.bool(false)), {}), false);
  assert.equal(evalWith(b.and(B, b.bool(true)), {}), null);
  assert.equal(evalWith(b.or(B, b.bool(true)), {}), true);
  assert.equal(evalWith(b.or(B, b.bool(false)), {}), null);
  assert.equal(evalWith(b.not(B), {}), null);
  assert.equal(evalWith(b.or(b.bool(true), b.and(b.bool(false), b.bool(true)))), true);
});

test('comparisons across numeric types, strings, decimals and containers', () => {
  assert.equal(evalWith(b.cmp('=', b.col('DEC'), b.dec('1.20')), { DEC: Decimal.parse('1.2') }), true);
  assert.equal(evalWith(b.cmp('<', b.col('DEC'), b.col('I')), { DEC: Decimal.parse('10.01'), I: 12 }), true);
  assert.equal(evalWith(b.cmp('>', b.col('L'), b.col('I')), { L: 2n ** 60n, I: 5 }), true);
  assert.equal(evalWith(b.cmp('=', b.col('L'), b.col('D')), { L: 3, D: 3.0 }), true);
  assert.equal(evalWith(b.cmp('<', b.col('S'), b.str('foo')), { S: 'Foo' }), true);
  assert.equal(evalWith(b.cmp('=', b.col('ARR'), b.array(b.int(1), b.int(2))), { ARR: [1, 2] }), true);
  assert.equal(evalWith(b.cmp('<>', b.col('ARR'), b.array(b.int(1), b.int(2))), { ARR: [1] }), true);
  assert.equal(evalWith(b.cmp('=', b.col('M'), b.map([b.str('a'), b.int(1)])), { M: new Map([['a', 1]]) }), true);
  assert.equal(evalWith(b.cmp('=', b.col('ST'), b.struct(['ID', b.int(2)], ['NAME', b.str('x')])), { ST: { ID: 2, NAME: 'x' } }), true);
  throwsMessage(b.cmp('>=', b.col('I'), b.str('not an int')), "Cannot compare I (INTEGER) to 'not an int' (STRING) with GREATER_THAN_OR_EQUAL.");
  throwsMessage(b.cmp('<', b.col('ARR'), b.col('ARR')), 'Cannot compare ARR (ARRAY<INTEGER>) to ARR (ARRAY<INTEGER>) with LESS_THAN.');
});

test('ROWTIME and temporal columns compare with ISO strings', () => {
  const e = b.cmp('>', b.col('ROWTIME'), b.str('2018-01-01T00:00:00.001'));
  assert.equal(evalWith(e, { ROWTIME: 1514764800001 }), false);
  assert.equal(evalWith(e, { ROWTIME: 1514764800002 }), true);
  assert.equal(evalWith(b.cmp('>=', b.col('ROWTIME'), b.str('2018')), { ROWTIME: 1514764800000 }), true);
  assert.equal(evalWith(b.cmp('>=', b.col('ROWTIME'), b.str('2018')), { ROWTIME: 1514764799999 }), false);
  const w = b.between(b.col('ROWTIME'), b.str('2020-02-10T08:31:44.001+0000'), b.str('2020-02-10T08:31:44.011+0000'));
  assert.equal(evalWith(w, { ROWTIME: 1581323504005 }), true);
  assert.equal(evalWith(b.cmp('>', b.col('TS'), b.str('1970-01-01T00:00:00.010')), { TS: 11 }), true);
  assert.equal(evalWith(b.cmp('=', b.col('DT'), b.str('1970-01-11')), { DT: 10 }), true);
});

test('BETWEEN, IN and LIKE', () => {
  assert.equal(evalWith(b.between(b.col('I'), b.int(2), b.int(4)), { I: 3 }), true);
  assert.equal(evalWith(b.between(b.col('I'), b.int(2), b.int(4), true), { I: 3 }), false);
  assert.equal(evalWith(b.between(b.col('D'), b.int(2), b.dec('3.9')), { D: 3.95 }), false);
  assert.equal(evalWith(b.between(b.col('S'), b.str('b'), b.str('c')), { S: 'bz' }), true);
  assert.equal(evalWith(b.between(b.col('I'), b.int(2), b.int(4)), {}), false);

  const ints = b.inList(b.col('I'), [b.int(1), b.dec('2.0'), b.str('4.000'), b.dec('5.10')]);
  assert.deepEqual([1, 2, 3, 4, 5].map((I) => evalWith(ints, { I })), [true, true, false, true, false]);
  assert.equal(evalWith(b.inList(b.col('I'), [b.int(11), b.nul(), b.col('I2')]), { I: 10, I2: 10 }), true);
  assert.equal(evalWith(b.inList(b.col('I'), [b.int(11)], true), { I: 10 }), true);
  assert.equal(evalWith(b.inList(b.col('B'), [b.str('TrUe'), b.str('Y')]), { B: true }), true);
  throwsMessage(b.inList(b.col('I'), [b.int(10), b.str('10 - not a number')]), 'invalid input syntax for type INTEGER: "10 - not a number".');
  throwsMessage(b.inList(b.col('I'), [b.int(10), b.col('S')]), 'operator does not exist: INTEGER = STRING (S)');
  throwsMessage(b.inList(b.col('B'), [b.bool(true), b.int(10)]), 'operator does not exist: BOOLEAN = INTEGER (10)\nHint: You might need to add explicit type casts.');
  const arr = b.inList(b.col('ARR'), [b.array(b.str('3'), b.nul())]);
  assert.equal(evalWith(arr, { ARR: [3, null] }), true);
  const st = b.inList(b.col('ST'), [b.struct(['ID', b.str('7')]), b.struct(['ID', b.int(1)], ['NAME', b.str('a')], ['X', b.int(1)])]);
  assert.equal(evalWith(st, { ST: { ID: 7, NAME: null } }), true);
  assert.equal(evalWith(st, { ST: { ID: 1, NAME: 'a' } }), false);

  assert.equal(evalWith(b.like(b.col('S'), b.str('x%')), { S: 'xyz' }), true);
  assert.equal(evalWith(b.like(b.col('S'), b.str('x_z')), { S: 'xyz' }), true);
  assert.equal(evalWith(b.like(b.col('S'), b.str('x_')), { S: 'xyz' }), false);
  assert.equal(evalWith(b.like(b.col('S'), b.str('%!%%'), '!'), { S: '50% off' }), true);
  assert.equal(evalWith(b.like(b.col('S'), b.str('%!%%'), '!'), { S: '50 off' }), false);
  assert.equal(evalWith(b.like(b.col('S'), b.str('a.c')), { S: 'abc' }), false);
  assert.equal(evalWith(b.like(b.col('S'), b.col('S')), { S: 'same' }), true);
  assert.equal(evalWith(b.like(b.col('S'), b.str('%'), undefined, true), {}), false);
});

test('CASE: searched and simple, lazy branches, common result type', () => {
  const e = b.caseWhen(
    [
      [b.cmp('<', b.col('D'), b.dec('2.0')), b.str('small')],
      [b.cmp('<', b.col('D'), b.dec('4.0')), b.str('medium')],
    ],
    b.str('large'),
  );
  assert.deepEqual([1, 3, 5].map((D) => evalWith(e, { D })), ['small', 'medium', 'large']);
  assert.equal(evalWith(b.caseWhen([[b.col('B'), b.int(1)]]), {}), null);
  assert.equal(typeOf(b.caseWhen([[b.col('B'), b.int(1)]], b.col('L'))), 'BIGINT');
  assert.equal(typeOf(b.caseWhen([[b.col('B'), b.nul()]], b.str('x'))), 'STRING');
  const simple = b.caseWhen([[b.int(1), b.str('one')], [b.int(2), b.str('two')]], b.str('many'), b.col('I'));
  assert.deepEqual([1, 2, 3, null].map((I) => evalWith(simple, { I })), ['one', 'two', 'many', 'many']);
  throwsMessage(b.caseWhen([[b.col('B'), b.nul()]], b.nul()), 'Invalid Case expression. All case branches have NULL type');
  // the failing branch is never evaluated
  const errors: string[] = [];
  const lazy = b.caseWhen([[b.bool(true), b.str('ok')]], b.call('FAIL_ON', b.col('S')));
  assert.equal(evalWith(lazy, { S: 'boom' }, errors), 'ok');
  assert.deepEqual(errors, []);
});

test('CAST', () => {
  const c = (e: Expression, t: Parameters<typeof b.prim>[0]) => b.cast(e, b.prim(t));
  assert.equal(evalWith(c(b.col('D'), 'STRING'), { D: 10.3 }), '10.3');
  assert.equal(evalWith(c(b.col('D'), 'STRING'), { D: 1 }), '1.0');
  assert.equal(evalWith(c(b.col('D'), 'INTEGER'), { D: 1.2 }), 1);
  assert.equal(evalWith(c(b.col('L'), 'INTEGER'), { L: 2147483648 }), -2147483648);
  assert.equal(evalWith(c(b.col('S'), 'INTEGER'), { S: '42' }), 42);
  const errors: string[] = [];
  assert.equal(evalWith(c(b.col('S'), 'INTEGER'), { S: 'foo' }, errors), null);
  assert.equal(errors.length, 1);
  assert.equal(evalWith(c(b.col('S'), 'TIMESTAMP'), { S: '1970-01-01T00:00:01' }), 1000);
  assert.equal(evalWith(c(b.col('S'), 'TIME'), { S: '00:01' }), 60000);
  assert.equal(evalWith(c(b.col('TS'), 'DATE'), { TS: -2000 }), -1);
  assert.equal(evalWith(c(b.col('TS'), 'STRING'), { TS: 10 }), '1970-01-01T00:00:00.010');
  assert.equal(evalWith(c(b.col('DT'), 'STRING'), { DT: -1 }), '1969-12-31');
  assert.equal(evalWith(c(b.col('ARR'), 'STRING'), { ARR: [1, 3] }), '[1, 3]');
  assert.equal(evalWith(c(b.col('ST'), 'STRING'), { ST: { ID: 1, NAME: null } }), 'Struct{ID=1}');
  assert.equal(String(evalWith(b.cast(b.col('D'), { kind: 'Decimal', precision: 2, scale: 1 }), { D: 0.99 })), '1.0');
  assert.equal(String(evalWith(b.cast(b.col('DEC'), { kind: 'Decimal', precision: 5, scale: 3 }), { DEC: Decimal.parse('10.12') })), '10.120');
  assert.equal(evalWith(b.cast(b.col('DEC'), { kind: 'Decimal', precision: 2, scale: 1 }), { DEC: Decimal.parse('10.12') }), null);
  const toStruct = b.cast(b.col('ST'), { kind: 'Struct', fields: [{ name: 'ID', type: b.prim('STRING') }, { name: 'F3', type: b.prim('STRING') }] });
  assert.deepEqual(evalWith(toStruct, { ST: { ID: 1, NAME: 'x' } }), { ID: '1', F3: null });
  assert.deepEqual(evalWith(b.cast(b.col('ARR'), { kind: 'Array', item: b.prim('STRING') }), { ARR: [1, null] }), ['1', null]);
  assert.equal(evalWith(c(b.nul(), 'INTEGER')), null);
  assert.equal(typeOf(c(b.nul(), 'INTEGER')), 'INTEGER');
  throwsMessage(b.cast(b.col('S'), { kind: 'Struct', fields: [{ name: 'F0', type: b.prim('STRING') }] }), 'Cast of STRING to STRUCT<`F0` STRING> is not supported');
});

test('constructors, subscripts and dereference', () => {
  assert.deepEqual(evalWith(b.array(b.nul(), b.int(10), b.str('2e1'), b.col('I'), b.col('L')), { I: 30, L: 40 }), [null, ...['10', '20', '30', '40'].map((s) => Decimal.parse(s))]);
  assert.equal(typeOf(b.array(b.nul(), b.int(10), b.str('2e1'), b.col('I'), b.col('L'))), 'ARRAY<DECIMAL(19, 0)>'); // '2e1' holds a DECIMAL (create_array.json)
  throwsMessage(b.array(b.int(1), b.str('not a number')), 'invalid input syntax for type INTEGER: "not a number"');
  const m = evalWith(b.map([b.col('S'), b.col('B')], [b.str('k2'), b.str('true')], [b.int(10), b.str('no')]), { S: 'a', B: true });
  assert.deepEqual(m, new Map<string, boolean>([['a', true], ['k2', true], ['10', false]]));
  throwsMessage(b.map([b.nul(), b.col('I')]), 'Cannot construct a map with all NULL keys');
  throwsMessage(b.map([b.str('a'), b.nul()]), 'Cannot construct a map with all NULL values');
  throwsMessage(b.struct(['A', b.int(1)], ['A', b.int(2)]), 'Duplicate field names found in STRUCT');
  assert.deepEqual(evalWith(b.struct(['F1', b.col('S')], ['f2', b.int(1)]), { S: 'x' }), { F1: 'x', f2: 1 });
  const structs = b.array(b.nul(), b.struct(['X', b.col('I')], ['Y', b.col('L')]), b.struct(['Y', b.col('I')], ['Z', b.col('L')]));
  assert.equal(typeOf(structs), 'ARRAY<STRUCT<`X` INTEGER, `Y` BIGINT, `Z` BIGINT>>');
  assert.deepEqual(evalWith(structs, { I: 30, L: 40 }), [null, { X: 30, Y: 40, Z: null }, { X: null, Y: 30, Z: 40 }]);

  assert.equal(evalWith(b.sub(b.col('ARR'), b.int(1)), { ARR: [5, 6, 7] }), 5);
  assert.equal(evalWith(b.sub(b.col('ARR'), b.int(-1)), { ARR: [5, 6, 7] }), 7);
  assert.equal(evalWith(b.sub(b.col('ARR'), b.int(4)), { ARR: [5, 6, 7] }), null);
  assert.equal(evalWith(b.sub(b.col('ARR'), b.int(0)), { ARR: [5, 6, 7] }), null);
  assert.equal(evalWith(b.sub(b.col('ARR'), b.int(1)), {}), null);
  assert.equal(evalWith(b.sub(b.col('M'), b.str('a')), { M: new Map([['a', 1]]) }), 1);
  assert.equal(evalWith(b.sub(b.col('M'), b.str('b')), { M: new Map([['a', 1]]) }), null);
  assert.equal(evalWith(b.deref(b.col('ST'), 'NAME'), { ST: { ID: 1, NAME: 'n' } }), 'n');
  assert.equal(evalWith(b.deref(b.col('ST'), 'NAME'), {}), null);
  assert.equal(evalWith(b.deref(b.struct(['A', b.int(1)]), 'A')), 1);
});

test('function calls: coercion, folding, failures, lambdas', () => {
  assert.equal(evalWith(b.call('UCASE', b.col('S')), { S: 'abc' }), 'ABC');
  const folded = compile(b.call('UCASE', b.str('abc')));
  assert.deepEqual(folded.constant, { value: 'ABC' });
  assert.equal(compile(b.call('RANDOM')).constant, undefined);
  assert.equal(evalWith(b.call('ABS', b.col('L')), { L: -3 }), 3);
  const errors: string[] = [];
  assert.equal(evalWith(b.call('FAIL_ON', b.col('S')), { S: 'boom' }, errors), null);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /boom happened/);
  throwsMessage(b.call('WONT_FIND_ME', b.int(1)), "Can't find any functions with the name 'WONT_FIND_ME'");
  // lambda parameters shadow columns
  const t = b.call('TRANSFORM', b.col('ARR'), b.lambda(['I'], b.arith('+', b.col('I'), b.col('I2'))));
  assert.equal(typeOf(t), 'ARRAY<INTEGER>');
  assert.deepEqual(evalWith(t, { ARR: [1, 2], I: 100, I2: 10 }), [11, 12]);
  const nested = b.call('TRANSFORM', b.col('ARR'), b.lambda(['X'], b.call('TRANSFORM', b.array(b.col('X')), b.lambda(['Y'], b.arith('*', b.col('X'), b.col('Y'))))));
  assert.deepEqual(evalWith(nested, { ARR: [2, 3] }), [[4], [9]]);
});

test('micro: compiled predicates over many rows', () => {
  const pred = compile(b.and(b.cmp('>', b.col('I'), b.int(10)), b.like(b.col('S'), b.str('x%'))));
  const str = compile(b.cast(b.col('I'), b.prim('STRING')));
  const kase = compile(b.caseWhen([[b.cmp('>', b.col('I'), b.int(50)), b.str('hi')]], b.str('lo')));
  let matches = 0;
  let his = 0;
  for (let i = 0; i < 100; i++) {
    const r = row({ I: i, S: i % 2 === 0 ? 'xa' : 'ya' });
    if (pred.evaluate(r) === true) matches++;
    assert.equal(str.evaluate(r), String(i));
    if (kase.evaluate(r) === 'hi') his++;
  }
  assert.equal(matches, 44);
  assert.equal(his, 49);
});

test('literalToValue, castValue, coerceValue, commonType', () => {
  assert.equal(literalToValue(b.int(10), BIGINT), 10);
  assert.equal(literalToValue(b.int(5), STRING), '5');
  assert.equal(literalToValue(b.int(3), DOUBLE), 3);
  assert.equal(String(literalToValue(b.dec('0.05'), decimalType(12, 2))), '0.05');
  assert.equal(String(literalToValue(b.int(2), decimalType(2, 1))), '2.0');
  assert.deepEqual(literalToValue(b.array(b.int(1), b.arith('+', b.int(1), b.int(1)), b.int(3)), arrayOf(INTEGER)), [1, 2, 3]);
  assert.deepEqual(
    literalToValue(b.struct(['FOO', b.int(2)], ['BAR', b.array(b.int(2))]), structOf([{ name: 'FOO', type: BIGINT }, { name: 'BAR', type: arrayOf(BIGINT) }, { name: 'BAZ', type: DOUBLE }])),
    { FOO: 2, BAR: [2], BAZ: null },
  );
  assert.equal(literalToValue(b.str('2020-01-02'), DATE), 18263);
  assert.equal(literalToValue(b.nul(), INTEGER), null);
  assert.throws(() => literalToValue(b.str('abc'), INTEGER), /invalid input syntax for type INTEGER: "abc"/);
  assert.throws(() => literalToValue(b.bool(true), INTEGER, { columnName: 'ID' }), /Expected type INTEGER for field ID but got true\(BOOLEAN\)/);

  assert.equal(castValue('12', STRING, INTEGER), 12);
  assert.equal(castValue(null, STRING, INTEGER), null);
  assert.deepEqual(coerceValue([1, 2], arrayOf(INTEGER), arrayOf(DOUBLE)), [1, 2]);
  assert.equal(coerceValue('true', STRING, BOOLEAN), true);
  assert.equal(formatType(commonType([INTEGER, null, BIGINT])!), 'BIGINT');
  assert.equal(formatType(commonType([decimalType(4, 2), INTEGER])!), 'DECIMAL(12, 2)');
  assert.equal(commonType([INTEGER, STRING]), undefined);
});
