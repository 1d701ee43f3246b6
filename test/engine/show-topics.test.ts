// SHOW TOPICS [EXTENDED] on a server with its embedded broker: consumers and consumer groups
// of Kafka clients and of Eddy's own persistent queries, with lag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startEmbedded } from '../../cli/embedded.js';
import { decodeConsumerAssignment, topicConsumers } from '../../src/engine/consumer-groups.js';
import { renderEntity } from '../../cli/render/entities.js';
import type { KsqlEntity } from '../../src/engine/api.js';

function assignmentBytes(topics: [string, number[]][]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 1])];
  const n = Buffer.alloc(4);
  n.writeInt32BE(topics.length);
  parts.push(n);
  for (const [topic, partitions] of topics) {
    const name = Buffer.from(topic);
    const len = Buffer.alloc(2);
    len.writeInt16BE(name.length);
    const count = Buffer.alloc(4);
    count.writeInt32BE(partitions.length);
    parts.push(len, name, count, ...partitions.map((p) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(p);
      return b;
    }));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

test('consumer assignments decode; lag is end minus committed, unknown without a commit', () => {
  assert.deepEqual(decodeConsumerAssignment(assignmentBytes([['a', [2, 0]], ['b', [1]]])), [
    { topic: 'a', partitions: [0, 2] },
    { topic: 'b', partitions: [1] },
  ]);
  assert.deepEqual(decodeConsumerAssignment(Buffer.from('not an assignment')), []);
  const c = topicConsumers('a', [10, 20, 3], [
    { groupId: 'g2', state: 'Stable', members: [{ memberId: 'm', clientId: 'c', host: 'h', assignment: [{ topic: 'a', partitions: [0, 1, 2] }] }], offsets: [{ topic: 'a', partition: 0, offset: 4 }] },
    { groupId: 'g1', state: 'Empty', members: [], offsets: [{ topic: 'a', partition: 2, offset: 3 }, { topic: 'b', partition: 0, offset: 1 }] },
    { groupId: 'other', state: 'Empty', members: [], offsets: [{ topic: 'b', partition: 0, offset: 1 }] },
  ]);
  assert.equal(c.consumerCount, 1);
  assert.equal(c.consumerGroupCount, 2);
  // Lag is known only where a group committed: g1 on partition 2, g2 on partition 0.
  assert.deepEqual(c.groups.map((g) => [g.groupId, g.lag]), [['g1', 0], ['g2', 6]]);
  assert.deepEqual(c.groups[0]!.partitions.map((p) => [p.committed, p.lag]), [[null, null], [null, null], [3, 0]]);
  assert.equal(c.lag, 6);
});

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('SHOW TOPICS EXTENDED counts a kafkajs group member and a persistent query, with their lag', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-show-topics-'));
  const server = await startEmbedded({ dataDir: dir, port: 0, host: '127.0.0.1', config: {}, brokerPort: 0 });
  const kafka = new Kafka({ clientId: 'show-topics-test', brokers: [server.broker!.address], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'readers', maxWaitTimeInMs: 100, heartbeatInterval: 200 });
  const ctx = { properties: {}, variables: {} };
  const show = async (sql: string) => (await server.engine.execute(sql, ctx))[0] as KsqlEntity & { topics: Record<string, unknown>[] };
  try {
    await server.engine.execute("CREATE STREAM clicks (id INT KEY, url STRING) WITH (kafka_topic='clicks', partitions=2, value_format='JSON');", ctx);
    await server.engine.execute("INSERT INTO clicks (id, url) VALUES (1, 'a'); INSERT INTO clicks (id, url) VALUES (2, 'b'); INSERT INTO clicks (id, url) VALUES (3, 'c');", ctx);

    const plain = await show('SHOW TOPICS;');
    assert.equal(plain['@type'], 'kafka_topics');
    assert.deepEqual(plain.topics.find((t) => t.name === 'clicks'), { name: 'clicks', replicaInfo: [1, 1] });
    assert.ok(!plain.topics.some((t) => String(t.name).startsWith('_confluent-ksql-')), 'internal topics hidden');
    assert.ok((await show('SHOW ALL TOPICS;')).topics.some((t) => String(t.name).startsWith('_confluent-ksql-')));

    let before = await show('SHOW TOPICS EXTENDED;');
    assert.equal(before['@type'], 'kafka_topics_extended');
    assert.deepEqual(
      (({ consumerCount, consumerGroupCount, consumerLag }) => ({ consumerCount, consumerGroupCount, consumerLag }))(before.topics.find((t) => t.name === 'clicks')!),
      { consumerCount: 0, consumerGroupCount: 0, consumerLag: 0 },
    );

    // A Kafka client in group "readers" reads everything and stays a member.
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'clicks', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitFor(async () => seen.length === 3, 'the consumer to read the three records');
    await waitFor(async () => {
      const t = (await show('SHOW TOPICS EXTENDED;')).topics.find((x) => x.name === 'clicks')!;
      return t.consumerCount === 1 && t.consumerGroupCount === 1 && t.consumerLag === 0;
    }, 'the group to show one member and no lag');

    // A persistent query is a consumer group of its own.
    await server.engine.execute('CREATE STREAM clicks_copy AS SELECT * FROM clicks;', ctx);
    before = await show('SHOW TOPICS EXTENDED;');
    const clicks = before.topics.find((t) => t.name === 'clicks')!;
    assert.equal(clicks.consumerCount, 2);
    assert.equal(clicks.consumerGroupCount, 2);
    const groups = clicks.consumerGroups as { groupId: string; consumers: number }[];
    assert.equal(groups.length, 2);
    assert.match(groups[0]!.groupId, /^_confluent-ksql-default_query_CSAS_CLICKS_COPY_\d+$/);
    assert.equal(groups[1]!.groupId, 'readers');

    const table = renderEntity(before as unknown as Record<string, unknown>).join('\n');
    assert.match(table, /Kafka Topic +\| Partitions \| Partition Replicas \| Consumers \| ConsumerGroups \| Consumer Lag/);
    assert.match(table, / clicks +\| 2 +\| 1 1 +\| 2 +\| 2 +\| \d+ /);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on a Kafka cluster (the Kafka log), SHOW TOPICS EXTENDED asks the cluster for its groups', async () => {
  const { startTestBroker } = await import('../broker/helpers.js');
  const { Engine } = await import('../../src/engine/engine.js');
  const tb = await startTestBroker();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-show-topics-kafka-'));
  const engine = await Engine.open({ dataDir: dir, properties: { 'bootstrap.servers': tb.broker.address } });
  const kafka = new Kafka({ clientId: 'show-topics-kafka', brokers: [tb.broker.address], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'cluster-readers', maxWaitTimeInMs: 100, heartbeatInterval: 200 });
  const ctx = { properties: {}, variables: {} };
  try {
    assert.ok(!(engine.log instanceof (await import('../../src/log/embedded/index.js')).EmbeddedLog), 'the engine runs on the Kafka log');
    await tb.log.createTopic('events', { partitions: 3 });
    await tb.log.produce('events', [0, 1, 2].map((p) => ({ key: null, value: Buffer.from(`e${p}`), partition: p })));
    let seen = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'events', fromBeginning: true });
    await consumer.run({ eachMessage: async () => void seen++ });
    await waitFor(async () => seen === 3, 'the three records');
    await waitFor(async () => {
      const [e] = (await engine.execute('SHOW TOPICS EXTENDED;', ctx)) as (KsqlEntity & { topics: Record<string, unknown>[] })[];
      const t = e!.topics.find((x) => x.name === 'events');
      return !!t && t.consumerCount === 1 && t.consumerGroupCount === 1 && t.consumerLag === 0;
    }, 'the cluster group with one member and no lag');
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await engine.close();
    await tb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
