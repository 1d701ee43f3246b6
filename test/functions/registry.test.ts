import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionRegistry } from '../../src/functions/index.js';
import { FunctionResolutionError } from '../../src/functions/registry.js';
import {
  BIGINT, DOUBLE, INTEGER, STRING, DATE, BOOLEAN, arrayOf, mapOf, decimalType, formatType,
} from '../../src/common/types.js';
import { v } from './helpers.js';

test('names are case-insensitive and kinds are reported', () => {
  assert.equal(functionRegistry.kindOf('abs'), 'SCALAR');
  assert.equal(functionRegistry.kindOf('Abs'), 'SCALAR');
  assert.equal(functionRegistry.kindOf('nope'), undefined);
  assert.equal(functionRegistry.resolveScalar('ucase', [v(STRING)]).invoke('abc'), 'ABC');
});

test('unknown function error text', () => {
  assert.throws(() => functionRegistry.resolveScalar('WONT_FIND_ME', []), {
    message: "Can't find any functions with the name 'WONT_FIND_ME'",
  });
});

test('exact match wins over widening', () => {
  const r = functionRegistry.resolveScalar('ABS', [v(INTEGER)]);
  assert.equal(formatType(r.returnType), 'INTEGER');
  assert.deepEqual(r.paramTypes, [INTEGER]);
});

test('implicit widening INT to DOUBLE when no exact overload exists', () => {
  const r = functionRegistry.resolveScalar('GEO_DISTANCE', [v(DOUBLE), v(DOUBLE), v(INTEGER), v(INTEGER, 0)]);
  assert.deepEqual(r.paramTypes, [DOUBLE, DOUBLE, DOUBLE, DOUBLE]);
  assert.equal(r.returnType.base, 'DOUBLE');
});

test('no match lists the parameters', () => {
  assert.throws(() => functionRegistry.resolveScalar('ABS', [v(STRING)]), (e: Error) => {
    assert.ok(e instanceof FunctionResolutionError);
    assert.match(e.message, /^Function 'abs' does not accept parameters \(STRING\)\./);
    return true;
  });
  assert.throws(() => functionRegistry.resolveScalar('GREATEST', []), {
    message: /^Function 'greatest' does not accept parameters \(\)\./,
  });
  assert.throws(() => functionRegistry.resolveScalar('GREATEST', [v(STRING), v(INTEGER)]), {
    message: /^Function 'greatest' does not accept parameters \(STRING, INTEGER\)\./,
  });
  assert.throws(() => functionRegistry.resolveScalar('COALESCE', []), {
    message: /^Function 'COALESCE' does not accept parameters \(\)/,
  });
  assert.throws(
    () => functionRegistry.resolveScalar('geo_distance', [v(DOUBLE), v(DOUBLE), v(STRING, 'foo'), v(INTEGER, 0)]),
    { message: /^Function 'geo_distance' does not accept parameters/ },
  );
});

test('ambiguous calls', () => {
  assert.throws(() => functionRegistry.resolveScalar('GREATEST', [v(null), v(null), v(null), v(null)]), {
    message: "Function 'greatest' cannot be resolved due to ambiguous method parameters (null, null, null, null).",
  });
  assert.throws(
    () => functionRegistry.resolveScalar('GREATEST', [v(INTEGER), v(BIGINT), v(decimalType(50, 30))]),
    { message: "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT, DECIMAL(50, 30))." },
  );
});

test('variadic with nulls and widening to DOUBLE', () => {
  const r = functionRegistry.resolveScalar('GREATEST', [v(INTEGER), v(BIGINT), v(decimalType(30, 18)), v(DOUBLE), v(null)]);
  assert.equal(r.returnType.base, 'DOUBLE');
  assert.deepEqual(r.paramTypes.slice(0, 4), [DOUBLE, DOUBLE, DOUBLE, DOUBLE]);
  assert.equal(r.invoke(-1, 1e12, 99999.99999, null, null), 1e12);
});

test('string literal coerces to DATE for GREATEST over dates', () => {
  const r = functionRegistry.resolveScalar('GREATEST', [v(DATE), v(DATE), v(null), v(STRING, '2022-06-14')]);
  assert.equal(r.returnType.base, 'DATE');
  assert.deepEqual(r.paramTypes, [DATE, DATE, DATE, DATE]);
});

test('decimal GREATEST widens to a common decimal', () => {
  const r = functionRegistry.resolveScalar('LEAST', [v(decimalType(9, 2)), v(decimalType(7, 6))]);
  assert.equal(formatType(r.returnType), 'DECIMAL(13, 6)');
  assert.deepEqual(r.paramTypes, [decimalType(13, 6), decimalType(13, 6)]);
});

test('generics bind from arguments', () => {
  const r = functionRegistry.resolveScalar('ARRAY_CONTAINS', [v(arrayOf(BIGINT)), v(INTEGER, 5)]);
  assert.deepEqual(r.paramTypes, [arrayOf(BIGINT), BIGINT]);
  assert.equal(r.returnType.base, 'BOOLEAN');
  const m = functionRegistry.resolveScalar('MAP_VALUES', [v(mapOf(STRING, arrayOf(INTEGER)))]);
  assert.equal(formatType(m.returnType), 'ARRAY<ARRAY<INTEGER>>');
});

test('lambda parameters are typed from the other arguments', () => {
  const seen: string[][] = [];
  const r = functionRegistry.resolveScalar('TRANSFORM', [
    v(arrayOf(INTEGER)),
    { kind: 'lambda', arity: 1, typeBody: (ps) => { seen.push(ps.map(formatType)); return STRING; } },
  ]);
  assert.deepEqual(seen, [['INTEGER']]);
  assert.equal(formatType(r.returnType), 'ARRAY<STRING>');
  assert.deepEqual(r.invoke([1, 2], (x: number) => `#${x}`), ['#1', '#2']);

  const f = functionRegistry.resolveScalar('FILTER', [
    v(mapOf(STRING, INTEGER)),
    { kind: 'lambda', arity: 2, typeBody: () => BOOLEAN },
  ]);
  assert.equal(formatType(f.returnType), 'MAP<STRING, INTEGER>');
  assert.throws(() =>
    functionRegistry.resolveScalar('FILTER', [v(arrayOf(INTEGER)), { kind: 'lambda', arity: 1, typeBody: () => STRING }]),
  );
});

test('reduce widens its state to the lambda result type', () => {
  const r = functionRegistry.resolveScalar('REDUCE', [
    v(mapOf(STRING, INTEGER)),
    v(INTEGER, 0),
    { kind: 'lambda', arity: 3, typeBody: (ps) => (ps[0]!.base === 'INTEGER' ? BIGINT : ps[0]!) },
  ]);
  assert.equal(r.returnType.base, 'BIGINT');
  assert.deepEqual(r.paramTypes[1], BIGINT);
});

test('describe and list give docs', () => {
  const d = functionRegistry.describe('substring')!;
  assert.equal(d.name, 'SUBSTRING');
  assert.equal(d.kind, 'SCALAR');
  assert.equal(d.category, 'STRING');
  assert.equal(d.author, 'Eddy');
  assert.ok(d.overloads.length >= 2);
  assert.deepEqual(d.overloads[0]!.arguments.map((a) => a.type), ['VARCHAR', 'INT']);
  const names = functionRegistry.list().map((f) => f.name);
  assert.ok(names.includes('ABS') && names.includes('CONCAT'));
  assert.deepEqual([...names].sort(), names);
});
