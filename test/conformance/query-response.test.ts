import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareQueryResponse, verifiesOrder } from './query-response.js';
import { matchValue } from './compare.js';

const header = { header: { queryId: 'q1', schema: '`ID` STRING KEY, `V` INTEGER' } };
const row = (...columns: unknown[]) => ({ row: { columns } });
// The rest-runner's subset match, reduced to what these tests need.
const subset = (e: unknown, a: unknown, path: string): string | null => {
  if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
    if (a === null || typeof a !== 'object') return `${path}: not an object`;
    for (const [k, v] of Object.entries(e)) {
      const why = subset(v, (a as Record<string, unknown>)[k], `${path}.${k}`);
      if (why) return why;
    }
    return null;
  }
  return matchValue(e, a, path);
};

test('rows match in any order, headers at their position', () => {
  const expected = [{ header: { schema: header.header.schema } }, row('10', 1), row('11', 2)];
  assert.equal(compareQueryResponse(expected, [header, row('11', 2), row('10', 1)], 1, false, subset), null);
  assert.match(compareQueryResponse(expected, [row('11', 2), header, row('10', 1)], 1, false, subset)!, /query 1 item 0/);
});

test('rows are a multiset: counts must agree and every expected row needs its own actual row', () => {
  const expected = [header, row('10', 1), row('10', 1)];
  assert.match(compareQueryResponse(expected, [header, row('10', 1), row('11', 2)], 3, false, subset)!, /query 3 item \d: expected row \["10",1\] among the rows/);
  assert.match(compareQueryResponse([header, row('10', 1)], [header, row('10', 1), row('10', 1)], 1, false, subset)!, /expected 2 items, got 3/);
  // A greedy pairing would spend the 1.0000001 row on the first expected row; the matching finds the pairing that works.
  assert.equal(compareQueryResponse([row(1), row(1.0000001)], [row(1.0000001), row(1)], 1, false, subset), null);
});

test('other row fields and final messages are compared at their position', () => {
  const tomb = { row: { columns: ['10', null], tombstone: true } };
  // As in ksqlDB's executor: the tombstone flag stays at its position, the columns go to the multiset.
  assert.match(compareQueryResponse([row('11', 2), tomb], [{ row: { columns: ['10', null], tombstone: true } }, row('11', 2)], 1, false, subset)!, /item 1\.row\.tombstone/);
  assert.equal(compareQueryResponse([row('11', 2), tomb], [row('10', null), { row: { columns: ['11', 2], tombstone: true } }], 1, false, subset), null);
  assert.match(compareQueryResponse([row(1), { finalMessage: 'Limit Reached' }], [row(1), { finalMessage: 'Query Completed' }], 1, false, subset)!, /item 1\.finalMessage/);
});

test('protobuf rows printed as text are matched in any order', () => {
  const expected = [{ header: { protoSchema: 's' } }, { row: 'ID: "1"\n' }, { row: 'ID: "2"\n' }];
  assert.equal(compareQueryResponse(expected, [{ header: { protoSchema: 's' } }, { row: 'ID: "2"\n' }, { row: 'ID: "1"\n' }], 1, false, subset), null);
  assert.notEqual(compareQueryResponse(expected, [{ header: { protoSchema: 's' } }, { row: 'ID: "2"\n' }, { row: 'ID: "3"\n' }], 1, false, subset), null);
});

test('outputConditions.verifyOrder keeps the written order', () => {
  assert.equal(verifiesOrder({ verifyOrder: true }), true);
  assert.equal(verifiesOrder(undefined), false);
  assert.equal(verifiesOrder({ verifyOrder: false }), false);
  assert.match(compareQueryResponse([header, row('10', 1), row('11', 2)], [header, row('11', 2), row('10', 1)], 1, true, subset)!, /query 1 item 1\.row\.columns\[0\]/);
});
