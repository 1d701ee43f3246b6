// The embedded broker's security settings, read from Eddy's server properties:
//   eddy.broker.security.protocol        PLAINTEXT (default) | SSL | SASL_PLAINTEXT | SASL_SSL
//   eddy.broker.ssl.certificate.location PEM certificate chain (SSL, SASL_SSL)
//   eddy.broker.ssl.key.location         PEM private key
//   eddy.broker.ssl.key.password         the key's passphrase, if any
//   eddy.broker.sasl.enabled.mechanisms  comma list of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (default all)
//   eddy.broker.sasl.credentials.file    users with SCRAM credentials (see credentials.ts)
//   eddy.broker.authorizer.enabled       true: ACLs are checked (default false)
//   eddy.broker.super.users              User:a;User:b, allowed everything
//   eddy.broker.allow.everyone.if.no.acl.found  true: a resource with no ACL is open (default false)

import fs from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { AuthorizerConfig } from './acls.js';
import { parseSaslUsers } from './credentials.js';
import { SASL_MECHANISMS, type SaslConfig } from './sasl.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
const PROTOCOLS: SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export interface BrokerSecurity {
  /** Key and certificate for a TLS listener (SSL, SASL_SSL). */
  tls?: SecureContextOptions;
  /** SASL on the listener (SASL_PLAINTEXT, SASL_SSL). */
  sasl?: SaslConfig;
  /** ACL checks on every request. */
  authorizer?: AuthorizerConfig;
}

export function securityProtocolOf(s: BrokerSecurity | undefined): SecurityProtocol {
  if (s?.tls) return s.sasl ? 'SASL_SSL' : 'SSL';
  return s?.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
}

function readFile(config: Record<string, unknown>, key: string, why: string): string {
  const file = config[key];
  if (!file) throw new Error(`${why} needs ${key}`);
  try {
    return fs.readFileSync(String(file), 'utf8');
  } catch (e) {
    throw new Error(`${key}: cannot read '${String(file)}': ${(e as Error).message}`);
  }
}

function flag(config: Record<string, unknown>, key: string): boolean {
  const v = String(config[key] ?? 'false').trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw new Error(`${key} must be true or false, got '${String(config[key])}'`);
  return v === 'true';
}

export function brokerSecurityFromConfig(config: Record<string, unknown>): BrokerSecurity {
  const protocol = String(config['eddy.broker.security.protocol'] ?? 'PLAINTEXT').trim().toUpperCase() as SecurityProtocol;
  if (!PROTOCOLS.includes(protocol)) throw new Error(`eddy.broker.security.protocol must be one of ${PROTOCOLS.join(', ')}, got '${protocol}'`);
  const security: BrokerSecurity = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const why = `eddy.broker.security.protocol=${protocol}`;
    const passphrase = config['eddy.broker.ssl.key.password'];
    security.tls = {
      cert: readFile(config, 'eddy.broker.ssl.certificate.location', why),
      key: readFile(config, 'eddy.broker.ssl.key.location', why),
      ...(passphrase ? { passphrase: String(passphrase) } : {}),
    };
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const listed = String(config['eddy.broker.sasl.enabled.mechanisms'] ?? SASL_MECHANISMS.join(','));
    const mechanisms = listed.split(',').map((m) => m.trim().toUpperCase()).filter((m) => m !== '');
    for (const m of mechanisms) {
      if (!(SASL_MECHANISMS as readonly string[]).includes(m)) throw new Error(`eddy.broker.sasl.enabled.mechanisms: '${m}' is not one of ${SASL_MECHANISMS.join(', ')}`);
    }
    if (mechanisms.length === 0) throw new Error('eddy.broker.sasl.enabled.mechanisms is empty');
    const key = 'eddy.broker.sasl.credentials.file';
    security.sasl = { mechanisms, users: parseSaslUsers(readFile(config, key, `eddy.broker.security.protocol=${protocol}`), String(config[key])) };
  }
  if (flag(config, 'eddy.broker.authorizer.enabled')) {
    const superUsers = String(config['eddy.broker.super.users'] ?? '').split(';').map((u) => u.trim()).filter((u) => u !== '');
    for (const u of superUsers) if (!/^User:.+$/.test(u)) throw new Error(`eddy.broker.super.users: '${u}' is not of the form User:<name>`);
    security.authorizer = { superUsers, allowEveryoneIfNoAclFound: flag(config, 'eddy.broker.allow.everyone.if.no.acl.found') };
  }
  return security;
}
