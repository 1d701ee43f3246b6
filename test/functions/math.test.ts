import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionRegistry } from '../../src/functions/index.js';
import { Decimal } from '../../src/common/decimal.js';
import { BIGINT, DOUBLE, INTEGER, STRING, decimalType, formatType } from '../../src/common/types.js';
import { callT, v } from './helpers.js';

const d = (s: string) => Decimal.parse(s);

test('ROUND on doubles: ties toward +infinity, negative places (math.json "round")', () => {
  const inputs = [1.2, 1.7, 1.5, 3, 1.234567, 0, 111, -1.1, -1.5, -1.7, 12345.678, -12345.678];
  const r0 = [1, 2, 2, 3, 1, 0, 111, -1, -1, -2, 12346, -12346];
  const r2 = [1.2, 1.7, 1.5, 3.0, 1.23, 0.0, 111.0, -1.1, -1.5, -1.7, 12345.68, -12345.68];
  const rm1 = [0, 0, 0, 0, 0, 0, 110, 0, 0, 0, 12350, -12350];
  const rm2 = [0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 12300, -12300];
  const one = functionRegistry.resolveScalar('ROUND', [v(DOUBLE)]);
  assert.equal(one.returnType.base, 'BIGINT');
  const two = functionRegistry.resolveScalar('ROUND', [v(DOUBLE), v(INTEGER)]);
  assert.equal(two.returnType.base, 'DOUBLE');
  inputs.forEach((x, i) => {
    assert.equal(one.invoke(x), r0[i], `ROUND(${x})`);
    assert.equal(two.invoke(x, 0), r0[i] === 0 ? 0 : r0[i]);
    assert.equal(two.invoke(x, 2), r2[i]);
    assert.equal(two.invoke(x, 10), x);
    assert.equal(Math.abs(two.invoke(x, -1) as number), Math.abs(rm1[i]!));
    assert.equal(Math.abs(two.invoke(x, -2) as number), Math.abs(rm2[i]!));
  });
  assert.equal(one.invoke(null), null);
  assert.equal(two.invoke(1.5, null), null);
});

test('ROUND and TRUNC on decimals keep exactness and ksqlDB result types', () => {
  const r = functionRegistry.resolveScalar('ROUND', [v(decimalType(33, 16))]);
  assert.equal(formatType(r.returnType), 'DECIMAL(17, 0)');
  assert.equal(String(r.invoke(d('12345678987654321.2345678987654321'))), '12345678987654321');
  const r2 = functionRegistry.resolveScalar('ROUND', [v(decimalType(33, 16)), v(INTEGER)]);
  assert.equal(formatType(r2.returnType), 'DECIMAL(33, 16)');
  const t = functionRegistry.resolveScalar('TRUNC', [v(decimalType(12, 7)), v(INTEGER)]);
  assert.equal(String(t.invoke(d('-12345.6780000'), 2)), '-12345.6700000');
  assert.equal(String(t.invoke(d('-12345.6780000'), -2)), '-12300.0000000');
  const rr = functionRegistry.resolveScalar('ROUND', [v(decimalType(3, 1))]);
  assert.equal(String(rr.invoke(d('-1.5'))), '-1');
  assert.equal(String(rr.invoke(d('1.5'))), '2');
});

test('TRUNC on doubles (math.json "trunc - double")', () => {
  const one = functionRegistry.resolveScalar('TRUNC', [v(DOUBLE)]);
  assert.equal(one.returnType.base, 'BIGINT');
  assert.equal(one.invoke(-1.7), -1);
  assert.equal(one.invoke(12345.678), 12345);
  const two = functionRegistry.resolveScalar('TRUNC', [v(DOUBLE), v(INTEGER)]);
  assert.equal(two.invoke(12345.678, 2), 12345.67);
  assert.equal(two.invoke(-12345.678, -1), -12340);
});

test('ABS, CEIL, FLOOR keep the argument type', () => {
  assert.equal(callT('ABS', [INTEGER], -1), 1);
  assert.equal(callT('ABS', [BIGINT], -2), 2);
  assert.equal(callT('ABS', [BIGINT], -(2n ** 62n)), 2n ** 62n);
  assert.equal(callT('ABS', [DOUBLE], -3.1), 3.1);
  assert.equal(String(callT('ABS', [decimalType(2, 1)], d('-3.2'))), '3.2');
  assert.equal(String(callT('FLOOR', [decimalType(2, 1)], d('-1.1'))), '-2.0');
  assert.equal(String(callT('CEIL', [decimalType(2, 1)], d('1.1'))), '2.0');
  assert.equal(callT('FLOOR', [DOUBLE], -1.5), -2);
  assert.equal(callT('CEIL', [DOUBLE], 1.1), 2);
  assert.equal(callT('CEIL', [INTEGER], null), null);
});

test('SIGN, EXP, LOG (math.json)', () => {
  assert.equal(callT('SIGN', [DOUBLE], -3.0), -1);
  assert.equal(callT('SIGN', [BIGINT], 0), 0);
  assert.equal(callT('EXP', [INTEGER], -1), 0.36787944117144233);
  assert.equal(callT('EXP', [DOUBLE], 3.0), 20.085536923187668);
  assert.equal(callT('LOG', [INTEGER], 13), 2.5649493574615367); // the natural logarithm, as ksqlDB's math.json expects
  assert.ok(Number.isNaN(callT('LOG', [INTEGER], -13) as number));
  assert.equal(callT('LOG', [INTEGER], 0), -Infinity);
  assert.equal(callT('LOG', [INTEGER, INTEGER], 15, 13), 0.9471572411831843);
  assert.ok(Number.isNaN(callT('LOG', [INTEGER, INTEGER], 1, 13) as number));
  assert.ok(Number.isNaN(callT('LOG', [DOUBLE, DOUBLE], 0, 13) as number));
  assert.equal(callT('LOG', [DOUBLE, DOUBLE], 15, 0), -Infinity);
  assert.equal(callT('LOG', [DOUBLE, DOUBLE], null, 13), null);
  assert.equal(callT('SQRT', [INTEGER], 4), 2);
  assert.equal(callT('CBRT', [DOUBLE], 27), 3);
  assert.equal(callT('POWER', [INTEGER, INTEGER], 2, 10), 1024);
});

test('GEO_DISTANCE (geodistance.json)', () => {
  assert.equal(callT('GEO_DISTANCE', [DOUBLE, DOUBLE, DOUBLE, DOUBLE], 37.4439, -122.1663, 51.5257, -0.1122), 8634.659796579544);
  assert.equal(
    callT('GEO_DISTANCE', [DOUBLE, DOUBLE, DOUBLE, DOUBLE, STRING], 37.4439, -122.1663, 51.5257, -0.1122, 'MI'),
    5365.659729188262,
  );
  assert.equal(callT('GEO_DISTANCE', [DOUBLE, DOUBLE, DOUBLE, DOUBLE, STRING], -33.9323, 18.4197, -33.8666, 151.1, null), 11005.23304055582);
  assert.equal(callT('GEO_DISTANCE', [DOUBLE, DOUBLE, DOUBLE, DOUBLE], 37.4439, -122.1663, 51, 0), 8682.459061368269);
});

test('GREATEST and LEAST ignore nulls (greatest.json, least.json)', () => {
  assert.equal(callT('GREATEST', [INTEGER, INTEGER, INTEGER], 1, null, 5), 5);
  assert.equal(callT('LEAST', [STRING, STRING], 'b', 'a'), 'a');
  assert.equal(callT('LEAST', [INTEGER, INTEGER], null, null), null);
  const r = functionRegistry.resolveScalar('LEAST', [v(decimalType(9, 3)), v(decimalType(9, 3)), v(null)]);
  assert.equal(String(r.invoke(d('123456.789'), d('-987654.321'), null)), '-987654.321');
});

test('GENERATE_SERIES, PI, RANDOM', () => {
  assert.deepEqual(callT('GENERATE_SERIES', [INTEGER, INTEGER], 1, 4), [1, 2, 3, 4]);
  assert.deepEqual(callT('GENERATE_SERIES', [INTEGER, INTEGER, INTEGER], 10, 1, -4), [10, 6, 2]);
  assert.deepEqual(callT('GENERATE_SERIES', [BIGINT, BIGINT], 3, 1), [3, 2, 1]);
  assert.equal(callT('PI', []), Math.PI);
  const rnd = functionRegistry.resolveScalar('RANDOM', []);
  assert.equal(rnd.deterministic, false);
  const x = rnd.invoke() as number;
  assert.ok(x >= 0 && x < 1);
});

test("javaDoubleToString: Java's Double.toString forms, the second mantissa digit correctly rounded", async () => {
  const { javaDoubleToString } = await import('../../src/functions/values.js');
  assert.equal(javaDoubleToString(Number.MIN_VALUE), '4.9E-324');
  assert.equal(javaDoubleToString(-Number.MIN_VALUE), '-4.9E-324');
  assert.equal(javaDoubleToString(1e10), '1.0E10');
  assert.equal(javaDoubleToString(1e-5), '1.0E-5');
  assert.equal(javaDoubleToString(Number.MAX_VALUE), '1.7976931348623157E308');
  assert.equal(javaDoubleToString(0.5), '0.5');
  assert.equal(javaDoubleToString(3), '3.0');
});
