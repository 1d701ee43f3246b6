// Expected orders are what Java 17's `new HashMap<>(n)` iterates after putting the keys in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaHashMapOrder, javaStringHash } from '../../src/serde/java-hash-order.js';
import { createSerde } from '../../src/serde/index.js';
import { DOUBLE, mapOf, STRING } from '../../src/common/types.js';

test("String#hashCode and HashMap iteration order as Java's", () => {
  assert.equal(javaStringHash('hello'), 99162322);
  assert.equal(javaStringHash('yes, thanks'), -1624993500);
  assert.deepEqual(javaHashMapOrder(['yes, thanks', 'nope', 'sure, yeah']), ['yes, thanks', 'sure, yeah', 'nope']);
  assert.deepEqual(javaHashMapOrder(['banana', 'apple', 'cherry', 'date', 'elderberry', 'fig', 'grape']), ['banana', 'date', 'apple', 'cherry', 'fig', 'grape', 'elderberry']);
  assert.deepEqual(javaHashMapOrder(['Aa', 'BB', 'c']), ['Aa', 'BB', 'c']);
  assert.deepEqual(javaHashMapOrder(['é', '日本', 'x']), ['x', 'é', '日本']);
  const many = Array.from({ length: 40 }, (_, i) => `key${(i * 7919) % 101}`);
  assert.equal(
    javaHashMapOrder(many).join('|'),
    'key2|key0|key6|key3|key9|key40|key62|key84|key82|key81|key22|key44|key66|key88|key21|key43|key41|key63|key85|key15|key37|key59|key12|key34|key56|key78|key18|key91|key50|key72|key94|key31|key53|key75|key97|key100|key25|key47|key69|key28',
  );
});

test('JSON maps are read in HashMap order, as ksqlDB reads them', () => {
  const s = createSerde({ format: 'JSON', side: 'value', topic: 't', columns: [{ name: 'M', type: mapOf(STRING, DOUBLE), namespace: 'VALUE' }] });
  const [m] = s.deserialize(Buffer.from('{"M": {"yes, thanks": 3.5, "nope": 7.3, "sure, yeah": 2.1}}'))! as [Map<string, number>];
  assert.deepEqual([...m.keys()], ['yes, thanks', 'sure, yeah', 'nope']);
});
