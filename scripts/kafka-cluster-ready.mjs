// Exits 0 when the cluster serves: every broker is in the metadata of both listeners, a
// SCRAM-SHA-512 login works, and a write to a topic replicated on every broker is acknowledged
// by all of them. Used by scripts/kafka-cluster while it waits.
// Usage: node scripts/kafka-cluster-ready.mjs PLAIN_BOOTSTRAP SASL_BOOTSTRAP USER PASSWORD NODES
import { Kafka, logLevel } from 'kafkajs';

const [plain, sasl, username, password, nodes] = process.argv.slice(2);
const quiet = { logLevel: logLevel.NOTHING, connectionTimeout: 2000, requestTimeout: 5000, retry: { retries: 0 } };
const plainKafka = new Kafka({ ...quiet, clientId: 'eddy-ready', brokers: plain.split(',') });
const saslKafka = new Kafka({ ...quiet, clientId: 'eddy-ready', brokers: sasl.split(','), sasl: { mechanism: 'scram-sha-512', username, password } });

async function brokers(kafka) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
}

const timer = setTimeout(() => {
  console.error('not ready: no answer within 20s');
  process.exit(1);
}, 20_000);
try {
  for (const [name, kafka] of [['PLAINTEXT', plainKafka], ['SASL_PLAINTEXT', saslKafka]]) {
    const n = await brokers(kafka);
    if (n < Number(nodes)) throw new Error(`${name} metadata lists ${n} of ${nodes} brokers`);
  }
  const admin = plainKafka.admin();
  await admin.connect();
  const topics = await admin.listTopics();
  if (!topics.includes('__eddy_cluster_ready')) {
    await admin.createTopics({ topics: [{ topic: '__eddy_cluster_ready', numPartitions: 1, replicationFactor: Number(nodes) }], waitForLeaders: true });
  }
  await admin.disconnect();
  const producer = plainKafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: '__eddy_cluster_ready', acks: -1, messages: [{ value: 'ready' }] });
  await producer.disconnect();
  clearTimeout(timer);
} catch (e) {
  console.error(`not ready: ${e.message}`);
  process.exit(1);
}
