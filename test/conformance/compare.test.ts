import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchValue } from './compare.js';
import { Decimal } from '../../src/common/decimal.js';
import { LosslessNumber, parseJson } from '../../src/serde/json-parse.js';

test('objects: same field count, names as written then upper-cased', () => {
  assert.equal(matchValue({ foo: 1, BAR: 'x' }, { FOO: 1, BAR: 'x' }), null);
  assert.match(matchValue({ FOO: 1 }, { FOO: 1, BAR: 2 })!, /expected fields/);
  assert.match(matchValue({ foo: 1 }, { FOO: 2 })!, /\$\.foo: expected 1, got 2/);
});

test('numbers: exact integers, doubles within 1e-6, decimals with scale', () => {
  assert.equal(matchValue(parseJson('9223372036854775807'), 9223372036854775807n), null);
  assert.notEqual(matchValue(parseJson('9223372036854775807'), 9223372036854775806n), null);
  assert.equal(matchValue(0.1 + 0.2, 0.3), null);
  assert.notEqual(matchValue(1.5, 1.6), null);
  assert.equal(matchValue(10, new Decimal(10n, 0)), null);
  assert.notEqual(matchValue(10, new Decimal(100n, 1)), null);
  assert.equal(matchValue(new LosslessNumber('1.10'), Decimal.parse('1.10')), null);
  assert.notEqual(matchValue(new LosslessNumber('1.10'), Decimal.parse('1.1')), null);
  assert.equal(matchValue('1.10', Decimal.parse('1.10')), null);
  assert.equal(matchValue('005.4', Decimal.parse('5.4')), null);
  assert.equal(matchValue('00.00', new LosslessNumber('0.00')), null);
  assert.notEqual(matchValue('3.40', new LosslessNumber('3.4')), null);
  assert.notEqual(matchValue('005.40', Decimal.parse('5.4')), null);
});

test('objects: an absent field reads as null, as in ksqlDB\'s comparator, when the field counts agree', () => {
  assert.equal(matchValue({ HEX: null, B: 1 }, { ASCII: null, B: 1 }), null);
  assert.notEqual(matchValue({ HEX: 1, B: 1 }, { ASCII: null, B: 1 }), null);
  assert.notEqual(matchValue({ HEX: null }, { ASCII: null, B: 1 }), null);
});

test('strings, bytes, nulls, arrays', () => {
  assert.equal(matchValue('AQI=', Buffer.from([1, 2])), null);
  assert.equal(matchValue(null, null), null);
  assert.notEqual(matchValue(null, 0), null);
  assert.notEqual(matchValue('a', null), null);
  assert.match(matchValue([1, 2], [1])!, /expected 2 elements/);
  assert.equal(matchValue([{ a: [1] }], [{ A: [1] }]), null);
});
