import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaHashMapOrder, registrationOrder } from './schema-order.js';

test("a java.util.HashMap's iteration order: by bucket of the spread String hash, then insertion", () => {
  // "input" hashes to bucket 1 and "OUTPUT" to 5 of 16; "model-transaction" to 0.
  assert.deepEqual(javaHashMapOrder(['OUTPUT', 'input', 'model-transaction']), ['model-transaction', 'input', 'OUTPUT']);
  // More than 12 keys double the table to 32 buckets.
  const many = Array.from({ length: 13 }, (_, i) => `t${i}`);
  assert.equal(javaHashMapOrder(many).length, 13);
  assert.deepEqual(javaHashMapOrder(['a', 'a', 'b']), ['a', 'b']);
});

test('the drivers register the schemas a CREATE with columns makes, in the map order of all topics', () => {
  const { order, fromStatements } = registrationOrder({
    name: 'x',
    statements: [
      "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (kafka_topic='input', value_format='avro', partitions=1);",
      'CREATE STREAM OUTPUT WITH(value_schema_id=2) as SELECT * FROM input;',
      "CREATE STREAM J (A INT) WITH (kafka_topic='j', value_format='JSON');",
    ],
    topics: [{ name: 'OUTPUT' }],
    inputs: [{ topic: 'input', key: 1, value: {} }],
  } as never);
  assert.deepEqual(order.indexOf('input') < order.indexOf('OUTPUT'), true);
  assert.deepEqual(fromStatements.get('input'), { topic: 'input', key: false, value: true });
  assert.deepEqual(fromStatements.get('j'), { topic: 'j', key: false, value: false });
});
