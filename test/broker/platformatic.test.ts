// @platformatic/kafka speaks only flexible, Kafka 3.5+ protocol versions (Metadata v9+,
// Fetch v12+, JoinGroup v6+ ...): metadata, produce, a consumer group and admin calls
// against the embedded broker.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startTestBroker, until, type TestBroker } from './helpers.js';

let tb: TestBroker;
let bootstrap: string;

before(async () => {
  tb = await startTestBroker();
  bootstrap = `127.0.0.1:${tb.broker.port}`;
});
after(async () => {
  await tb?.close();
});

test('admin creates topics and reads metadata with topic ids', { timeout: 60_000 }, async () => {
  const admin = new Admin({ clientId: 'pk-admin', bootstrapBrokers: [bootstrap] });
  try {
    const created = await admin.createTopics({ topics: ['pk-orders'], partitions: 3, replicas: 1 });
    assert.equal(created.length, 1);
    assert.equal(created[0].name, 'pk-orders');
    assert.equal(created[0].partitions, 3);
    assert.ok(created[0].id && !/^0{8}-0{4}/.test(created[0].id), `a real topic id, got ${created[0].id}`);
    const meta = await admin.metadata({ topics: ['pk-orders'] });
    const topic = meta.topics.get('pk-orders')!;
    assert.equal(topic.partitionsCount, 3);
    assert.equal(topic.id, created[0].id, 'Metadata gives the same id CreateTopics did');
    assert.ok((await admin.listTopics()).includes('pk-orders'));
  } finally {
    await admin.close();
  }
});

test('produce, then a consumer group reads every record and commits', { timeout: 90_000 }, async () => {
  const producer = new Producer({ clientId: 'pk-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers });
  const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
  try {
    const sent = await producer.send({
      messages: values.map((value, i) => ({ topic: 'pk-orders', key: `k${i % 5}`, value, headers: { n: String(i) } })),
    });
    assert.ok(sent.offsets && sent.offsets.length > 0, 'the broker acknowledged the produce');
  } finally {
    await producer.close();
  }

  const consumer = new Consumer({
    groupId: 'pk-group',
    clientId: 'pk-consumer',
    bootstrapBrokers: [bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  const seen: { value: string; header: string }[] = [];
  try {
    const stream = await consumer.consume({ topics: ['pk-orders'], mode: MessagesStreamModes.EARLIEST, autocommit: 100 });
    stream.on('data', (m) => {
      seen.push({ value: m.value as string, header: String(m.headers.get('n')) });
    });
    await until(() => seen.length >= values.length, `${values.length} consumed records`, 60_000);
    assert.deepEqual(seen.map((s) => s.value).sort(), [...values].sort());
    assert.ok(seen.every((s) => s.header === s.value.slice(1)), 'headers arrive with their records');

    const admin = new Admin({ clientId: 'pk-admin2', bootstrapBrokers: [bootstrap] });
    try {
      const groups = await admin.listGroups();
      assert.ok(groups.has('pk-group'), `pk-group is listed: ${[...groups.keys()]}`);
      const described = (await admin.describeGroups({ groups: ['pk-group'] })).get('pk-group')!;
      assert.equal(described.state, 'STABLE');
      assert.equal(described.members.size, 1);
      await until(async () => {
        const offsets = await admin.listConsumerGroupOffsets({ groups: ['pk-group'] });
        const committed = offsets[0]?.topics.find((t) => t.name === 'pk-orders')?.partitions ?? [];
        return committed.reduce((sum, p) => sum + Math.max(0, Number(p.committedOffset)), 0) === values.length;
      }, 'committed offsets covering every record', 30_000);
    } finally {
      await admin.close();
    }
    await stream.close();
  } finally {
    await consumer.close(true);
  }
});

test('admin deletes topics and groups', { timeout: 60_000 }, async () => {
  const admin = new Admin({ clientId: 'pk-admin3', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: ['pk-doomed'], partitions: 1, replicas: 1 });
    await admin.deleteTopics({ topics: ['pk-doomed'] });
    assert.ok(!(await admin.listTopics()).includes('pk-doomed'));
    await until(async () => (await admin.describeGroups({ groups: ['pk-group'] })).get('pk-group')?.state === 'EMPTY', 'pk-group empty', 30_000);
    await admin.deleteGroups({ groups: ['pk-group'] });
    assert.ok(!(await admin.listGroups()).has('pk-group'));
  } finally {
    await admin.close();
  }
});
