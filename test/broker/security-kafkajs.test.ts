// The embedded broker secured as SASL_SSL with SCRAM-SHA-512 and ACLs, driven by kafkajs:
// authentication, refusal of a wrong password, authorization per principal, ACL admin
// APIs and their durability across a restart.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import kafkajs, { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import { startBroker } from '../../src/broker/index.js';
import { brokerSecurityFromConfig } from '../../src/broker/security/config.js';
import type { TestBroker } from './helpers.js';
import { makeCerts, saslSslConfig, startConfiguredBroker, writeUsers, type TestCerts } from './security-helpers.js';

// kafkajs is CommonJS: its enums come off the default export
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclResourceTypes = (typeof AclResourceTypes)[keyof typeof AclResourceTypes];
type AclOperationTypes = (typeof AclOperationTypes)[keyof typeof AclOperationTypes];

const certs = makeCerts();
const skip = typeof certs === 'string' ? certs : false;
if (skip && process.env.CI === 'true') throw new Error(skip);

let tb: TestBroker;
let config: Record<string, unknown>;

function client(username: string, password: string, mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain' = 'scram-sha-512'): Kafka {
  const c = certs as TestCerts;
  return new Kafka({
    clientId: `sec-${username}`,
    brokers: [tb.broker.address],
    ssl: { ca: [fs.readFileSync(c.ca)] },
    sasl: { mechanism, username, password } as SASLOptions,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

const allow = (resourceType: AclResourceTypes, resourceName: string, principal: string, operation: AclOperationTypes, patternType: number = ResourcePatternTypes.LITERAL) => ({
  resourceType,
  resourceName,
  resourcePatternType: patternType,
  principal,
  host: '*',
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

before(async () => {
  if (skip) return;
  const c = certs as TestCerts;
  config = saslSslConfig(c, writeUsers(c.dir, { admin: 'admin-secret', alice: 'alice-secret', bob: 'bob-secret' }));
  tb = await startConfiguredBroker(config);
  assert.equal(tb.broker.securityProtocol, 'SASL_SSL');
  const admin = client('admin', 'admin-secret').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
  await admin.createAcls({
    acl: [
      allow(AclResourceTypes.TOPIC, 'orders', 'User:alice', AclOperationTypes.ALL),
      allow(AclResourceTypes.GROUP, 'alice-', 'User:alice', AclOperationTypes.READ, ResourcePatternTypes.PREFIXED),
      allow(AclResourceTypes.TOPIC, 'orders', 'User:bob', AclOperationTypes.READ),
      allow(AclResourceTypes.GROUP, '*', 'User:bob', AclOperationTypes.READ),
    ],
  });
  await admin.disconnect();
});
after(async () => {
  await tb?.close();
});

test('a principal with ALL on a topic produces and consumes over SASL_SSL SCRAM-SHA-512', { skip }, async () => {
  const alice = client('alice', 'alice-secret');
  const producer = alice.producer();
  await producer.connect();
  await producer.send({ topic: 'orders', messages: [{ key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }] });
  await producer.disconnect();
  const consumer = alice.consumer({ groupId: 'alice-readers', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders', fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only saw ${seen.join(',')}`)), 20_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(String(message.value));
        if (seen.length === 2) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  assert.deepEqual(seen.sort(), ['v1', 'v2']);
});

test('SCRAM-SHA-256 and PLAIN authenticate the same user', { skip }, async () => {
  for (const mechanism of ['scram-sha-256', 'plain'] as const) {
    const admin = client('alice', 'alice-secret', mechanism).admin();
    await admin.connect();
    assert.ok((await admin.listTopics()).includes('orders'), mechanism);
    await admin.disconnect();
  }
});

test('a wrong password is refused with SASL_AUTHENTICATION_FAILED', { skip }, async () => {
  for (const mechanism of ['scram-sha-512', 'plain'] as const) {
    const admin = client('alice', 'not-her-password', mechanism).admin();
    await assert.rejects(admin.connect(), (e: Error) => {
      assert.match(e.message, /SASL|uthentication/, e.message);
      return true;
    });
  }
  const stranger = client('mallory', 'x').admin();
  await assert.rejects(stranger.connect());
});

test('a principal without WRITE gets TOPIC_AUTHORIZATION_FAILED, and sees only topics it may describe', { skip }, async () => {
  const bob = client('bob', 'bob-secret');
  const producer = bob.producer();
  await producer.connect();
  await assert.rejects(producer.send({ topic: 'orders', messages: [{ value: 'nope' }] }), (e: Error & { type?: string }) => {
    assert.equal(e.type, 'TOPIC_AUTHORIZATION_FAILED', e.message);
    return true;
  });
  await producer.disconnect();
  const admin = client('admin', 'admin-secret').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'secret-topic' }] });
  await admin.disconnect();
  const bobAdmin = bob.admin();
  await bobAdmin.connect();
  const topics = await bobAdmin.listTopics();
  assert.ok(topics.includes('orders') && !topics.includes('secret-topic'), topics.join(','));
  await assert.rejects(bobAdmin.createTopics({ topics: [{ topic: 'bobs' }] }), (e: Error & { errors?: { type: string }[] }) => {
    assert.equal(e.errors?.[0]?.type, 'TOPIC_AUTHORIZATION_FAILED', e.message);
    return true;
  });
  await bobAdmin.disconnect();
});

test('DescribeAcls lists, DeleteAcls removes, and the ACLs survive a restart', { skip }, async () => {
  const admin = client('admin', 'admin-secret').admin();
  await admin.connect();
  const described = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const flat = described.resources.flatMap((r) => r.acls.map((a) => `${r.resourceType}:${r.resourceName}:${r.resourcePatternType}:${a.principal}:${a.operation}`));
  assert.deepEqual(flat.sort(), ['2:orders:3:User:alice:2', '2:orders:3:User:bob:3', '3:*:3:User:bob:3', '3:alice-:4:User:alice:3'].sort());
  const alice = client('alice', 'alice-secret').admin();
  await alice.connect();
  await assert.rejects(alice.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }), /authoriz/i);
  await alice.disconnect();
  const deleted = await admin.deleteAcls({
    filters: [{ resourceType: AclResourceTypes.GROUP, resourceName: '*', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:bob', host: '*', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }],
  });
  assert.equal(deleted.filterResponses[0].matchingAcls.length, 1);
  await admin.disconnect();

  // the same data dir under a new broker keeps the three remaining ACLs
  const dir = tb.dir;
  await tb.broker.close();
  await tb.log.close();
  const log = await EmbeddedLog.open(dir);
  const broker = await startBroker({ log, port: 0, security: brokerSecurityFromConfig(config) });
  tb = { log, broker, dir, close: async () => { await broker.close(); await log.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  const again = client('admin', 'admin-secret').admin();
  await again.connect();
  const after = await again.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
  assert.equal(after.resources.flatMap((r) => r.acls).length, 3);
  await again.disconnect();
});

test('a client that skips SASL is disconnected before any other request is served', { skip }, async () => {
  const [host, port] = [tb.broker.host, tb.broker.port];
  const c = certs as TestCerts;
  const tls = await import('node:tls');
  const socket = tls.connect({ host, port, ca: fs.readFileSync(c.ca), servername: 'localhost' });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  // Metadata v1, correlation 7, client id "x", all topics
  const body = Buffer.from([0, 3, 0, 1, 0, 0, 0, 7, 0, 1, 0x78, 0xff, 0xff, 0xff, 0xff]);
  const frame = Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
  socket.write(frame);
  const got = await new Promise<number>((resolve) => {
    let n = 0;
    socket.on('data', (d) => (n += d.length));
    socket.on('close', () => resolve(n));
  });
  assert.equal(got, 0);
  assert.ok(net.isIP(host) || host === 'localhost');
});
