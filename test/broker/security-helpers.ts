// Certificates, SASL users and a broker started from Eddy's eddy.broker.* properties, for
// the security tests (TLS, SASL PLAIN/SCRAM, ACLs).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { credentialLine } from '../../src/broker/security/credentials.js';
import { brokerSecurityFromConfig } from '../../src/broker/security/config.js';
import { startTestBroker, type TestBroker } from './helpers.js';

const SCRIPT = path.join(import.meta.dirname, '..', '..', 'scripts', 'gen-test-certs');

export interface TestCerts {
  dir: string;
  ca: string;
  cert: string;
  key: string;
}

/** A CA and a server certificate for localhost/127.0.0.1 (scripts/gen-test-certs), or why not. */
export function makeCerts(): TestCerts | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-certs-'));
  const r = spawnSync(SCRIPT, [dir], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `openssl could not make test certificates (${r.error?.message ?? r.stderr}); install it with: apt-get install openssl`;
  return { dir, ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

/** Writes a SASL credentials file for the users given (name → password). */
export function writeUsers(dir: string, users: Record<string, string>): string {
  const file = path.join(dir, 'broker-users');
  fs.writeFileSync(file, Object.entries(users).map(([u, p]) => credentialLine(u, p)).join('\n') + '\n');
  return file;
}

/** An embedded broker configured as `eddy server` would be with these properties. */
export function startConfiguredBroker(config: Record<string, unknown>): Promise<TestBroker> {
  return startTestBroker({ security: brokerSecurityFromConfig(config) });
}

/** The properties of a SASL_SSL broker with an authorizer whose super user is `admin`. */
export function saslSslConfig(certs: TestCerts, usersFile: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'eddy.broker.security.protocol': 'SASL_SSL',
    'eddy.broker.ssl.certificate.location': certs.cert,
    'eddy.broker.ssl.key.location': certs.key,
    'eddy.broker.sasl.credentials.file': usersFile,
    'eddy.broker.authorizer.enabled': 'true',
    'eddy.broker.super.users': 'User:admin',
    ...extra,
  };
}
