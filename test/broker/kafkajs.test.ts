import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type EachMessagePayload } from 'kafkajs';
import { startTestBroker, type TestBroker } from './helpers.js';

let tb: TestBroker;
let kafka: Kafka;

before(async () => {
  tb = await startTestBroker();
  kafka = new Kafka({ clientId: 'eddy-test', brokers: [tb.broker.address], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
});
after(async () => {
  await tb.close();
});

function waitFor(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - start > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

test('admin creates, describes and deletes topics', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic: 'adm', numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] }), true);
    assert.equal(await admin.createTopics({ topics: [{ topic: 'adm', numPartitions: 3 }] }), false);
    const md = await admin.fetchTopicMetadata({ topics: ['adm'] });
    assert.equal(md.topics[0].partitions.length, 3);
    const cfg = await admin.describeConfigs({ resources: [{ type: 2, name: 'adm', configNames: ['cleanup.policy', 'retention.ms'] }], includeSynonyms: false });
    const entries = Object.fromEntries(cfg.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    assert.deepEqual(entries, { 'cleanup.policy': 'compact', 'retention.ms': '604800000' });
    await admin.createPartitions({ topicPartitions: [{ topic: 'adm', count: 5 }] });
    assert.equal((await tb.log.describeTopic('adm'))?.partitions, 5);
    assert.ok((await admin.listTopics()).includes('adm'));
    await admin.deleteTopics({ topics: ['adm'] });
    assert.equal(await tb.log.describeTopic('adm'), undefined);
  } finally {
    await admin.disconnect();
  }
});

test('produce and consume by offset keep keys, values, headers and timestamps', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'pc', numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const meta = await producer.send({
    topic: 'pc',
    compression: 1,
    messages: [
      { key: 'a', value: 'one', headers: { h: 'x' }, timestamp: '1700000000000' },
      { key: 'b', value: 'two', timestamp: '1700000000001' },
      { key: 'a', value: null, timestamp: '1700000000002' },
    ],
  });
  assert.ok(meta.every((m) => m.errorCode === 0));
  await producer.disconnect();
  // what the log stored is what kafkajs sent
  const stored = await tb.log.fetch([0, 1].map((p) => ({ topic: 'pc', partition: p, offset: 0 })));
  assert.equal(stored.length, 3);

  const consumer = kafka.consumer({ groupId: 'pc-group', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'pc', fromBeginning: true });
  const seen: { key: string; value: string | null; ts: string; h?: string; partition: number }[] = [];
  await consumer.run({
    eachMessage: async ({ message, partition }: EachMessagePayload) => {
      seen.push({ key: message.key!.toString(), value: message.value?.toString() ?? null, ts: message.timestamp, h: message.headers?.h?.toString(), partition });
    },
  });
  await waitFor(() => seen.length === 3, 'three messages');
  await consumer.disconnect();
  const byValue = new Map(seen.map((s) => [s.value, s]));
  assert.deepEqual(byValue.get('one'), { key: 'a', value: 'one', ts: '1700000000000', h: 'x', partition: byValue.get('one')!.partition });
  assert.equal(byValue.get(null)?.key, 'a', 'tombstone keeps its key');
  assert.equal(byValue.get(null)?.partition, byValue.get('one')?.partition, 'same key, same partition');
  for (const s of stored) {
    const k = s.key!.toString();
    assert.ok(seen.some((x) => x.key === k && x.partition === s.partition));
  }
});

test('a consumer group splits partitions between members and resumes from committed offsets', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'grp', numPartitions: 4 }] });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'grp', messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });

  const assigned = new Map<string, Set<number>>();
  const got: string[] = [];
  const members = ['m1', 'm2'].map((name) => {
    const c = kafka.consumer({ groupId: 'grp-g', maxWaitTimeInMs: 100, heartbeatInterval: 100, sessionTimeout: 6000, rebalanceTimeout: 6000 });
    c.on(c.events.GROUP_JOIN, (e) => assigned.set(name, new Set(e.payload.memberAssignment['grp'] ?? [])));
    return c;
  });
  for (const c of members) {
    await c.connect();
    await c.subscribe({ topic: 'grp', fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
  }
  await waitFor(() => {
    const a = [...assigned.values()];
    return a.length === 2 && a[0].size > 0 && a[1].size > 0 && a[0].size + a[1].size === 4 && [...a[0]].every((p) => !a[1].has(p));
  }, 'both members to share the four partitions');
  await waitFor(() => new Set(got).size === 40, 'all 40 messages');
  for (const c of members) await c.disconnect();

  const offsets = await admin.fetchOffsets({ groupId: 'grp-g', topics: ['grp'] });
  const total = offsets[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
  assert.equal(total, 40, 'committed offsets cover everything consumed');

  await producer.send({ topic: 'grp', messages: [{ key: 'late', value: 'after' }] });
  const again: string[] = [];
  const c3 = kafka.consumer({ groupId: 'grp-g', maxWaitTimeInMs: 100 });
  await c3.connect();
  await c3.subscribe({ topic: 'grp', fromBeginning: true });
  await c3.run({ eachMessage: async ({ message }) => void again.push(message.value!.toString()) });
  await waitFor(() => again.length >= 1, 'the message produced after the commit');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(again, ['after']);
  await c3.disconnect();
  await producer.disconnect();
  await admin.disconnect();
});

test('transactional producer: aborted records are invisible to read-committed consumers', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'tx-in', numPartitions: 1 }, { topic: 'tx-out', numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer({ transactionalId: 'tx-producer', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();

  const t1 = await producer.transaction();
  await t1.send({ topic: 'tx-out', messages: [{ key: 'a', value: 'committed-1' }, { key: 'b', value: 'committed-2' }] });
  await t1.sendOffsets({ consumerGroupId: 'tx-group', topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '5' }] }] });
  await t1.commit();

  const t2 = await producer.transaction();
  await t2.send({ topic: 'tx-out', messages: [{ key: 'a', value: 'aborted-1' }, { key: 'c', value: 'aborted-2' }] });
  await t2.sendOffsets({ consumerGroupId: 'tx-group', topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '9' }] }] });
  await t2.abort();

  const t3 = await producer.transaction();
  await t3.send({ topic: 'tx-out', messages: [{ key: 'b', value: 'committed-3' }] });
  await t3.commit();
  await producer.disconnect();

  const committed = await tb.log.committedOffsets('tx-group', 'tx-in');
  assert.deepEqual([...committed], [[0, 5]], 'only the committed transaction moved the group offset');

  const read = async (groupId: string, readUncommitted: boolean) => {
    const seen: string[] = [];
    const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted });
    await c.connect();
    await c.subscribe({ topic: 'tx-out', fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(() => seen.filter((s) => s.startsWith('committed')).length === 3, 'committed records');
    await new Promise((r) => setTimeout(r, 300));
    await c.disconnect();
    return seen.sort();
  };
  assert.deepEqual(await read('rc', false), ['committed-1', 'committed-2', 'committed-3']);
  assert.deepEqual(await read('ru', true), ['aborted-1', 'aborted-2', 'committed-1', 'committed-2', 'committed-3']);
});

test('an idempotent producer gets each record stored once', async () => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < 5; i++) await producer.send({ topic: 'idem', messages: [{ key: `k${i}`, value: `v${i}` }] });
  await producer.disconnect();
  const recs = await tb.log.fetch([{ topic: 'idem', partition: 0, offset: 0 }]);
  assert.deepEqual(recs.map((r) => r.value!.toString()), ['v0', 'v1', 'v2', 'v3', 'v4']);
});
