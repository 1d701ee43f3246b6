import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord, PartitionProgress } from '../../src/log/topic-log.js';
import { PartitionGroup } from '../../src/runtime/partition-group.js';

function rec(topic: string, partition: number, offset: number, timestamp: number): LogRecord {
  return { topic, partition, offset, timestamp, key: null, value: null, headers: [] };
}

function at(topic: string, partition: number, nextOffset: number, endOffset: number): PartitionProgress {
  return { topic, partition, nextOffset, endOffset };
}

const ids = (rs: LogRecord[]) => rs.map((r) => `${r.topic}${r.partition}@${r.offset}`);

function group(idle = 0, clock = { now: 0 }) {
  return new PartitionGroup(
    [
      { topic: 'T', partition: 0, offset: 0 },
      { topic: 'S', partition: 0, offset: 0 },
      { topic: 'S', partition: 1, offset: 0 },
    ],
    { maxTaskIdleMs: idle, eventTime: (r) => r.timestamp, now: () => clock.now, maxBufferedPerPartition: 3 },
  );
}

test('the oldest head goes first; ties go to the partition earlier in the group', () => {
  const g = group();
  g.add(
    [rec('S', 0, 0, 5), rec('S', 0, 1, 9), rec('S', 1, 0, 5), rec('T', 0, 0, 5), rec('T', 0, 1, 7)],
    [at('T', 0, 2, 2), at('S', 0, 2, 2), at('S', 1, 1, 1)],
  );
  assert.deepEqual(ids(g.take(10)), ['T0@0', 'S0@0', 'S1@0', 'T0@1', 'S0@1']);
  assert.equal(g.buffered, 0);
});

test('a partition never fetched, or behind its end offset, holds the others back', () => {
  const g = group();
  g.add([rec('S', 0, 0, 1), rec('S', 1, 0, 2)], [at('S', 0, 1, 1), at('S', 1, 1, 1)]);
  assert.deepEqual(g.take(10), [], 'T has not been fetched yet');
  g.add([], [at('T', 0, 0, 4)]);
  assert.deepEqual(g.take(10), [], 'T has four records on the log not fetched yet');
  g.add([rec('T', 0, 0, 0), rec('T', 0, 1, 3)], [at('T', 0, 2, 4)]);
  // T's buffer empties after T0@1 while two of its records are still on the log.
  assert.deepEqual(ids(g.take(10)), ['T0@0', 'S0@0', 'S1@0', 'T0@1']);
  g.add([rec('T', 0, 2, 8), rec('T', 0, 3, 9)], [at('T', 0, 4, 4)]);
  assert.deepEqual(ids(g.take(10)), ['T0@2', 'T0@3']);
});

test('records stay in offset order within a partition whatever their times', () => {
  const g = group(-1);
  g.add([rec('S', 0, 0, 9), rec('S', 0, 1, 1), rec('T', 0, 0, 5)], []);
  assert.deepEqual(ids(g.take(10)), ['T0@0', 'S0@0', 'S0@1']);
});

test('a caught-up empty partition holds the others back for max.task.idle.ms, then not', () => {
  const clock = { now: 1000 };
  const g = group(50, clock);
  g.add([rec('S', 0, 0, 1)], [at('T', 0, 0, 0), at('S', 0, 1, 1), at('S', 1, 0, 0)]);
  assert.deepEqual(g.take(10), []);
  assert.equal(g.idleWaitMs(), 50);
  clock.now = 1049;
  assert.deepEqual(g.take(10), []);
  clock.now = 1050;
  assert.deepEqual(ids(g.take(10)), ['S0@0']);
});

test('with the default 0 a caught-up empty partition does not wait for new records', () => {
  const g = group(0);
  g.add([rec('S', 1, 0, 1)], [at('T', 0, 0, 0), at('S', 0, 3, 3), at('S', 1, 1, 1)]);
  assert.deepEqual(ids(g.take(10)), ['S1@0']);
});

test('max.task.idle.ms -1 never waits', () => {
  const g = group(-1);
  g.add([rec('S', 1, 0, 1)], []);
  assert.deepEqual(ids(g.take(10)), ['S1@0']);
});

test('fetch requests skip full buffers and start past what is buffered and skipped', () => {
  const g = group();
  g.add([rec('T', 0, 0, 1), rec('T', 0, 1, 1), rec('T', 0, 2, 1), rec('S', 0, 0, 1)], [at('T', 0, 3, 10), at('S', 0, 2, 10), at('S', 1, 0, 0)]);
  // S0 stands past a control batch at offset 1.
  assert.deepEqual(g.requests(), [
    { topic: 'S', partition: 0, offset: 2 },
    { topic: 'S', partition: 1, offset: 0 },
  ]);
  assert.equal(g.fetchOffset('T', 0), 3);
});

test('consumed offsets are the oldest buffered record, or the fetch offset when empty', () => {
  const g = group();
  g.add([rec('T', 0, 0, 1), rec('T', 0, 1, 2), rec('S', 0, 4, 3)], [at('T', 0, 2, 2), at('S', 0, 6, 6), at('S', 1, 0, 0)]);
  assert.deepEqual(ids(g.take(1)), ['T0@0']);
  assert.deepEqual(g.consumed(), [
    { topic: 'T', partition: 0, offset: 1 },
    { topic: 'S', partition: 0, offset: 4 },
    { topic: 'S', partition: 1, offset: 0 },
  ]);
  g.take(10);
  assert.deepEqual(g.consumed().map((c) => c.offset), [2, 6, 0]);
});

test('duplicates of buffered records are ignored; reset drops every buffer', () => {
  const g = group(-1);
  g.add([rec('S', 0, 0, 1), rec('S', 0, 1, 2)], []);
  g.add([rec('S', 0, 1, 2), rec('S', 0, 2, 3)], []);
  assert.equal(g.buffered, 3);
  g.reset([{ topic: 'S', partition: 0, offset: 1 }]);
  assert.equal(g.buffered, 0);
  assert.equal(g.fetchOffset('S', 0), 1);
  g.add([rec('S', 0, 1, 2)], []);
  assert.deepEqual(ids(g.take(10)), ['S0@1']);
});

test('the order is by the event time given, not the record timestamp', () => {
  const g = new PartitionGroup(
    [
      { topic: 'A', partition: 0, offset: 0 },
      { topic: 'B', partition: 0, offset: 0 },
    ],
    { maxTaskIdleMs: -1, eventTime: (r) => (r.topic === 'A' ? 100 - r.timestamp : r.timestamp) },
  );
  g.add([rec('A', 0, 0, 90), rec('B', 0, 0, 5), rec('B', 0, 1, 20)], []);
  assert.deepEqual(ids(g.take(10)), ['B0@0', 'A0@0', 'B0@1']);
});
