import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionRegistry } from '../../src/functions/index.js';
import { Decimal } from '../../src/common/decimal.js';
import {
  BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING, arrayOf, decimalType, formatType, mapOf,
} from '../../src/common/types.js';
import { callT, v } from './helpers.js';

const AI = arrayOf(INTEGER);
const AS = arrayOf(STRING);

test('ARRAY_JOIN renders Java text (arrayjoin.json)', () => {
  assert.equal(callT('ARRAY_JOIN', [arrayOf(BOOLEAN)], [true, null, false]), 'true,null,false');
  assert.equal(callT('ARRAY_JOIN', [arrayOf(BIGINT)], [-4294967297, 8589934592]), '-4294967297,8589934592');
  assert.equal(callT('ARRAY_JOIN', [arrayOf(DOUBLE), STRING], [1.23, -23.42, 0.0], ' '), '1.23 -23.42 0.0');
  assert.equal(
    callT('ARRAY_JOIN', [arrayOf(decimalType(5, 2)), STRING], [Decimal.parse('123.45'), Decimal.parse('987.65')], '#'),
    '123.45#987.65',
  );
  assert.equal(callT('ARRAY_JOIN', [AS, STRING], ['Hello', 'From', '', 'Ksqldb', 'Udf'], null), 'HelloFromKsqldbUdf');
  assert.throws(() => functionRegistry.resolveScalar('ARRAY_JOIN', [v(arrayOf(AI))]));
});

test('ARRAY_MAX, ARRAY_MIN, ARRAY_SORT (array-min-max-sort.json)', () => {
  assert.equal(callT('ARRAY_MAX', [AS], ['foo', 'Food', null, 'food']), 'food');
  assert.equal(callT('ARRAY_MIN', [AI], [null, 3, -1]), -1);
  assert.equal(callT('ARRAY_MAX', [AI], [null]), null);
  assert.equal(callT('ARRAY_MAX', [AI], null), null);
  assert.deepEqual(callT('ARRAY_SORT', [AS], ['foo', 'Food', null, 'F', 'fo', 'food']), ['F', 'Food', 'fo', 'foo', 'food', null]);
  assert.deepEqual(callT('ARRAY_SORT', [AI, STRING], [1, null, 0, -1, 0], 'desc'), [1, 0, 0, -1, null]);
  assert.deepEqual(callT('ARRAY_SORT', [arrayOf(BOOLEAN)], [true, false, null]), [false, true, null]);
  const decs = ['1.0', '-0.2', '9.0', '1.1'].map((s) => Decimal.parse(s));
  assert.deepEqual((callT('ARRAY_SORT', [arrayOf(decimalType(2, 1))], decs) as Decimal[]).map(String), ['-0.2', '1.0', '1.1', '9.0']);
});

test('set operations keep first-occurrence order and nulls (array-set-functions.json)', () => {
  assert.deepEqual(callT('ARRAY_DISTINCT', [AS], ['foo', 'bar', 'foo']), ['foo', 'bar']);
  assert.deepEqual(callT('ARRAY_DISTINCT', [AI], [0, null, 1, 0, null, -1]), [0, null, 1, -1]);
  assert.deepEqual(
    callT('ARRAY_DISTINCT', [arrayOf(AS)], [['foo', null], ['foo', 'bar'], ['foo', null], ['foo']]),
    [['foo', null], ['foo', 'bar'], ['foo']],
  );
  const m = (a: number | null, b: number) => new Map<string, number | null>([['apple', a], ['banana', b]]);
  assert.deepEqual(callT('ARRAY_DISTINCT', [arrayOf(mapOf(STRING, INTEGER))], [m(1, 2), null, m(1, 2)]), [m(1, 2), null]);
  assert.deepEqual(callT('ARRAY_EXCEPT', [AS, AS], ['foo', 'bar', 'foo'], ['bar', 'baz']), ['foo']);
  assert.deepEqual(callT('ARRAY_INTERSECT', [AI, AI], [0, 1, 2, 1], [1, 0]), [0, 1]);
  assert.deepEqual(callT('ARRAY_UNION', [AS, AS], ['foo', 'bar', 'foo'], ['foo', 'baz']), ['foo', 'bar', 'baz']);
  assert.equal(callT('ARRAY_UNION', [AS, AS], null, ['x']), null);
  assert.deepEqual(
    callT('ARRAY_DISTINCT', [arrayOf(decimalType(2, 1))], [Decimal.parse('1.0'), Decimal.parse('1.0')]).length,
    1,
  );
});

test('ARRAY_CONCAT, ARRAY_CONTAINS, ARRAY_LENGTH, ARRAY_REMOVE, SLICE', () => {
  assert.deepEqual(callT('ARRAY_CONCAT', [AI, AI], [1], null), [1]);
  assert.equal(callT('ARRAY_CONCAT', [AI, AI], null, null), null);
  assert.equal(callT('ARRAY_CONTAINS', [AI, INTEGER], [1, 2], 2), true);
  assert.equal(callT('ARRAY_CONTAINS', [AI, INTEGER], null, 2), false);
  assert.equal(callT('ARRAY_CONTAINS', [arrayOf(AS), AS], [['a']], ['a']), true);
  assert.equal(callT('ARRAY_LENGTH', [AI], [1, 2, 3]), 3);
  assert.deepEqual(callT('ARRAY_REMOVE', [AS, STRING], ['foo', 'bar', 'foo'], 'foo'), ['bar']);
  assert.deepEqual(callT('ARRAY_REMOVE', [AI, INTEGER], [0, null, 1, 0], null), [0, 1, 0]);
  assert.deepEqual(callT('SLICE', [AS, INTEGER, INTEGER], ['a', 'b', 'c', 'd'], 2, 3), ['b', 'c']);
});

test('maps: AS_MAP, MAP_KEYS, MAP_VALUES, MAP_UNION, ENTRIES', () => {
  assert.deepEqual(callT('AS_MAP', [AS, AI], ['a', 'b'], [1, 2]), new Map([['a', 1], ['b', 2]]));
  const m = new Map<string, number | null>([['foo', 1], ['bar', null]]);
  assert.deepEqual(callT('MAP_KEYS', [mapOf(STRING, INTEGER)], m), ['foo', 'bar']);
  assert.deepEqual(callT('MAP_VALUES', [mapOf(STRING, INTEGER)], m), [1, null]);
  assert.deepEqual(
    callT('MAP_UNION', [mapOf(STRING, INTEGER), mapOf(STRING, INTEGER)], m, new Map([['foo', 5]])),
    new Map([['foo', 5], ['bar', null]]),
  );
  const r = functionRegistry.resolveScalar('ENTRIES', [v(mapOf(STRING, INTEGER)), v(BOOLEAN, true)]);
  assert.equal(formatType(r.returnType), 'ARRAY<STRUCT<`K` STRING, `V` INTEGER>>');
  assert.deepEqual(r.invoke(m, true), [{ K: 'bar', V: null }, { K: 'foo', V: 1 }]);
});

test('lambdas: TRANSFORM, FILTER, REDUCE (transform-*.json, filter.json, reduce-*.json)', () => {
  const lam = (arity: number, body: (ps: unknown[]) => import('../../src/common/types.js').SqlType) =>
    ({ kind: 'lambda', arity, typeBody: body }) as const;
  const t = functionRegistry.resolveScalar('TRANSFORM', [v(AI), lam(1, () => INTEGER)]);
  assert.deepEqual(t.invoke([3, 6], (x: number) => x + 5), [8, 11]);
  assert.equal(t.invoke(null, (x: number) => x), null);
  const tm = functionRegistry.resolveScalar('TRANSFORM', [v(mapOf(STRING, AI)), lam(2, () => STRING), lam(2, () => INTEGER)]);
  assert.equal(formatType(tm.returnType), 'MAP<STRING, INTEGER>');
  assert.deepEqual(
    tm.invoke(new Map([['a', [3, 1]]]), (k: string) => `${k}_test`, (_k: string, xs: number[]) => Math.min(...xs) + 1),
    new Map([['a_test', 2]]),
  );
  const f = functionRegistry.resolveScalar('FILTER', [v(AI), lam(1, () => BOOLEAN)]);
  assert.deepEqual(f.invoke([1, 7, null, 9], (x: number | null) => (x === null ? null : x > 5)), [7, 9]);
  const r = functionRegistry.resolveScalar('REDUCE', [v(AI), v(INTEGER, 2), lam(2, () => INTEGER)]);
  assert.equal(r.returnType.base, 'INTEGER');
  assert.equal(r.invoke([3, 6], 2, (s: number, x: number) => s + x), 11);
  assert.equal(r.invoke(null, 2, (s: number, x: number) => s + x), 2);
  const rm = functionRegistry.resolveScalar('REDUCE', [v(mapOf(STRING, INTEGER)), v(BIGINT), lam(3, () => BIGINT)]);
  assert.equal(rm.invoke(new Map([['a', 1]]), null, () => 1), null);
});

test('null functions: COALESCE, IFNULL, NULLIF', () => {
  assert.equal(callT('COALESCE', [INTEGER, INTEGER, INTEGER], null, null, 3), 3);
  const c = functionRegistry.resolveScalar('COALESCE', [v(null), v(BIGINT), v(INTEGER, 1)]);
  assert.equal(c.returnType.base, 'BIGINT');
  assert.equal(callT('IFNULL', [STRING, STRING], null, 'x'), 'x');
  assert.equal(callT('NULLIF', [STRING, STRING], 'a', 'a'), null);
  assert.equal(callT('NULLIF', [STRING, STRING], 'a', 'b'), 'a');
});
