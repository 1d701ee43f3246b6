// HTTP basic authentication for the REST API, as ksqlDB's `authentication.method=BASIC`:
// every endpoint answers 401 without valid credentials; the role `read-only` may run pull
// and push queries, PRINT and SHOW/LIST/DESCRIBE/EXPLAIN and gets 403 on anything else.
//
// Credentials file (`authentication.credentials.file`), one user a line:
//   alice: scrypt$<salt base64>$<hash base64>, admin
//   bob: scrypt$<salt base64>$<hash base64>, read-only
// hashPassword() below makes the middle part.
//
// API keys (`authentication.api.keys.file`), sent as `Authorization: Bearer <key>` or as
// basic auth with the key id as user name and the key as password, one key a line:
//   ci-reader: sha256$<hash base64>, read-only
// newApiKey() makes a key; hashApiKey() the middle part. Keys are long random strings, so a
// plain SHA-256 is enough to keep the file from giving them away.

import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { leadingKeyword, splitStatementTexts } from './statement-text.js';

export type Role = 'admin' | 'read-only';

interface Credential {
  salt: Buffer;
  hash: Buffer;
  role: Role;
}

const KEY_LENGTH = 32;
const READ_ONLY_KEYWORDS = new Set(['SELECT', 'SHOW', 'LIST', 'DESCRIBE', 'EXPLAIN', 'PRINT']);

/** "scrypt$salt$hash" for a credentials file line. */
export function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, KEY_LENGTH).toString('base64')}`;
}

export function parseCredentials(text: string, file: string): Map<string, Credential> {
  const users = new Map<string, Credential>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([^:\s]+)\s*:\s*scrypt\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)\s*,\s*(admin|read-only)\s*$/.exec(line);
    if (!m) {
      throw new Error(`${file}:${i + 1}: expected 'user: scrypt$<salt>$<hash>, admin|read-only' (hash with hashPassword), got '${line}'`);
    }
    users.set(m[1], { salt: Buffer.from(m[2], 'base64'), hash: Buffer.from(m[3], 'base64'), role: m[4] as Role });
  });
  return users;
}

/** A new random API key. */
export function newApiKey(): string {
  return `eddy_${randomBytes(30).toString('base64url')}`;
}

/** "sha256$hash" of an API key, for an API keys file line. */
export function hashApiKey(key: string): string {
  return `sha256$${createHash('sha256').update(key, 'utf8').digest('base64')}`;
}

interface ApiKey {
  id: string;
  hash: Buffer;
  role: Role;
}

export function parseApiKeys(text: string, file: string): ApiKey[] {
  const keys: ApiKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([^:\s]+)\s*:\s*sha256\$([A-Za-z0-9+/=]+)\s*,\s*(admin|read-only)\s*$/.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: expected 'key-id: sha256$<hash>, admin|read-only' (hash with hashApiKey), got '${line}'`);
    keys.push({ id: m[1], hash: Buffer.from(m[2], 'base64'), role: m[3] as Role });
  });
  return keys;
}

function apiKeyRole(keys: ApiKey[], key: string, id?: string): Role | undefined {
  const hash = createHash('sha256').update(key, 'utf8').digest();
  const found = keys.find((k) => (id === undefined || k.id === id) && k.hash.length === hash.length && timingSafeEqual(k.hash, hash));
  return found?.role;
}

/** The statements of a /ksql body a read-only user may run. */
function readOnlyAllowed(sql: string): boolean {
  const { statements, rest } = splitStatementTexts(sql);
  const all = rest.trim() === '' ? statements : [...statements, rest];
  return all.length > 0 && all.every((s) => READ_ONLY_KEYWORDS.has(leadingKeyword(s) ?? ''));
}

function deny(reply: FastifyReply, status: 401 | 403, message: string, realm: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', `Basic realm="${realm}"`);
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ '@type': 'generic_error', error_code: status * 100, message }));
}

/** Installs basic auth when config has authentication.method=BASIC; returns whether it did. */
export function registerBasicAuth(app: FastifyInstance, config: Record<string, unknown>): boolean {
  const method = String(config['authentication.method'] ?? 'NONE').toUpperCase();
  if (method === 'NONE') return false;
  if (method !== 'BASIC') throw new Error(`authentication.method must be NONE or BASIC, got '${method}'`);
  const file = config['authentication.credentials.file'];
  const keysFile = config['authentication.api.keys.file'];
  if (!file && !keysFile) {
    throw new Error('authentication.method=BASIC needs authentication.credentials.file (lines of user: scrypt$salt$hash, role) or authentication.api.keys.file (lines of key-id: sha256$hash, role)');
  }
  const users = file ? parseCredentials(readFileSync(String(file), 'utf8'), String(file)) : new Map<string, Credential>();
  const keys = keysFile ? parseApiKeys(readFileSync(String(keysFile), 'utf8'), String(keysFile)) : [];
  const realm = String(config['authentication.realm'] ?? 'Eddy');

  const roleOf = (request: FastifyRequest): Role | undefined => {
    const header = request.headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (bearer) return apiKeyRole(keys, bearer[1]);
    const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = users.get(decoded.slice(0, colon));
    if (!user) return apiKeyRole(keys, decoded.slice(colon + 1), decoded.slice(0, colon));
    const hash = scryptSync(decoded.slice(colon + 1), user.salt, user.hash.length);
    return timingSafeEqual(hash, user.hash) ? user.role : undefined;
  };

  const roles = new WeakMap<FastifyRequest, Role>();
  // Authentication before the body is read; the read-only check once it is.
  app.addHook('onRequest', async (request, reply) => {
    const role = roleOf(request);
    if (!role) return deny(reply, 401, 'Unauthorized: give a user name and password (HTTP basic authentication) or an API key (Authorization: Bearer <key>)', realm);
    roles.set(request, role);
  });
  app.addHook('preHandler', async (request, reply) => {
    if (roles.get(request) !== 'read-only') return;
    const path = request.url.split('?')[0];
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (path === '/ksql' && typeof body.ksql === 'string' && !readOnlyAllowed(body.ksql)) {
      return deny(reply, 403, 'Forbidden: a read-only user may only run SELECT, PRINT, SHOW, LIST, DESCRIBE and EXPLAIN', realm);
    }
    if (path === '/inserts-stream' || path.startsWith('/ksql/terminate')) {
      return deny(reply, 403, `Forbidden: a read-only user may not use ${path}`, realm);
    }
  });
  return true;
}
