// Security towards a Kafka cluster: the settings ksqlDB users write reach kafkajs, and on the
// real cluster's SASL_PLAINTEXT listener a server with SCRAM credentials runs queries, while a
// wrong password stops it at start with a message naming the listener.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaLog } from '../../src/log/kafka/index.js';
import { KafkaSecurityConfigError, kafkaSecurity, parseJaasConfig } from '../../src/log/kafka/security.js';
import { realKafka } from './real-kafka.js';
import { eventually, isRunning, startEddyOnCluster, unique } from './eddy-on-cluster.js';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule';

test('sasl.jaas.config is read as Kafka reads a JAAS login line', () => {
  assert.deepEqual(parseJaasConfig(`${PLAIN} required username="alice" password="s3cr=t;";`), {
    loginModule: PLAIN,
    controlFlag: 'required',
    options: { username: 'alice', password: 's3cr=t;' },
  });
  assert.deepEqual(parseJaasConfig(`  ${SCRAM}   REQUIRED\n username=bob\tpassword="a \\"quoted\\" one" ;  `).options, { username: 'bob', password: 'a "quoted" one' });
  assert.throws(() => parseJaasConfig(`${PLAIN} required username="alice" password="x"`), /does not end with ';'/);
  assert.throws(() => parseJaasConfig(`${PLAIN} username="alice";`), /control flag/);
  assert.throws(() => parseJaasConfig(`${PLAIN} required username="alice;`), /closing quote/);
});

test('security.protocol, sasl.* and ssl.* map to kafkajs options, bare or under ksql.streams.', () => {
  assert.deepEqual(kafkaSecurity({}), { protocol: 'PLAINTEXT', description: 'PLAINTEXT' });
  const scram = kafkaSecurity({
    'ksql.streams.security.protocol': 'sasl_plaintext',
    'ksql.streams.sasl.mechanism': 'SCRAM-SHA-512',
    'ksql.streams.sasl.jaas.config': `${SCRAM} required username="eddy" password="pw";`,
  });
  assert.deepEqual(scram.sasl, { mechanism: 'scram-sha-512', username: 'eddy', password: 'pw' });
  assert.equal(scram.ssl, undefined);
  assert.equal(scram.description, "SASL_PLAINTEXT, SCRAM-SHA-512, user 'eddy'");
  // the bare setting wins over the ksql.streams. one
  const plain = kafkaSecurity({
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': `${PLAIN} required username="a" password="b";`,
    'ksql.streams.sasl.mechanism': 'SCRAM-SHA-256',
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----',
    'ssl.endpoint.identification.algorithm': '',
  });
  assert.equal(plain.sasl?.mechanism, 'plain');
  assert.equal(plain.ssl?.ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
  assert.equal(typeof plain.ssl?.checkServerIdentity, 'function', 'an empty endpoint identification algorithm skips the host name check');
  assert.deepEqual(kafkaSecurity({ 'security.protocol': 'SSL' }).ssl, {});

  const fails = (config: Record<string, unknown>, message: RegExp) => assert.throws(() => kafkaSecurity(config), (e: Error) => e instanceof KafkaSecurityConfigError && message.test(e.message));
  fails({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.jaas.config': `${PLAIN} required username="a" password="b";` }, /GSSAPI is Kafka's default/);
  fails({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' }, /needs sasl.jaas.config/);
  fails({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': `${PLAIN} required username="a" password="b";` }, /does not do sasl.mechanism SCRAM-SHA-256/);
  fails({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': `${PLAIN} required username="a";` }, /both username/);
  fails({ 'security.protocol': 'SSL', 'ssl.truststore.location': '/x.jks' }, /truststore.type JKS is not supported.*PEM/);
  fails({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': '/nonexistent/ca.pem' }, /cannot read '\/nonexistent\/ca.pem'/);
  fails({ 'security.protocol': 'TLS' }, /not one of PLAINTEXT/);
});

const { cluster, skip } = realKafka('SASL towards real Kafka');

test('the KafkaLog logs in with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 on the SASL_PLAINTEXT listener', { skip }, async () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    const module = mechanism === 'PLAIN' ? PLAIN : SCRAM;
    const security = kafkaSecurity({
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': mechanism,
      'sasl.jaas.config': `${module} required username="${cluster!.username}" password="${cluster!.password}";`,
    });
    const log = await KafkaLog.connect({ brokers: cluster!.saslBrokers, sasl: security.sasl });
    try {
      const topic = unique(`sasl_${mechanism.replace(/-/g, '_')}`);
      await log.createTopic(topic, { partitions: 1 });
      await log.produce(topic, [{ key: null, value: Buffer.from(mechanism) }]);
      const [r] = await log.fetch([{ topic, partition: 0, offset: 0 }]);
      assert.equal(r?.value?.toString(), mechanism);
      await log.deleteTopic(topic);
    } finally {
      await log.close();
    }
  }
});

test('a server on the SASL_PLAINTEXT listener with SCRAM credentials runs queries; a wrong password stops it at start', { skip, timeout: 240_000 }, async () => {
  const serviceId = unique('sasl');
  const config = (password: string) => ({
    'bootstrap.servers': cluster!.saslBrokers.join(','),
    'ksql.service.id': serviceId,
    'ksql.streams.security.protocol': 'SASL_PLAINTEXT',
    'ksql.streams.sasl.mechanism': 'SCRAM-SHA-256',
    'ksql.streams.sasl.jaas.config': `${SCRAM} required username="${cluster!.username}" password="${password}";`,
  });
  const server = await startEddyOnCluster(config(cluster!.password));
  assert.ok(isRunning(server), `the server did not start: ${JSON.stringify(server)}`);
  try {
    const source = unique('SASL_CLICKS').toUpperCase();
    await server.ksql(`CREATE STREAM ${source} (id INT KEY, page VARCHAR) WITH (KAFKA_TOPIC='${source}', VALUE_FORMAT='JSON', PARTITIONS=1);`);
    await server.ksql(`CREATE TABLE ${source}_COUNTS AS SELECT page, COUNT(*) AS n FROM ${source} GROUP BY page;`, { 'auto.offset.reset': 'earliest' });
    await server.ksql(`INSERT INTO ${source} (id, page) VALUES (1, 'home'); INSERT INTO ${source} (id, page) VALUES (2, 'home'); INSERT INTO ${source} (id, page) VALUES (3, 'cart');`);
    const counts = await eventually(
      'counts through the SASL listener',
      async () => (await server.rows(`SELECT page, n FROM ${source}_COUNTS;`)).map((r) => `${r[0]}=${r[1]}`).sort(),
      (v) => v.length === 2 && v.includes('home=2'),
    );
    assert.deepEqual(counts, ['cart=1', 'home=2']);
  } finally {
    await server.stop();
  }

  const refused = await startEddyOnCluster(config('not-the-password'));
  assert.ok(!isRunning(refused), 'a server with a wrong password must not start');
  assert.notEqual(refused.code, 0);
  const message = refused.stderr + refused.stdout;
  assert.match(message, /Could not log in to the Kafka cluster at/);
  assert.ok(message.includes(cluster!.saslBrokers.join(',')), `the message names the listener: ${message}`);
  assert.match(message, /SASL_PLAINTEXT, SCRAM-SHA-256, user 'eddy'/);
  assert.match(message, /sasl\.jaas\.config/);
});
