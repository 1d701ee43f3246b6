import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../src/common/decimal.js';
import {
  BIGINT, BYTES, DATE, DOUBLE, INTEGER, STRING, TIME, TIMESTAMP, arrayOf, decimalType, mapOf, structOf,
} from '../../src/common/types.js';
import { callT } from './helpers.js';

test('EXTRACTJSONFIELD keeps number text and tolerates trailing content (extract-json-field.json)', () => {
  const src = '{"name": "cdd", "version": "2", "@type": "VAL"}}';
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], src, '$.name'), 'cdd');
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], src, '$.@type'), 'VAL');
  const arr = '{"array": [1.23450]}';
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], arr, '$.array[0]'), '1.23450');
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], arr, '$.array[1]'), null);
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], arr, '$.array[-1]'), null);
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], '{"a": {"b": [1, {"c": null}]}}', '$.a'), '{"b":[1,{"c":null}]}');
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], '{"a": {"b c": 1}}', "$.a['b c']"), '1');
  assert.equal(callT('EXTRACTJSONFIELD', [STRING, STRING], 'not json', '$.a'), null);
});

test('JSON_CONCAT (json_concat.json)', () => {
  const c = (...xs: (string | null)[]) => callT('JSON_CONCAT', xs.map(() => STRING), ...xs);
  assert.equal(c('{"a": 1}', '{"b": 2}'), '{"a":1,"b":2}');
  assert.equal(c('{"a": {"5": 6}}', '{"a": {"3": 4}}'), '{"a":{"3":4}}');
  assert.equal(c('[1, 2]', '[3, 4]'), '[1,2,3,4]');
  assert.equal(c('null', 'null'), '[null,null]');
  assert.equal(c('[1, 2]', '{"a": 1}', '4'), '[1,2,{"a":1},4]');
  assert.equal(c('[1, [2]]', '[[[3]], [[[4]]]]'), '[1,[2],[[3]],[[[4]]]]');
  assert.equal(c('1', ''), null);
  assert.equal(c(null, '1'), null);
});

test('JSON_KEYS, JSON_RECORDS, JSON_ITEMS, JSON_ARRAY_LENGTH, IS_JSON_STRING', () => {
  assert.deepEqual(callT('JSON_KEYS', [STRING], '{"Red": 3, "Green": 5}'), ['Red', 'Green']);
  assert.equal(callT('JSON_KEYS', [STRING], ''), null);
  assert.deepEqual(callT('JSON_KEYS', [STRING], '{}'), []);
  assert.deepEqual(callT('JSON_RECORDS', [STRING], '{"White": "Seven", "n": 7}'), new Map([['White', 'Seven'], ['n', '7']]));
  assert.deepEqual(
    callT('JSON_ITEMS', [STRING], '[{"type": "A", "timestamp": "2022-01-27"}, {"type": "B"}]'),
    ['{"type":"A","timestamp":"2022-01-27"}', '{"type":"B"}'],
  );
  assert.equal(callT('JSON_ARRAY_LENGTH', [STRING], '[1, [2], 3]'), 3);
  assert.equal(callT('JSON_ARRAY_LENGTH', [STRING], '{}'), null);
  assert.equal(callT('IS_JSON_STRING', [STRING], '[1]'), true);
  assert.equal(callT('IS_JSON_STRING', [STRING], 'abc'), false);
  assert.equal(callT('IS_JSON_STRING', [STRING], null), false);
});

test('JSON_ARRAY_CONTAINS matches by JSON type', () => {
  assert.equal(callT('JSON_ARRAY_CONTAINS', [STRING, INTEGER], '[1, 2, 3]', 2), true);
  assert.equal(callT('JSON_ARRAY_CONTAINS', [STRING, INTEGER], '[1.0]', 1), false);
  assert.equal(callT('JSON_ARRAY_CONTAINS', [STRING, STRING], '["a", 1]', 'a'), true);
  assert.equal(callT('JSON_ARRAY_CONTAINS', [STRING, DOUBLE], '[1.5]', 1.5), true);
  assert.equal(callT('JSON_ARRAY_CONTAINS', [STRING, STRING], 'oops', 'a'), false);
});

test('TO_JSON_STRING renders typed values (to_json_string.json)', () => {
  assert.equal(callT('TO_JSON_STRING', [INTEGER], 1), '1');
  assert.equal(callT('TO_JSON_STRING', [INTEGER], null), 'null');
  assert.equal(callT('TO_JSON_STRING', [STRING], 'abc'), '"abc"');
  assert.equal(callT('TO_JSON_STRING', [DOUBLE], 123.456), '123.456');
  assert.equal(callT('TO_JSON_STRING', [DOUBLE], 3), '3.0');
  assert.equal(callT('TO_JSON_STRING', [decimalType(6, 3)], Decimal.parse('123.456')), '123.456');
  assert.equal(callT('TO_JSON_STRING', [BYTES], Buffer.from('IQ==', 'base64')), '"IQ=="');
  assert.equal(callT('TO_JSON_STRING', [TIME], 60220000), '"16:43:40"');
  assert.equal(callT('TO_JSON_STRING', [DATE], 1000), '"1972-09-27"');
  assert.equal(callT('TO_JSON_STRING', [TIMESTAMP], 60220000000), '"1971-11-28T23:46:40.000"');
  assert.equal(callT('TO_JSON_STRING', [mapOf(STRING, arrayOf(INTEGER))], new Map([['id', [1, 2, 3]]])), '{"id":[1,2,3]}');
  const st = structOf([{ name: 'A', type: BIGINT }, { name: 'b', type: STRING }]);
  assert.equal(callT('TO_JSON_STRING', [st], { A: 1, b: null }), '{"A":1,"b":null}');
});

test('URL functions (url.json)', () => {
  assert.equal(callT('URL_DECODE_PARAM', [STRING], '%3Ffoo+%24bar'), '?foo $bar');
  assert.equal(callT('URL_ENCODE_PARAM', [STRING], '?foo $bar'), '%3Ffoo+%24bar');
  assert.equal(callT('URL_EXTRACT_FRAGMENT', [STRING], 'http://www.test.com/?query#fragment'), 'fragment');
  assert.equal(callT('URL_EXTRACT_FRAGMENT', [STRING], 'http://www.nofragment.com'), null);
  assert.equal(callT('URL_EXTRACT_HOST', [STRING], 'http://test@confluent.io:8080'), 'confluent.io');
  assert.equal(callT('URL_EXTRACT_PARAMETER', [STRING, STRING], 'http://www.test.com/?one=a&two=b&three', 'two'), 'b');
  assert.equal(callT('URL_EXTRACT_PARAMETER', [STRING, STRING], 'http://www.test.com/?one=a', 'four'), null);
  assert.equal(callT('URL_EXTRACT_PORT', [STRING], 'http://test@confluent.io:8080/nested/path?query&jobs'), 8080);
  assert.equal(callT('URL_EXTRACT_PORT', [STRING], 'http://test@confluent.io'), null);
  assert.equal(callT('URL_EXTRACT_PROTOCOL', [STRING], 'https://test@confluent.io:8080/nested/path?query&jobs'), 'https');
  assert.equal(callT('URL_EXTRACT_PROTOCOL', [STRING], 'www.confluent.io'), null);
  assert.equal(callT('URL_EXTRACT_QUERY', [STRING], 'http://www.test.com/path?q1&q2'), 'q1&q2');
  assert.equal(callT('URL_EXTRACT_QUERY', [STRING], 'http://test@confluent.io:8080/path'), null);
  assert.equal(callT('URL_EXTRACT_PATH', [STRING], 'http://test@confluent.io:8080/nested/path?q=2'), '/nested/path');
  assert.equal(callT('URL_EXTRACT_HOST', [STRING], 'http://bad host/'), null);
});

test('bytes conversions (bytes-and-strings.json, encode.json)', () => {
  const b = (s: string) => Buffer.from(s, 'base64');
  assert.equal(callT('INT_FROM_BYTES', [BYTES], b('AAAH5Q==')), 2021);
  assert.equal(callT('BIGINT_FROM_BYTES', [BYTES], b('AAAAASoF8gA=')), 5000000000);
  assert.equal(callT('DOUBLE_FROM_BYTES', [BYTES], b('QICm/ZvJ9YI=')), 532.8738323);
  assert.equal(callT('INT_FROM_BYTES', [BYTES, STRING], b('5QcAAA=='), 'LITTLE_ENDIAN'), 2021);
  assert.equal(callT('BIGINT_FROM_BYTES', [BYTES, STRING], b('APIFKgEAAAA='), 'LITTLE_ENDIAN'), 5000000000);
  assert.equal(callT('INT_FROM_BYTES', [BYTES], b('AAE=')), null);
  assert.equal(callT('FROM_BYTES', [BYTES, STRING], b('GrI='), 'hex'), '1AB2');
  assert.equal(callT('FROM_BYTES', [BYTES, STRING], b('IQ=='), 'ascii'), '!');
  const enc = (s: string, a: string, z: string) => callT('ENCODE', [STRING, STRING, STRING], s, a, z);
  assert.equal(enc('4578616d706C6521', 'hex', 'ascii'), 'Example!');
  assert.equal(enc("X'4578616d706C6521'", 'hex', 'utf8'), 'Example!');
  assert.equal(enc('0x578616d706C6521', 'hex', 'utf8'), '\u0005xample!');
  assert.equal(enc('0x', 'hex', 'base64'), '');
  assert.throws(() => enc('578616d706C6521', 'hex', 'utf8'));
  assert.equal(enc('c39c6265726d656e736368', 'hex', 'ascii'), '\ufffd\ufffdbermensch');
  assert.equal(enc('\u0395\u03bb', 'ascii', 'hex'), '3f3f');
  assert.equal(enc('RXhhbXBsZSE=', 'base64', 'hex'), '4578616d706c6521');
});
