// Behaviour every TopicLog must have. Run against each implementation by calling
// topicLogContract(name, factory) from a *.test.ts file.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProducerFencedError,
  TopicExistsError,
  UnknownTopicError,
  type LogRecord,
  type PartitionProgress,
  type ProduceRecord,
  type TopicLog,
} from '../../src/log/topic-log.js';
import { partitionForKey } from '../../src/log/partitioner.js';

export interface LogFixture {
  log: TopicLog;
  close(): Promise<void>;
}

let topicSeq = 0;
function topicName(base: string): string {
  return `${base}-${process.pid}-${Date.now().toString(36)}-${topicSeq++}`;
}

const b = (s: string) => Buffer.from(s);
const str = (x: Buffer | null) => (x === null ? null : x.toString());

async function fetchAll(log: TopicLog, topic: string, partitions: number, readCommitted = true): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const offsets = new Array(partitions).fill(0);
  for (;;) {
    const recs = await log.fetch(
      offsets.map((offset, partition) => ({ topic, partition, offset })),
      { maxRecords: 1000, readCommitted },
    );
    if (recs.length === 0) return out;
    for (const r of recs) {
      out.push(r);
      offsets[r.partition] = r.offset + 1;
    }
  }
}

/**
 * The records a read-committed fetch sees once they match `expected`: Kafka writes a
 * transaction's commit markers after EndTxn answers, so they show up soon after commit, not
 * at once. Fails with the last read when they never do.
 */
async function committedValues(log: TopicLog, topic: string, partitions: number, expected: (string | null)[]): Promise<(string | null)[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const values = (await fetchAll(log, topic, partitions, true)).map((r) => str(r.value)).sort();
    if (JSON.stringify(values) === JSON.stringify(expected) || Date.now() > deadline) return values;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function topicLogContract(name: string, factory: () => Promise<LogFixture>, options: { skip?: string | false } = {}): void {
  describe(`TopicLog contract: ${name}`, { skip: options.skip }, () => {
    let fx: LogFixture;
    let log: TopicLog;
    before(async () => {
      fx = await factory();
      log = fx.log;
    });
    after(async () => {
      await fx?.close();
    });

    test('creates, describes, lists and deletes topics', async () => {
      const t = topicName('topics');
      await log.createTopic(t, { partitions: 3, configs: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' } });
      const d = await log.describeTopic(t);
      assert.ok(d);
      assert.equal(d.name, t);
      assert.equal(d.partitions, 3);
      assert.equal(d.configs['cleanup.policy'], 'compact');
      assert.equal(d.configs['retention.ms'], '3600000');
      assert.ok((await log.listTopics()).some((x) => x.name === t));
      await assert.rejects(log.createTopic(t, { partitions: 1 }), TopicExistsError);
      await log.deleteTopic(t);
      assert.equal(await log.describeTopic(t), undefined);
      assert.ok(!(await log.listTopics()).some((x) => x.name === t));
    });

    test('unknown topics are reported as such', async () => {
      const t = topicName('missing');
      await assert.rejects(log.produce(t, [{ key: null, value: b('x') }]), UnknownTopicError);
      await assert.rejects(log.fetch([{ topic: t, partition: 0, offset: 0 }]), UnknownTopicError);
      await assert.rejects(log.deleteTopic(t), UnknownTopicError);
    });

    test('produce then fetch keeps keys, values, tombstones, headers and timestamps', async () => {
      const t = topicName('roundtrip');
      await log.createTopic(t, { partitions: 1 });
      const records: ProduceRecord[] = [
        { key: b('k1'), value: b('{"a":1}'), timestamp: 1_700_000_000_000, headers: [{ key: 'h1', value: b('x') }, { key: 'hnull', value: null }] },
        { key: null, value: b('no key'), timestamp: 1_700_000_000_005 },
        { key: b('k1'), value: null, timestamp: 1_600_000_000_000 },
        { key: b(''), value: b(''), timestamp: 1_700_000_000_010 },
      ];
      const res = await log.produce(t, records);
      assert.deepEqual(res, [
        { partition: 0, offset: 0 },
        { partition: 0, offset: 1 },
        { partition: 0, offset: 2 },
        { partition: 0, offset: 3 },
      ]);
      const got = await log.fetch([{ topic: t, partition: 0, offset: 0 }]);
      assert.equal(got.length, 4);
      assert.deepEqual(
        got.map((r) => [r.topic, r.partition, r.offset, r.timestamp, str(r.key), str(r.value)]),
        [
          [t, 0, 0, 1_700_000_000_000, 'k1', '{"a":1}'],
          [t, 0, 1, 1_700_000_000_005, null, 'no key'],
          [t, 0, 2, 1_600_000_000_000, 'k1', null],
          [t, 0, 3, 1_700_000_000_010, '', ''],
        ],
      );
      assert.deepEqual(
        got[0].headers.map((h) => [h.key, str(h.value)]),
        [
          ['h1', 'x'],
          ['hnull', null],
        ],
      );
      assert.deepEqual(got[1].headers, []);
      const fromMiddle = await log.fetch([{ topic: t, partition: 0, offset: 2 }]);
      assert.deepEqual(fromMiddle.map((r) => r.offset), [2, 3]);
      const before = Date.now();
      const [{ offset }] = await log.produce(t, [{ key: null, value: b('now') }]);
      const [last] = await log.fetch([{ topic: t, partition: 0, offset }]);
      assert.ok(last.timestamp >= before - 1000 && last.timestamp <= Date.now() + 1000, 'default timestamp is the append time');
    });

    test('keyed records use the Kafka murmur2 partitioner; explicit partitions are honoured', async () => {
      const t = topicName('keyed');
      await log.createTopic(t, { partitions: 6 });
      const keys = Array.from({ length: 60 }, (_, i) => `user-${i}`);
      const res = await log.produce(t, keys.map((k) => ({ key: b(k), value: b(k) })));
      res.forEach((r, i) => assert.equal(r.partition, partitionForKey(b(keys[i]), 6), `partition of ${keys[i]}`));
      const explicit = await log.produce(t, [{ key: b('user-0'), value: b('p5'), partition: 5 }]);
      assert.equal(explicit[0].partition, 5);
      const all = await fetchAll(log, t, 6);
      assert.equal(all.length, 61);
      for (const r of all) {
        if (str(r.value) === 'p5') assert.equal(r.partition, 5);
        else assert.equal(r.partition, partitionForKey(r.key!, 6));
      }
      // offsets per partition are dense and in produce order
      for (let p = 0; p < 6; p++) {
        const offs = all.filter((r) => r.partition === p).map((r) => r.offset);
        assert.deepEqual(offs, offs.map((_, i) => i));
      }
    });

    test('records without key spread over partitions', async () => {
      const t = topicName('nokey');
      await log.createTopic(t, { partitions: 4 });
      const used = new Set<number>();
      for (let i = 0; i < 40; i++) for (const r of await log.produce(t, [{ key: null, value: b(String(i)) }])) used.add(r.partition);
      assert.ok(used.size >= 2, `null-key records all went to ${[...used]}`);
      assert.equal((await fetchAll(log, t, 4)).length, 40);
    });

    test('fetch honours maxRecords and reads several partitions', async () => {
      const t = topicName('fetchmax');
      await log.createTopic(t, { partitions: 2 });
      await log.produce(t, Array.from({ length: 50 }, (_, i) => ({ key: null, value: b(`a${i}`), partition: 0 })));
      await log.produce(t, Array.from({ length: 50 }, (_, i) => ({ key: null, value: b(`b${i}`), partition: 1 })));
      const some = await log.fetch(
        [
          { topic: t, partition: 0, offset: 0 },
          { topic: t, partition: 1, offset: 0 },
        ],
        { maxRecords: 30 },
      );
      assert.ok(some.length > 0 && some.length <= 30);
      const all = await fetchAll(log, t, 2);
      assert.equal(all.length, 100);
      assert.deepEqual(
        all.filter((r) => r.partition === 1).map((r) => str(r.value)),
        Array.from({ length: 50 }, (_, i) => `b${i}`),
      );
    });

    test('fetch returns nothing at the end, and a waiting fetch wakes up on append', async () => {
      const t = topicName('longpoll');
      await log.createTopic(t, { partitions: 1 });
      assert.deepEqual(await log.fetch([{ topic: t, partition: 0, offset: 0 }], { maxWaitMs: 0 }), []);
      assert.deepEqual(await log.fetch([{ topic: t, partition: 0, offset: 0 }], { maxWaitMs: 50 }), []);
      const waiting = log.fetch([{ topic: t, partition: 0, offset: 0 }], { maxWaitMs: 60_000 });
      setTimeout(() => void log.produce(t, [{ key: b('k'), value: b('late') }]), 30);
      const got = await waiting;
      assert.deepEqual(got.map((r) => str(r.value)), ['late']);
    });

    test('fetch reports where each partition stands: past skipped control batches, and its end offset', async () => {
      const t = topicName('progress');
      await log.createTopic(t, { partitions: 3 });
      await log.produce(t, Array.from({ length: 5 }, (_, i) => ({ key: null, value: b(`a${i}`), partition: 0 })));
      // Partition 1: one committed transactional record, then its commit marker.
      const tx = await log.beginTransaction(topicName('progress-tx'));
      await tx.produce(t, [{ key: null, value: b('t0'), partition: 1 }]);
      await tx.commit();
      // Kafka writes the commit marker after EndTxn answers: wait until the record is visible.
      assert.deepEqual(await committedValues(log, t, 3, ['a0', 'a1', 'a2', 'a3', 'a4', 't0']), ['a0', 'a1', 'a2', 'a3', 'a4', 't0']);
      const requests = [0, 1, 2].map((partition) => ({ topic: t, partition, offset: 0 }));
      const progress: PartitionProgress[] = [];
      const got = await log.fetch(requests, { maxRecords: 100, progress });
      assert.equal(got.length, 6);
      const at = (p: number) => progress.find((x) => x.partition === p);
      assert.deepEqual(at(0), { topic: t, partition: 0, nextOffset: 5, endOffset: 5 });
      assert.deepEqual(at(1), { topic: t, partition: 1, nextOffset: 2, endOffset: 2 }, 'past the commit marker: caught up');
      assert.deepEqual(at(2), { topic: t, partition: 2, nextOffset: 0, endOffset: 0 });
      // Cut short by maxRecords: the partition stands after the last record returned.
      const some = await log.fetch([{ topic: t, partition: 0, offset: 1 }], { maxRecords: 2, progress });
      assert.deepEqual(some.map((r) => r.offset), [1, 2]);
      assert.deepEqual(progress, [{ topic: t, partition: 0, nextOffset: 3, endOffset: 5 }]);
    });

    test('beginning, end and timestamp offsets', async () => {
      const t = topicName('offsets');
      await log.createTopic(t, { partitions: 2 });
      await log.produce(t, [
        { key: null, value: b('a'), partition: 0, timestamp: 1000 },
        { key: null, value: b('b'), partition: 0, timestamp: 2000 },
        { key: null, value: b('c'), partition: 0, timestamp: 3000 },
      ]);
      assert.deepEqual(await log.beginningOffsets(t), [0, 0]);
      assert.deepEqual(await log.endOffsets(t), [3, 0]);
      assert.deepEqual(await log.offsetsForTimestamp(t, 0), [0, 0]);
      assert.deepEqual(await log.offsetsForTimestamp(t, 1500), [1, 0]);
      assert.deepEqual(await log.offsetsForTimestamp(t, 2000), [1, 0]);
      assert.deepEqual(await log.offsetsForTimestamp(t, 9999), [3, 0]);
    });

    test('consumer group offsets are committed and read back per topic', async () => {
      const t = topicName('groups');
      const t2 = topicName('groups-other');
      await log.createTopic(t, { partitions: 3 });
      await log.createTopic(t2, { partitions: 1 });
      const g = topicName('group');
      assert.equal((await log.committedOffsets(g, t)).size, 0);
      await log.commitOffsets(g, [
        { topic: t, partition: 0, offset: 5 },
        { topic: t, partition: 2, offset: 7 },
        { topic: t2, partition: 0, offset: 1 },
      ]);
      await log.commitOffsets(g, [{ topic: t, partition: 0, offset: 6 }]);
      assert.deepEqual([...(await log.committedOffsets(g, t))].sort(), [
        [0, 6],
        [2, 7],
      ]);
      assert.deepEqual([...(await log.committedOffsets(g, t2))], [[0, 1]]);
      assert.equal((await log.committedOffsets(g + '-other', t)).size, 0);
    });

    test('transactions: invisible until commit, offsets committed atomically, abort discards', async () => {
      const t = topicName('txn');
      const src = topicName('txn-src');
      await log.createTopic(t, { partitions: 2 });
      await log.createTopic(src, { partitions: 1 });
      const g = topicName('txn-group');
      const tid = topicName('tx');

      const tx = await log.beginTransaction(tid);
      await tx.produce(t, [
        { key: b('a'), value: b('1') },
        { key: b('b'), value: b('2') },
      ]);
      await tx.commitOffsets(g, [{ topic: src, partition: 0, offset: 10 }]);
      assert.equal((await fetchAll(log, t, 2, true)).length, 0, 'uncommitted records are not visible to read-committed fetches');
      assert.equal((await fetchAll(log, t, 2, false)).length, 2, 'read-uncommitted fetches see them');
      assert.equal((await log.committedOffsets(g, src)).size, 0, 'offsets stay pending until commit');
      await tx.commit();
      assert.deepEqual(await committedValues(log, t, 2, ['1', '2']), ['1', '2']);
      assert.deepEqual([...(await log.committedOffsets(g, src))], [[0, 10]]);

      const tx2 = await log.beginTransaction(tid);
      await tx2.produce(t, [{ key: b('a'), value: b('aborted') }]);
      await tx2.commitOffsets(g, [{ topic: src, partition: 0, offset: 20 }]);
      await tx2.abort();
      const tx3 = await log.beginTransaction(tid);
      await tx3.produce(t, [{ key: b('a'), value: b('3') }]);
      await tx3.commit();
      assert.deepEqual(await committedValues(log, t, 2, ['1', '2', '3']), ['1', '2', '3']);
      assert.deepEqual([...(await log.committedOffsets(g, src))], [[0, 10]], 'aborted offsets are discarded');
      // a waiting read-committed fetch is not woken into returning uncommitted data
      const end = await log.endOffsets(t);
      assert.ok(end.every((e) => e >= 0));
    });

    test('a newer transaction with the same id fences the older one', async () => {
      const t = topicName('fence');
      await log.createTopic(t, { partitions: 1 });
      const tid = topicName('fence-tx');
      const old = await log.beginTransaction(tid);
      await old.produce(t, [{ key: null, value: b('zombie') }]);
      const fresh = await log.beginTransaction(tid);
      await assert.rejects(old.produce(t, [{ key: null, value: b('zombie2') }]), ProducerFencedError);
      await assert.rejects(old.commit(), ProducerFencedError);
      await fresh.produce(t, [{ key: null, value: b('fresh') }]);
      await fresh.commit();
      assert.deepEqual(await committedValues(log, t, 1, ['fresh']), ['fresh']);
    });

    test('exactly-once needs: an empty transaction can end, and a new one aborts what a fenced one left open', async () => {
      const t = topicName('eos');
      const src = topicName('eos-src');
      await log.createTopic(t, { partitions: 1 });
      await log.createTopic(src, { partitions: 1 });
      const g = topicName('eos-group');
      const tid = topicName('eos-tx');
      await (await log.beginTransaction(tid)).abort();
      const offsetsOnly = await log.beginTransaction(tid);
      await offsetsOnly.commitOffsets(g, [{ topic: src, partition: 0, offset: 5 }]);
      await offsetsOnly.commit();
      assert.deepEqual([...(await log.committedOffsets(g, src))], [[0, 5]]);

      const crashed = await log.beginTransaction(tid);
      await crashed.produce(t, [{ key: null, value: b('lost') }]);
      await crashed.commitOffsets(g, [{ topic: src, partition: 0, offset: 9 }]);
      assert.deepEqual(await log.endOffsets(t), [0], 'an open transaction holds the last stable offset back');
      const next = await log.beginTransaction(tid);
      await next.abort();
      assert.deepEqual([...(await log.committedOffsets(g, src))], [[0, 5]], 'the fenced transaction\'s offsets never appear');
      assert.deepEqual(await fetchAll(log, t, 1, true), []);
      const end = await log.endOffsets(t);
      assert.ok(end[0]! >= 1, 'the aborted transaction no longer holds the last stable offset back');
    });

    test('deleted topics disappear and can be created again empty', async () => {
      const t = topicName('recreate');
      await log.createTopic(t, { partitions: 1 });
      await log.produce(t, [{ key: null, value: b('old') }]);
      await log.deleteTopic(t);
      await log.createTopic(t, { partitions: 2 });
      assert.equal((await log.describeTopic(t))?.partitions, 2);
      assert.deepEqual(await fetchAll(log, t, 2), []);
    });
  });
}
