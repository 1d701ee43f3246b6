// kcat (librdkafka) against the embedded broker secured as SASL_SSL (SCRAM-SHA-512),
// SASL_PLAINTEXT (PLAIN) and SSL: it produces and consumes with the right password, is
// refused with a wrong one, and a principal without WRITE gets "Topic authorization failed".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { missingTool, runKcat, type TestBroker } from './helpers.js';
import { makeCerts, saslSslConfig, startConfiguredBroker, writeUsers, type TestCerts } from './security-helpers.js';
import { Operation, PatternType, Permission, ResourceType } from '../../src/broker/security/acls.js';

const certs = makeCerts();
const skip = missingTool('kcat', ['-V'], 'apt-get install kcat') ?? (typeof certs === 'string' ? certs : false);
if (skip && process.env.CI === 'true') throw new Error(skip);

let tb: TestBroker;
let users: string;

function saslArgs(user: string, password: string, mechanism = 'SCRAM-SHA-512', protocol = 'SASL_SSL'): string[] {
  const args = ['-X', `security.protocol=${protocol}`, '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`];
  if (protocol.endsWith('SSL')) args.push('-X', `ssl.ca.location=${(certs as TestCerts).ca}`);
  return args;
}

function grant(b: TestBroker, topic: string, principal: string, operation: number): void {
  b.broker.acls!.add([{ resourceType: ResourceType.TOPIC, resourceName: topic, patternType: PatternType.LITERAL, principal, host: '*', operation, permissionType: Permission.ALLOW }]);
}

before(async () => {
  if (skip) return;
  const c = certs as TestCerts;
  users = writeUsers(c.dir, { alice: 'alice-pw', bob: 'bob-pw' });
  tb = await startConfiguredBroker(saslSslConfig(c, users));
  tb.log.createTopicSync('payments', { partitions: 1 });
  grant(tb, 'payments', 'User:alice', Operation.WRITE);
  grant(tb, 'payments', 'User:alice', Operation.READ);
  grant(tb, 'payments', 'User:bob', Operation.READ);
});
after(async () => {
  await tb?.close();
});

test('kcat produces and consumes over SASL_SSL with SCRAM-SHA-512', { skip }, async () => {
  const bootstrap = tb.broker.address;
  const produced = await runKcat(bootstrap, [...saslArgs('alice', 'alice-pw'), '-P', '-t', 'payments', '-K', ':'], 'a:1\nb:2\nc:3\n');
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runKcat(bootstrap, [...saslArgs('bob', 'bob-pw'), '-C', '-t', 'payments', '-o', 'beginning', '-e', '-f', '%k=%s\\n']);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepEqual(consumed.stdout.trim().split('\n'), ['a=1', 'b=2', 'c=3']);
  const listed = await runKcat(bootstrap, [...saslArgs('bob', 'bob-pw', 'SCRAM-SHA-256'), '-L']);
  assert.match(listed.stdout, /topic "payments" with 1 partitions/);
});

test('kcat with a wrong password is refused', { skip }, async () => {
  const r = await runKcat(tb.broker.address, [...saslArgs('alice', 'wrong'), '-L', '-m', '5']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /SASL authentication error|Authentication failed/i, r.stderr);
});

test('kcat as a principal without WRITE gets Topic authorization failed', { skip }, async () => {
  const r = await runKcat(tb.broker.address, [...saslArgs('bob', 'bob-pw'), '-P', '-t', 'payments'], 'nope\n');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Topic authorization failed/i, r.stderr);
  assert.equal(tb.log.partitionLog('payments', 0)!.endOffset, 3);
});

test('kcat over SASL_PLAINTEXT with PLAIN, and over SSL alone', { skip }, async () => {
  const c = certs as TestCerts;
  const plain = await startConfiguredBroker({ 'eddy.broker.security.protocol': 'SASL_PLAINTEXT', 'eddy.broker.sasl.enabled.mechanisms': 'PLAIN', 'eddy.broker.sasl.credentials.file': users });
  try {
    const ok = await runKcat(plain.broker.address, [...saslArgs('alice', 'alice-pw', 'PLAIN', 'SASL_PLAINTEXT'), '-P', '-t', 'open'], 'x\n');
    assert.equal(ok.code, 0, ok.stderr);
    const scram = await runKcat(plain.broker.address, [...saslArgs('alice', 'alice-pw', 'SCRAM-SHA-512', 'SASL_PLAINTEXT'), '-L', '-m', '5']);
    assert.notEqual(scram.code, 0, 'SCRAM is not enabled on this listener');
  } finally {
    await plain.close();
  }
  const ssl = await startConfiguredBroker({ 'eddy.broker.security.protocol': 'SSL', 'eddy.broker.ssl.certificate.location': c.cert, 'eddy.broker.ssl.key.location': c.key });
  try {
    const ok = await runKcat(ssl.broker.address, ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${c.ca}`, '-P', '-t', 'tls'], 'y\n');
    assert.equal(ok.code, 0, ok.stderr);
    const back = await runKcat(ssl.broker.address, ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${c.ca}`, '-C', '-t', 'tls', '-o', 'beginning', '-e']);
    assert.equal(back.stdout.trim(), 'y');
    const cleartext = await runKcat(ssl.broker.address, ['-L', '-m', '5']);
    assert.notEqual(cleartext.code, 0, 'a plaintext client cannot talk to a TLS listener');
  } finally {
    await ssl.close();
  }
});
