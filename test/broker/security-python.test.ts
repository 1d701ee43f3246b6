// Python's confluent-kafka (PyPI, in the venv scripts/python-venv makes) over SASL_SSL with
// SCRAM-SHA-512: a principal with WRITE produces and one with READ consumes in a group; a
// wrong password is refused; a principal without WRITE gets TOPIC_AUTHORIZATION_FAILED.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TestBroker } from './helpers.js';
import { makeCerts, saslSslConfig, startConfiguredBroker, writeUsers, type TestCerts } from './security-helpers.js';
import { Operation, PatternType, Permission, ResourceType } from '../../src/broker/security/acls.js';

const VENV = process.env.EDDY_PY_VENV ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eddy', 'python-venv');
const PY = join(VENV, 'bin', 'python');
const SCRIPT = join(import.meta.dirname, 'python', 'sasl_client.py');
const certs = makeCerts();
const why = !existsSync(PY) ? `no Python venv with confluent-kafka at ${VENV}: run scripts/python-venv to create it` : typeof certs === 'string' ? certs : undefined;
if (why && process.env.CI === 'true') throw new Error(why);
const skip = why ?? false;

let tb: TestBroker;

function python(user: string, password: string, mode: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(PY, [SCRIPT, tb.broker.address, (certs as TestCerts).ca, user, password, mode], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`python ${mode} failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
    });
  });
}

before(async () => {
  if (skip) return;
  const c = certs as TestCerts;
  tb = await startConfiguredBroker(saslSslConfig(c, writeUsers(c.dir, { writer: 'w-pw', reader: 'r-pw' })));
  tb.log.createTopicSync('ledger', { partitions: 1 });
  const acl = (resourceType: number, resourceName: string, principal: string, operation: number) => ({
    resourceType, resourceName, patternType: PatternType.LITERAL, principal, host: '*', operation, permissionType: Permission.ALLOW,
  });
  tb.broker.acls!.add([
    acl(ResourceType.TOPIC, 'ledger', 'User:writer', Operation.WRITE),
    acl(ResourceType.TOPIC, 'ledger', 'User:reader', Operation.READ),
    acl(ResourceType.GROUP, 'py-ledger', 'User:reader', Operation.READ),
  ]);
});
after(async () => {
  await tb?.close();
});

test('confluent-kafka produces and group-consumes over SASL_SSL SCRAM-SHA-512', { skip }, async () => {
  assert.deepEqual(await python('writer', 'w-pw', 'produce'), { delivered: 3, errors: [] });
  assert.deepEqual(await python('reader', 'r-pw', 'consume'), { values: ['v0', 'v1', 'v2'] });
  assert.equal(tb.log.store.committed('py-ledger', 'ledger', 0)?.offset, 3);
});

test('confluent-kafka with a wrong password is refused', { skip }, async () => {
  const r = await python('writer', 'bad-pw', 'metadata');
  assert.ok(r.error, 'no metadata without authentication');
  assert.match(String(r.errors), /SASL authentication error: Authentication failed/i, String(r.errors));
});

test('confluent-kafka without WRITE gets TOPIC_AUTHORIZATION_FAILED', { skip }, async () => {
  const r = await python('reader', 'r-pw', 'produce');
  assert.equal(r.delivered, 0);
  assert.deepEqual(r.errors, ['TOPIC_AUTHORIZATION_FAILED', 'TOPIC_AUTHORIZATION_FAILED', 'TOPIC_AUTHORIZATION_FAILED']);
  assert.equal(tb.log.partitionLog('ledger', 0)!.endOffset, 3);
});
