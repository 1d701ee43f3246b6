// `eddy server` configured with eddy.broker.* properties serves its embedded broker as
// SASL_SSL with ACLs: it says so at start, kcat authenticates with SCRAM-SHA-512 and writes a
// topic that Eddy's SQL then reads, and a principal with no ACL is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { missingTool, runKcat } from './helpers.js';
import { makeCerts, saslSslConfig, writeUsers, type TestCerts } from './security-helpers.js';
import { startEddy } from '../registry/eddy-process.js';

const certs = makeCerts();
const skip = missingTool('kcat', ['-V'], 'apt-get install kcat') ?? (typeof certs === 'string' ? certs : false);
if (skip && process.env.CI === 'true') throw new Error(skip);

test('eddy server with SASL_SSL and ACLs: kcat writes as a super user, Eddy reads, others are refused', { skip, timeout: 180_000 }, async () => {
  const c = certs as TestCerts;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-sec-server-'));
  const props = Object.fromEntries(Object.entries(saslSslConfig(c, writeUsers(c.dir, { ops: 'ops-pw', guest: 'guest-pw' }), { 'eddy.broker.super.users': 'User:ops' })).map(([k, v]) => [k, String(v)]));
  const eddy = await startEddy(path.join(root, 'data'), props);
  try {
    assert.match(eddy.stdout(), /Embedded Kafka broker security\.protocol=SASL_SSL: SASL authentication required, ACLs checked/);
    const sasl = (user: string, pw: string) => ['-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', `sasl.username=${user}`, '-X', `sasl.password=${pw}`, '-X', `ssl.ca.location=${c.ca}`];
    const produced = await runKcat(eddy.broker!, [...sasl('ops', 'ops-pw'), '-P', '-t', 'visits'], '{"page":"a"}\n{"page":"b"}\n');
    assert.equal(produced.code, 0, produced.stderr);
    await eddy.ksql("CREATE STREAM visits (page VARCHAR) WITH (kafka_topic='visits', value_format='JSON');");
    const rows = await eddy.rows('SELECT page FROM visits EMIT CHANGES LIMIT 2;');
    assert.deepEqual(rows, [['a'], ['b']]);
    const guest = await runKcat(eddy.broker!, [...sasl('guest', 'guest-pw'), '-P', '-t', 'visits'], 'x\n');
    assert.match(guest.stderr, /Topic authorization failed/i, guest.stderr);
  } finally {
    await eddy.kill();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
