import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../src/common/decimal.js';

test('decimal keeps its scale in text', () => {
  assert.equal(Decimal.parse('1.10').toString(), '1.10');
  assert.equal(Decimal.parse('-0.5').toString(), '-0.5');
  assert.equal(Decimal.parse('.5').toString(), '0.5');
});

test('decimal arithmetic is exact', () => {
  assert.equal(Decimal.parse('0.1').add(Decimal.parse('0.2')).toString(), '0.3');
  assert.equal(Decimal.parse('1.00').divide(Decimal.parse('3'), 4).toString(), '0.3333');
  assert.equal(Decimal.parse('2.5').setScale(0).toString(), '3');
  assert.equal(Decimal.parse('-2.5').setScale(0).toString(), '-3');
});
