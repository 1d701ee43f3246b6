// kafka-clients 4.x (Java) against the embedded broker as SASL_SSL with SCRAM-SHA-512 and
// ACLs, driven by test/broker/java/Security.java: AdminClient CreateAcls/DescribeAcls,
// a producer with WRITE, a producer without it, and a wrong password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { JAVA_DIR, classpath, run } from './java-harness.js';
import { makeCerts, saslSslConfig, startConfiguredBroker, writeUsers } from './security-helpers.js';

test('kafka-clients 4.x over SASL_SSL SCRAM-SHA-512: ACL admin, authorized and refused producers, wrong password', { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-java-sec-'));
  try {
    const certs = makeCerts();
    const { cp, why } = typeof certs === 'string' ? { why: certs, cp: undefined } : classpath(dir);
    if (!cp || typeof certs === 'string') {
      if (process.env.CI === 'true') assert.fail(why);
      return t.skip(why);
    }
    const javac = spawnSync('javac', ['-d', dir, '-cp', cp, path.join(JAVA_DIR, 'Security.java')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(javac.status, 0, javac.stderr);
    const tb = await startConfiguredBroker(saslSslConfig(certs, writeUsers(certs.dir, { admin: 'admin-pw', alice: 'alice-pw', bob: 'bob-pw' })));
    try {
      const r = await run('java', ['-cp', `${dir}${path.delimiter}${cp}`, 'Security', tb.broker.address, certs.ca], 240_000);
      assert.equal(r.code, 0, `java exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const steps = new Map(r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
        const o = JSON.parse(l) as Record<string, unknown>;
        return [String(o.step), o] as const;
      }));
      assert.equal(steps.get('acls')?.count, 2);
      assert.equal(steps.get('aliceProduce')?.offset, 0);
      assert.equal(steps.get('bobProduce')?.error, 'TopicAuthorizationException');
      assert.equal(steps.get('wrongPassword')?.error, 'SaslAuthenticationException');
    } finally {
      await tb.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
