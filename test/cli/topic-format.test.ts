import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFormat, FormatError } from '../../cli/topic-format.js';

const record = {
  topic: 'orders',
  partition: 2,
  offset: '41',
  timestamp: '1700000000000',
  key: Buffer.from('k1'),
  value: Buffer.from('{"a":1}'),
  headers: [
    { key: 'trace', value: Buffer.from('abc') },
    { key: 'empty', value: null },
  ],
};

test('format tokens print the parts of a record, one line each', () => {
  const f = compileFormat('%t/%p/%o %k=%v (%K,%S) %T [%h] 100%%');
  assert.equal(f(record).toString(), 'orders/2/41 k1={"a":1} (2,7) 1700000000000 [trace=abc,empty=] 100%\n');
  assert.equal(compileFormat('%s\\t%k\\n')(record).toString(), '{"a":1}\tk1\n');
  assert.equal(compileFormat('%v')({ ...record, key: null, value: null }).toString(), '\n');
  assert.equal(compileFormat('%K %S')({ ...record, key: null, value: null }).toString(), '-1 -1\n');
});

test('raw bytes pass through unchanged', () => {
  const bytes = Buffer.from([0, 1, 2, 255]);
  assert.deepEqual(compileFormat('%v')({ ...record, value: bytes }), Buffer.concat([bytes, Buffer.from('\n')]));
});

test('an unknown token names itself, its position and the valid tokens', () => {
  assert.throws(() => compileFormat('%k %x'), (e: Error) => e instanceof FormatError && /'%x' at position 4/.test(e.message) && /%v value/.test(e.message));
  assert.throws(() => compileFormat('trailing %'), /Unknown format token '%'/);
});
