import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSerde, SerdeError } from '../../src/serde/index.js';
import { Decimal } from '../../src/common/decimal.js';
import {
  arrayOf, BIGINT, BOOLEAN, BYTES, decimalType, DOUBLE, INTEGER, mapOf, STRING, structOf, TIMESTAMP,
  type Column, type SqlType,
} from '../../src/common/types.js';

const col = (name: string, type: SqlType, namespace: 'KEY' | 'VALUE' = 'VALUE'): Column => ({ name, type, namespace });
const b = (s: string) => Buffer.from(s, 'utf8');

test('JSON value: wrapped object, case-insensitive names, exact names on write', () => {
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('ID', BIGINT), col('NAME', STRING)] });
  assert.deepEqual(s.deserialize(b('{"id": 1, "Name": "a", "other": true}')), [1, 'a']);
  assert.deepEqual(s.deserialize(b('{"ID": 2}')), [2, null]);
  assert.equal(s.serialize([3, 'x'])!.toString(), '{"ID":3,"NAME":"x"}');
  assert.equal(s.serialize(null), null);
  assert.equal(s.deserialize(null), null);
});

test('JSON field match: exact name wins, otherwise the first upper-cased match', () => {
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('FOO', INTEGER), col('bar', INTEGER)] });
  assert.deepEqual(s.deserialize(b('{"foo": 1, "Foo": 2, "BAR": 3}')), [1, null]);
  assert.deepEqual(s.deserialize(b('{"foo": 1, "FOO": 2, "bar": 3}')), [2, 3]);
});

test('JSON coercion: numeric strings, truncation, anything to STRING', () => {
  const s = createSerde({
    format: 'JSON', side: 'value', topic: 't',
    columns: [col('I', INTEGER), col('D', DOUBLE), col('S', STRING), col('B', BOOLEAN)],
  });
  assert.deepEqual(s.deserialize(b('{"I": "12", "D": "1.5", "S": 10, "B": true}')), [12, 1.5, '10', true]);
  assert.deepEqual(s.deserialize(b('{"I": 12.9, "D": 2, "S": {"a":1}, "B": null}')), [12, 2, '{"a":1}', null]);
  assert.throws(
    () => s.deserialize(b('{"I": "x"}')),
    (e: unknown) => e instanceof SerdeError && /Failed to deserialize value from topic: t\. .*INTEGER/.test(e.message),
  );
  assert.throws(
    () => s.deserialize(b('{"B": [1]}')),
    /Can't convert type\. sourceType: ArrayNode, requiredType: BOOLEAN/,
  );
});

test('JSON BIGINT is exact beyond 2^53', () => {
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('V', BIGINT)] });
  const row = s.deserialize(b('{"V": 9223372036854775807}'))!;
  assert.equal(row[0], 9223372036854775807n);
  assert.equal(s.serialize(row)!.toString(), '{"V":9223372036854775807}');
  assert.deepEqual(s.deserialize(b('{"V": "-9007199254740993"}')), [-9007199254740993n]);
});

test('JSON DECIMAL: from number or string, rescaled, written exactly', () => {
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('D', decimalType(33, 16))] });
  const row = s.deserialize(b('{"D": 12345678987654321.2345678987654321}'))!;
  assert.equal((row[0] as Decimal).toString(), '12345678987654321.2345678987654321');
  assert.equal(s.serialize(row)!.toString(), '{"D":12345678987654321.2345678987654321}');
  const small = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('D', decimalType(4, 2))] });
  assert.equal((small.deserialize(b('{"D": "10.1"}'))![0] as Decimal).toString(), '10.10');
  assert.throws(() => small.deserialize(b('{"D": 123.4}')), /Cannot fit decimal/);
});

test('JSON unwrapped single value and single key', () => {
  const v = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('V', BOOLEAN)], options: { wrapSingleValue: false } });
  assert.deepEqual(v.deserialize(b('true')), [true]);
  assert.equal(v.serialize([false])!.toString(), 'false');
  assert.equal(v.serialize([null]), null);
  const k = createSerde({ format: 'JSON', side: 'key', topic: 't', columns: [col('K', arrayOf(DOUBLE), 'KEY')] });
  assert.deepEqual(k.deserialize(b('[10.1]')), [[10.1]]);
  assert.equal(k.serialize([[1.5, null]])!.toString(), '[1.5,null]');
});

test('JSON multi-column key is an object', () => {
  const k = createSerde({ format: 'JSON', side: 'key', topic: 't', columns: [col('K1', STRING, 'KEY'), col('K2', INTEGER, 'KEY')] });
  assert.equal(k.serialize(['a', 1])!.toString(), '{"K1":"a","K2":1}');
  assert.deepEqual(k.deserialize(b('{"k1":"a","k2":"2"}')), ['a', 2]);
  assert.equal(k.serialize([null, null]), null);
  assert.equal(k.serialize([null, 1])!.toString(), '{"K1":null,"K2":1}');
});

test('JSON nested STRUCT, MAP, ARRAY, BYTES and TIMESTAMP', () => {
  const t = structOf([{ name: 'A', type: mapOf(STRING, arrayOf(INTEGER)) }, { name: 'b', type: BYTES }]);
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('S', t), col('TS', TIMESTAMP)] });
  const row = s.deserialize(b('{"s": {"a": {"x": [1, null]}, "b": "AQI="}, "ts": 10}'))!;
  assert.deepEqual(row[0], { A: new Map([['x', [1, null]]]), b: Buffer.from([1, 2]) });
  assert.equal(row[1], 10);
  assert.equal(s.serialize(row)!.toString(), '{"S":{"A":{"x":[1,null]},"b":"AQI="},"TS":10}');
  assert.throws(() => s.deserialize(b('[1]')), /sourceType: ArrayNode, requiredType: STRUCT</);
});

test('JSON_SR frames the payload with magic byte and schema id', () => {
  const s = createSerde({ format: 'JSON_SR', side: 'value', topic: 't', columns: [col('A', INTEGER)], options: { schemaId: 7 } });
  const bytes = s.serialize([5])!;
  assert.deepEqual([...bytes.subarray(0, 5)], [0, 0, 0, 0, 7]);
  assert.deepEqual(s.deserialize(bytes), [5]);
});

test('parseJson keepFractionText: fractions keep their text (a decimal keeps its scale), integers stay numbers', async () => {
  const { parseJson, LosslessNumber } = await import('../../src/serde/json-parse.js');
  const v = parseJson('{"a": 3.40, "b": 2, "c": [1.5e3, -0.10]}', { keepFractionText: true }) as { a: unknown; b: unknown; c: unknown[] };
  assert.ok(v.a instanceof LosslessNumber && v.a.text === '3.40');
  assert.equal(v.b, 2);
  assert.deepEqual(v.c.map((x) => (x as InstanceType<typeof LosslessNumber>).text), ['1.5e3', '-0.10']);
  assert.equal((parseJson('{"a": 3.40}') as { a: unknown }).a, 3.4);
});

test('JSON key of nulls: no key by default, a key of nulls when the query computes it (writeAllNullKeys)', () => {
  const columns = [col('ID', INTEGER, 'KEY'), col('AGE', INTEGER, 'KEY')];
  assert.equal(createSerde({ format: 'JSON', side: 'key', topic: 't', columns }).serialize([null, null]), null);
  const computed = createSerde({ format: 'JSON', side: 'key', topic: 't', columns, writeAllNullKeys: true });
  assert.equal(computed.serialize([null, null])!.toString(), '{"ID":null,"AGE":null}');
});

test('hasLongDigitRun finds every run of 16 digits, at any position, as /\\d{16}/ does', async () => {
  const { hasLongDigitRun } = await import('../../src/serde/json-parse.js');
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const chars = '0123456789a" ,.';
  for (let k = 0; k < 20_000; k++) {
    let s = '';
    const length = Math.floor(random() * 70);
    for (let j = 0; j < length; j++) s += random() < 0.85 ? chars[Math.floor(random() * 10)] : chars[Math.floor(random() * chars.length)];
    assert.equal(hasLongDigitRun(s), /\d{16}/.test(s), s);
  }
  assert.equal(hasLongDigitRun('{"ID":12345678901234567}'), true);
  assert.equal(hasLongDigitRun('{"ID":123456789012345}'), false);
  assert.equal(hasLongDigitRun('1234567890123456'), true);
});

test('JSON deserializeInto: same values as deserialize, written at an offset; exact names, matched names and inherited names', () => {
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('ID', BIGINT), col('NAME', STRING)] });
  const row: unknown[] = ['k', 'untouched', 'untouched', 'rowtime'];
  assert.equal(s.deserializeInto!(b('{"ID": 1, "NAME": "a", "id": 9}'), row, 1), true);
  assert.deepEqual(row, ['k', 1, 'a', 'rowtime']);
  // Not every field under its exact name: the case-insensitive match decides.
  assert.equal(s.deserializeInto!(b('{"id": 2, "NAME": "b"}'), row, 1), true);
  assert.deepEqual(row, ['k', 2, 'b', 'rowtime']);
  assert.equal(s.deserializeInto!(b('{"ID": 3}'), row, 1), true);
  assert.deepEqual(row, ['k', 3, null, 'rowtime']);
  assert.equal(s.deserializeInto!(b('null'), row, 1), false);
  assert.throws(() => s.deserializeInto!(b('{"ID": "x"}'), row, 1), (e: unknown) => e instanceof SerdeError && /column ID/.test(e.message));
  // Names Object.prototype also has are read as own properties only.
  const p = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('constructor', STRING), col('toString', STRING)] });
  assert.deepEqual(p.deserialize(b('{"toString": "x"}')), [null, 'x']);
  assert.deepEqual(p.deserialize(b('{"constructor": "c", "toString": "x"}')), ['c', 'x']);
});

test('JSON serialize: rows of plain values and rows that need the column writers give the same text', () => {
  const columns = [col('S', STRING), col('B', BOOLEAN), col('I', INTEGER), col('L', BIGINT), col('D', DOUBLE), col('T', TIMESTAMP)];
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns });
  const text = (row: unknown[]) => s.serialize(row)!.toString();
  assert.equal(text(['a"\\\n\u2028\ud800', true, 1, 2, 1.5, 3]), '{"S":"a\\"\\\\\\n\u2028\\ud800","B":true,"I":1,"L":2,"D":1.5,"T":3}');
  assert.equal(text([undefined, null, -0, 1e21, 5e-324, null]), '{"S":null,"B":null,"I":0,"L":1e+21,"D":5e-324,"T":null}');
  // Values only the column writers write: a BIGINT beyond doubles, non-finite doubles.
  assert.equal(text(['x', false, 7, 12345678901234567890n, Number.NaN, 0]), '{"S":"x","B":false,"I":7,"L":12345678901234567890,"D":"NaN","T":0}');
  assert.equal(text(['x', false, 7, 1, -Infinity, 0]), '{"S":"x","B":false,"I":7,"L":1,"D":"-Infinity","T":0}');
  // Names an object literal would reorder or not keep as its own.
  const odd = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [col('B', INTEGER), col('1', INTEGER), col('__proto__', STRING)] });
  assert.equal(odd.serialize([1, 2, 'p'])!.toString(), '{"B":1,"1":2,"__proto__":"p"}');
});
