import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSerde, formatInfo, toJsonValue, stringifyJson } from '../../src/serde/index.js';
import { Decimal } from '../../src/common/decimal.js';
import {
  BIGINT, BOOLEAN, BYTES, decimalType, DOUBLE, INTEGER, mapOf, STRING, structOf, type Column, type SqlType,
} from '../../src/common/types.js';

const col = (name: string, type: SqlType): Column => ({ name, type, namespace: 'VALUE' });

test('KAFKA binary encodings and length checks', () => {
  const i = createSerde({ format: 'KAFKA', side: 'key', topic: 't', columns: [col('K', INTEGER)] });
  assert.deepEqual([...i.serialize([258])!], [0, 0, 1, 2]);
  assert.deepEqual(i.deserialize(Buffer.from([0, 0, 1, 2])), [258]);
  assert.throws(() => i.deserialize(Buffer.from([1, 2])), /Failed to deserialize key from topic: t\. Size of data received by IntegerDeserializer is not 4/);
  const l = createSerde({ format: 'KAFKA', side: 'value', topic: 't', columns: [col('V', BIGINT)] });
  assert.deepEqual(l.deserialize(l.serialize([9223372036854775807n])), [9223372036854775807n]);
  assert.deepEqual(l.deserialize(l.serialize([-5])), [-5]);
  const d = createSerde({ format: 'KAFKA', side: 'value', topic: 't', columns: [col('V', DOUBLE)] });
  assert.deepEqual(d.deserialize(d.serialize([1.25])), [1.25]);
  const s = createSerde({ format: 'KAFKA', side: 'value', topic: 't', columns: [col('V', STRING)] });
  assert.deepEqual(s.deserialize(Buffer.from('héllo')), ['héllo']);
  assert.equal(s.serialize([null]), null);
  const by = createSerde({ format: 'KAFKA', side: 'value', topic: 't', columns: [col('V', BYTES)] });
  assert.deepEqual(by.deserialize(Buffer.from([9])), [Buffer.from([9])]);
  assert.throws(() => createSerde({ format: 'KAFKA', side: 'value', topic: 't', columns: [col('V', BOOLEAN)] }), /does not support type 'BOOLEAN'/);
  assert.throws(() => createSerde({ format: 'KAFKA', side: 'key', topic: 't', columns: [col('A', INTEGER), col('B', INTEGER)] }), /single field/);
});

test('DELIMITED read: quoting, empty fields are null, custom delimiters, column count', () => {
  const s = createSerde({
    format: 'DELIMITED', side: 'value', topic: 't',
    columns: [col('A', BIGINT), col('B', STRING), col('C', decimalType(6, 2))],
  });
  assert.deepEqual(s.deserialize(Buffer.from('1,"x,""y""",2.5')), [1, 'x,"y"', new Decimal(250n, 2)]);
  assert.deepEqual(s.deserialize(Buffer.from(',,')), [null, null, null]);
  assert.throws(() => s.deserialize(Buffer.from('1,2')), /Column count mismatch on deserialization\. topic: t, expected: 3, got: 2/);
  const tab = createSerde({ format: 'DELIMITED', side: 'value', topic: 't', columns: [col('A', STRING), col('B', INTEGER)], options: { delimiter: 'TAB' } });
  assert.deepEqual(tab.deserialize(Buffer.from('x\t5')), ['x', 5]);
  assert.equal(tab.serialize(['x', 5])!.toString(), 'x\t5');
  const sp = createSerde({ format: 'DELIMITED', side: 'value', topic: 't', columns: [col('A', STRING), col('B', INTEGER)], options: { delimiter: 'SPACE' } });
  assert.equal(sp.serialize(['a b', 1])!.toString(), '"a b" 1');
  const resolved = createSerde({ format: 'DELIMITED', side: 'value', topic: 't', columns: [col('A', STRING), col('B', INTEGER)], options: { delimiter: ' ' } });
  assert.deepEqual(resolved.deserialize(Buffer.from('x 5')), ['x', 5]);
  assert.throws(() => createSerde({ format: 'DELIMITED', side: 'value', topic: 't', columns: [col('A', STRING)], options: { delimiter: '<~>' } }), /Invalid delimiter value/);
});

test('DELIMITED write: Java number text, nulls empty, minimal quoting', () => {
  const s = createSerde({
    format: 'DELIMITED', side: 'value', topic: 't',
    columns: [col('A', decimalType(10, 2)), col('B', DOUBLE), col('C', STRING), col('D', BYTES), col('E', BOOLEAN)],
  });
  assert.equal(s.serialize([Decimal.parse('-1.50'), 3, '!', Buffer.from('!'), true])!.toString(), '"-1.50",3.0,"!",IQ==,true');
  assert.equal(s.serialize([null, 1e10, 'a"b', null, null])!.toString(), ',1.0E10,"a""b",,');
  assert.throws(() => createSerde({ format: 'DELIMITED', side: 'value', topic: 't', columns: [col('M', mapOf(STRING, STRING))] }), /does not support type 'MAP'/);
});

test('NONE is keyless; formatInfo reports capabilities', () => {
  const s = createSerde({ format: 'NONE', side: 'key', topic: 't', columns: [] });
  assert.equal(s.serialize([]), null);
  assert.deepEqual(s.deserialize(Buffer.from('x')), []);
  assert.equal(formatInfo('kafka').supportsMultiColumnKey, false);
  assert.equal(formatInfo('AVRO').needsSchemaRegistry, true);
  assert.equal(formatInfo('NONE').supportsValue, false);
  assert.throws(() => formatInfo('FOO'), /Unknown format: FOO/);
});

test('toJsonValue and stringifyJson keep exact numbers', () => {
  const t = structOf([{ name: 'D', type: decimalType(4, 2) }, { name: 'B', type: BYTES }, { name: 'M', type: mapOf(STRING, BIGINT) }]);
  const v = toJsonValue({ D: Decimal.parse('1.10'), B: Buffer.from([1]), M: new Map([['a', 2n ** 60n]]) }, t);
  assert.equal(stringifyJson(v), '{"D":1.10,"B":"AQ==","M":{"a":1152921504606846976}}');
  assert.equal(toJsonValue(NaN, DOUBLE), 'NaN');
});
