// A shared table as one server holds it: the SQLite files of its tasks, read as one table by
// UnionReader (one TableReader per file) for pull queries: scans in a single store's order
// (partition, then key), listed keys in the order listed, key ranges over every file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTEGER, STRING } from '../../src/common/types.js';
import type { Literal } from '../../src/parser/ast.js';
import type { KeyAccess } from '../../src/planner/query/pull-access.js';
import { TableReader, UnionReader, type RowShape } from '../../src/runtime/pull/table-reader.js';
import { TableStore } from '../../src/runtime/table-store.js';

const shape: RowShape = { width: 4, keyCount: 1, valueIndexes: [1], rowtimeIndex: 2, rowpartitionIndex: 3 };
const key = (v: string) => ({ value: v, literal: { kind: 'Literal', type: 'STRING', value: v } as unknown as Literal });

test('the task stores of a shared table read as one table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-task-stores-'));
  const stores: TableStore[] = [];
  try {
    // Task p holds partition p; its keys are interleaved with the other task's.
    const keysOf = [['a', 'c', 'e'], ['b', 'd']];
    const readers = keysOf.map((keys, task) => {
      const store = new TableStore(join(dir, `t${task}.db`), [STRING], [INTEGER]);
      stores.push(store);
      keys.forEach((k, i) => store.put({ key: [k], values: [i + 10 * task], rowtime: 1000 + i, partition: task }));
      store.commit([{ topic: 'in', partition: task, offset: keys.length }]);
      return new TableReader(store.file, [STRING], [INTEGER]);
    });
    const union = new UnionReader(readers);
    const ids = (rows: unknown[][]) => rows.map((r) => r[0]);

    assert.deepEqual(ids(union.rows({ exact: true, listedOrder: false }, 1, shape)), ['a', 'c', 'e', 'b', 'd'], 'scan: partition, then key');
    assert.deepEqual(union.rows({ exact: true, listedOrder: false }, 1, shape)[3], ['b', 10, 1000, 1]);

    const listed: KeyAccess = { exact: true, listedOrder: true, points: [[key('d')], [key('a')], [key('zz')], [key('b')]], listed: 4 };
    assert.deepEqual(ids(union.rows(listed, 1, shape)), ['d', 'a', 'b'], 'keys in the order listed, whichever task holds them');
    assert.deepEqual(ids(union.rows(listed, 1, shape, [['e'], ['c']])), ['e', 'c'], 'rebound keys of a cached plan');

    const range: KeyAccess = { exact: true, listedOrder: false, range: { lower: { value: key('b'), inclusive: true }, upper: { value: key('d'), inclusive: false } } };
    assert.deepEqual(ids(union.rows(range, 1, shape)), ['c', 'b'], 'a key range over every task, in scan order');
  } finally {
    for (const s of stores) s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
