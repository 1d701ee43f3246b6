// End to end with a real RabbitMQ and a real `eddy server`: messages from a queue go through
// the RabbitMQ source into a topic, through a CSAS, and out by the RabbitMQ sink to another
// queue. The server is killed with SIGKILL while messages flow; after the restart every
// message has come out (at least once: none lost).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { eventually, rabbitmqService } from './services.js';
import { ksql, startServerProcess, type ServerProcess } from './server-process.js';

const service = rabbitmqService();
after(() => service.stop());

test('RabbitMQ → source → CSAS → sink → RabbitMQ, none lost across a SIGKILL', { skip: service.skip, timeout: 240_000 }, async () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const inQ = `in_${suffix}`;
  const outQ = `out_${suffix}`;
  const conn = await amqp.connect(service.url);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(inQ, { durable: true });
  await ch.assertQueue(outQ, { durable: true });
  const received = new Map<number, string>();
  let deliveries = 0;
  await ch.consume(outQ, (msg) => {
    if (!msg) return;
    const v = JSON.parse(msg.content.toString());
    received.set(v.ID, v.WORD);
    deliveries++;
    ch.ack(msg);
  });
  const publish = async (from: number, to: number) => {
    for (let id = from; id < to; id++) ch.sendToQueue(inQ, Buffer.from(JSON.stringify({ id, word: `w${id}` })), { persistent: true });
    await ch.waitForConfirms();
  };

  const u = new URL(service.url);
  const rabbit = `'rabbitmq.host'='${u.hostname}', 'rabbitmq.port'='${u.port}', 'rabbitmq.username'='guest', 'rabbitmq.password'='guest'`;
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-rabbit-'));
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(dataDir);
    await ksql(server.url, `CREATE SOURCE CONNECTOR rmq_in WITH ('connector.class'='io.confluent.connect.rabbitmq.RabbitMQSourceConnector', 'kafka.topic'='rmq_in', 'rabbitmq.queue'='${inQ}', 'rabbitmq.prefetch.count'='50', ${rabbit});`);
    await ksql(server.url, "CREATE STREAM words (id INT, word STRING) WITH (KAFKA_TOPIC='rmq_in', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await ksql(server.url, 'CREATE STREAM loud AS SELECT id, UCASE(word) AS word FROM words;', { 'auto.offset.reset': 'earliest', 'commit.interval.ms': 50 });
    await ksql(server.url, `CREATE SINK CONNECTOR rmq_out WITH ('connector.class'='io.confluent.connect.rabbitmq.sink.RabbitMQSinkConnector', 'topics'='LOUD', 'rabbitmq.exchange'='', 'rabbitmq.routing.key'='${outQ}', 'batch.size'='25', ${rabbit});`);

    await publish(0, 200);
    await eventually('the first messages out', async () => (received.size > 0 ? true : undefined));
    const inFlight = publish(200, 600);
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGKILL');
    assert.equal(await server.exited, 'SIGKILL');
    await inFlight;
    const beforeRestart = received.size;

    server = await startServerProcess(dataDir);
    await publish(600, 700);
    await eventually('all 700 messages out', async () => (received.size === 700 ? true : undefined), 90_000).catch(() => undefined);
    const missing = Array.from({ length: 700 }, (_, i) => i).filter((i) => !received.has(i));
    assert.deepEqual(missing, [], `messages lost (had ${beforeRestart} before the restart)`);
    for (const [id, word] of received) assert.equal(word, `W${id}`);
    assert.ok(deliveries >= 700);
    const [d] = await ksql(server.url, 'DESCRIBE CONNECTOR rmq_in;');
    assert.equal(d.status.connector.state, 'RUNNING');
    assert.deepEqual(d.topics, ['rmq_in']);
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await conn.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a missing queue fails the source, a missing exchange the sink, with messages naming them; the server goes on', { skip: service.skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-rabbit-'));
  const u = new URL(service.url);
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(dataDir);
    await ksql(server.url, `CREATE SOURCE CONNECTOR lost WITH ('connector.class'='RabbitMQSourceConnector', 'kafka.topic'='t', 'rabbitmq.queue'='no_such_queue', 'rabbitmq.host'='${u.hostname}', 'rabbitmq.port'='${u.port}');`);
    const d = await eventually('LOST to fail', async () => {
      const [x] = await ksql(server!.url, 'DESCRIBE CONNECTOR lost;');
      return x.status.connector.state === 'FAILED' ? x : undefined;
    });
    assert.match(d.status.connector.trace, /RabbitMQ queue 'no_such_queue' \(rabbitmq.queue\) does not exist/);
    await ksql(server.url, "CREATE STREAM notes (v STRING) WITH (KAFKA_TOPIC='notes', VALUE_FORMAT='JSON', PARTITIONS=1); INSERT INTO notes (v) VALUES ('x');");
    await ksql(server.url, `CREATE SINK CONNECTOR nowhere WITH ('connector.class'='RabbitMQSink', 'topics'='notes', 'rabbitmq.exchange'='no_such_exchange', 'rabbitmq.routing.key'='k', 'rabbitmq.host'='${u.hostname}', 'rabbitmq.port'='${u.port}');`);
    const s = await eventually('NOWHERE to fail', async () => {
      const [x] = await ksql(server!.url, 'DESCRIBE CONNECTOR nowhere;');
      return x.status.connector.state === 'FAILED' ? x : undefined;
    });
    assert.match(s.status.connector.trace, /no_such_exchange/);
    assert.equal((await ksql(server.url, 'SHOW STREAMS;'))[0]['@type'], 'streams', 'the server keeps serving');
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
