// `eddy topic` against the embedded broker secured as SASL_SSL with SCRAM-SHA-512 and ACLs:
// credentials by flags, by EDDY_KAFKA_* variables and by a Kafka client properties file
// (--command-config); a wrong password, an untrusted certificate and a principal without
// write permission each fail with a message saying what to fix.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import kafkajs, { Kafka, logLevel } from 'kafkajs';
import { topicCommand } from '../../cli/topic.js';
import type { TestBroker } from '../broker/helpers.js';
import { makeCerts, saslSslConfig, startConfiguredBroker, writeUsers, type TestCerts } from '../broker/security-helpers.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const certs = makeCerts();
const skip = typeof certs === 'string' ? certs : false;
if (skip && process.env.CI === 'true') throw new Error(skip);
let tb: TestBroker;

async function run(args: string[], env: NodeJS.ProcessEnv = {}, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await topicCommand([...args, '-b', tb.broker.address], { stdout, stderr, stdin: Readable.from([stdin]), env });
  return { code, stdout: out, stderr: err };
}

const flags = (user: string, password: string) => ['--security-protocol', 'SASL_SSL', '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', user, '--sasl-password', password, '--ca-file', (certs as TestCerts).ca];

before(async () => {
  if (skip) return;
  const c = certs as TestCerts;
  tb = await startConfiguredBroker(saslSslConfig(c, writeUsers(c.dir, { admin: 'admin-secret', bob: 'bob-secret' })));
  const admin = new Kafka({
    clientId: 'topic-sec-setup',
    brokers: [tb.broker.address],
    ssl: { ca: [fs.readFileSync(c.ca)] },
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'admin-secret' },
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'readonly', numPartitions: 1 }] });
  await admin.createAcls({
    acl: [
      { resourceType: AclResourceTypes.TOPIC, resourceName: 'readonly', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:bob', host: '*', operation: AclOperationTypes.READ, permissionType: AclPermissionTypes.ALLOW },
      { resourceType: AclResourceTypes.TOPIC, resourceName: 'readonly', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:bob', host: '*', operation: AclOperationTypes.DESCRIBE, permissionType: AclPermissionTypes.ALLOW },
    ],
  });
  await admin.disconnect();
});
after(async () => {
  await tb?.close();
  if (!skip) fs.rmSync((certs as TestCerts).dir, { recursive: true, force: true });
});

test('flags: create, produce, consume and list over SASL_SSL SCRAM-SHA-512', { skip, timeout: 60_000 }, async () => {
  const created = await run(['create', 'secure-orders', '--partitions', '2', ...flags('admin', 'admin-secret')]);
  assert.equal(created.code, 0, created.stderr);
  const produced = await run(['produce', 'secure-orders', '--key-separator', ':', ...flags('admin', 'admin-secret')], {}, 'a:1\nb:2\n');
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await run(['consume', 'secure-orders', '--from-beginning', '--exit', '--format', '%k=%v', ...flags('admin', 'admin-secret')]);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepEqual(consumed.stdout.trim().split('\n').sort(), ['a=1', 'b=2']);
  const listed = await run(['list', ...flags('admin', 'admin-secret')]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /secure-orders/);
});

test('--command-config reads Kafka client properties; EDDY_KAFKA_PASSWORD supplies the password', { skip, timeout: 60_000 }, async () => {
  const c = certs as TestCerts;
  const props = path.join(c.dir, 'client.properties');
  fs.writeFileSync(
    props,
    [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-secret";',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${c.ca}`,
    ].join('\n'),
  );
  const listed = await run(['list', '--command-config', props]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /readonly/);

  const viaEnv = await run(['list', '--security-protocol', 'SASL_SSL', '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'admin', '--ca-file', c.ca], { EDDY_KAFKA_PASSWORD: 'admin-secret' });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);

  const jks = path.join(c.dir, 'jks.properties');
  fs.writeFileSync(jks, `security.protocol=SSL\nssl.truststore.location=${c.dir}/truststore.jks\nssl.truststore.type=JKS\n`);
  const refused = await run(['list', '--command-config', jks]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /PEM trust stores only.*--ca-file/);
});

test('a wrong password, an untrusted CA and a missing mechanism are refused with what to fix', { skip, timeout: 60_000 }, async () => {
  const wrong = await run(['list', ...flags('admin', 'not-the-password')]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /refused the login.*--sasl-password/);

  const untrusted = await run(['list', '--security-protocol', 'SASL_SSL', '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'admin', '--sasl-password', 'admin-secret']);
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /TLS .*failed.*--ca-file/);

  const noMechanism = await run(['list', '--security-protocol', 'SASL_SSL', '--sasl-username', 'admin', '--sasl-password', 'admin-secret']);
  assert.equal(noMechanism.code, 1);
  assert.match(noMechanism.stderr, /needs --sasl-mechanism \(PLAIN, SCRAM-SHA-256, SCRAM-SHA-512\)/);
});

test('a principal with READ only consumes but may not produce', { skip, timeout: 60_000 }, async () => {
  const produced = await run(['produce', 'readonly', ...flags('bob', 'bob-secret')], {}, 'x\n');
  assert.equal(produced.code, 1);
  assert.match(produced.stderr, /Not authorized.*no ACL.*WRITE on the topic/);
  const consumed = await run(['consume', 'readonly', '--from-beginning', '--exit', ...flags('bob', 'bob-secret')]);
  assert.equal(consumed.code, 0, consumed.stderr);
});
