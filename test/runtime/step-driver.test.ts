// Operators driven through StepDriver: a step tree, records in, changes out, with no log,
// no SQLite file and no timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../../src/catalog/catalog.js';
import { functionRegistry } from '../../src/functions/index.js';
import { planPersistentQuery } from '../../src/planner/query/plan.js';
import { StepDriver } from '../../src/runtime/step-driver.js';
import type { CreateAsSelect } from '../../src/parser/ast.js';
import { BIGINT, INTEGER, STRING, col, parse, source } from './helpers.js';

const catalog = new Catalog();
catalog.putSource(source('ORDERS', 'STREAM', [col('ID', STRING, 'KEY'), col('ITEM', STRING), col('QTY', INTEGER), col('TAGS', { base: 'ARRAY', item: STRING })]));
catalog.putSource(source('ITEMS', 'TABLE', [col('ITEM', STRING, 'KEY'), col('PRICE', BIGINT), col('MAKER', STRING)]));

function driver(sql: string): StepDriver {
  const { plan } = planPersistentQuery(parse<CreateAsSelect>(sql), 'Q_1', { catalog, functions: functionRegistry, properties: {} });
  return new StepDriver(plan, { functions: functionRegistry });
}

const order = (id: string, item: string, qty: number, timestamp: number, tags: string[] = []) => ({ key: [id], value: [item, qty, tags], timestamp });

test('filter and project: rows that pass, projected; an expression that fails yields null and a processing-log entry', () => {
  const d = driver("CREATE STREAM S AS SELECT ID, QTY * 2 AS DOUBLED, CAST(ITEM AS INTEGER) AS N FROM ORDERS WHERE QTY > 10;");
  d.pipe([order('o1', 'apple', 5, 1), order('o2', '42', 20, 2), order('o3', 'pear', 11, 3)]);
  assert.deepEqual(d.read(), [
    { key: ['o2'], value: [40, 42], rowtime: 2 },
    { key: ['o3'], value: [22, null], rowtime: 3 },
  ]);
  assert.equal(d.processingLog.length, 1);
  assert.match(JSON.stringify(d.processingLog[0]), /RECORD_PROCESSING_ERROR|recordProcessingError/);
});

test('select-key: PARTITION BY makes the expression the key and moves the old key into the value', () => {
  const d = driver('CREATE STREAM S AS SELECT ITEM, ID, QTY FROM ORDERS PARTITION BY ITEM;');
  d.pipe([order('o1', 'apple', 5, 1), order('o2', 'pear', 6, 2)]);
  assert.deepEqual(d.read(), [
    { key: ['apple'], value: ['o1', 5], rowtime: 1 },
    { key: ['pear'], value: ['o2', 6], rowtime: 2 },
  ]);
});

test('flat-map: one output per element of the table function, none for an empty array', () => {
  const d = driver('CREATE STREAM S AS SELECT ID, EXPLODE(TAGS) AS TAG FROM ORDERS;');
  d.pipe([order('o1', 'apple', 5, 1, ['red', 'big']), order('o2', 'pear', 6, 2, [])]);
  assert.deepEqual(d.read(), [
    { key: ['o1'], value: ['red'], rowtime: 1 },
    { key: ['o1'], value: ['big'], rowtime: 1 },
  ]);
});

test('aggregate with HAVING: a group is emitted once it passes, and updated after', () => {
  const d = driver('CREATE TABLE T AS SELECT ITEM, COUNT(*) AS N, SUM(QTY) AS Q FROM ORDERS GROUP BY ITEM HAVING COUNT(*) > 1;');
  d.pipe([order('o1', 'apple', 5, 1), order('o2', 'pear', 6, 2), order('o3', 'apple', 7, 3)]);
  d.pipe([order('o4', 'apple', 1, 4)]);
  assert.deepEqual(d.read(), [
    { key: ['apple'], value: [2, 12], rowtime: 3 },
    { key: ['apple'], value: [3, 13], rowtime: 4 },
  ]);
});

test('suppress: EMIT FINAL emits each window once, when stream time passes its end', () => {
  const d = driver('CREATE TABLE T AS SELECT ITEM, COUNT(*) AS N FROM ORDERS WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY ITEM EMIT FINAL;');
  d.pipe([order('o1', 'apple', 1, 1), order('o2', 'apple', 1, 5)]);
  assert.deepEqual(d.read(), [], 'nothing while the window is open');
  d.pipe([order('o3', 'pear', 1, 12)]);
  assert.deepEqual(d.read(), [{ key: ['apple'], value: [2], rowtime: 5, window: { start: 0, end: 10 } }]);
});

test('table source: a row that stops passing the filter becomes a delete; a tombstone deletes', () => {
  const d = driver('CREATE TABLE T AS SELECT ITEM, PRICE FROM ITEMS WHERE PRICE > 3;');
  d.pipe([{ key: ['apple'], value: [5, 'acme'], timestamp: 1 }, { key: ['apple'], value: [2, 'acme'], timestamp: 2 }, { key: ['pear'], value: null, timestamp: 3 }]);
  assert.deepEqual(d.read(), [
    { key: ['apple'], value: [5], rowtime: 1 },
    { key: ['apple'], value: null, rowtime: 2, filteredOut: true },
    { key: ['pear'], value: null, rowtime: 3 },
  ]);
});

test('a record the source cannot read goes to the processing log and is skipped', () => {
  const d = driver('CREATE STREAM S AS SELECT ID, QTY FROM ORDERS;');
  d.pipeRaw({ key: Buffer.from('o1'), value: Buffer.from('{not json'), timestamp: 1 });
  d.pipe([order('o2', 'pear', 6, 2)]);
  assert.deepEqual(d.read(), [{ key: ['o2'], value: [6], rowtime: 2 }]);
  assert.equal(d.processingLog.length, 1);
  assert.match(JSON.stringify(d.processingLog[0]), /Failed to deserialize value from topic: orders \(partition 0, offset 0\)/);
});

test('joins are refused by the driver with a message', () => {
  assert.throws(
    () => driver('CREATE STREAM S AS SELECT O.ITEM AS ITEM, I.PRICE FROM ORDERS O JOIN ITEMS I ON O.ITEM = I.ITEM;'),
    /StepDriver drives single-source plans; Q_1 joins sources/,
  );
});
