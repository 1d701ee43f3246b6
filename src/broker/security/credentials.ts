// The broker's SASL users file (`eddy.broker.sasl.credentials.file`), one user a line, with
// salted SCRAM credentials in the form Kafka's kafka-configs shows them:
//   alice: SCRAM-SHA-256=[salt=<b64>,stored_key=<b64>,server_key=<b64>,iterations=4096] SCRAM-SHA-512=[…]
// credentialLine() makes one (scripts/broker-credential.ts prints it). SASL PLAIN checks a
// password against whichever SCRAM credential the user has.

import { MIN_ITERATIONS, SCRAM_MECHANISMS, passwordMatches, scramCredential, type ScramCredential, type ScramMechanism } from './scram.js';

export type SaslUsers = Map<string, Partial<Record<ScramMechanism, ScramCredential>>>;

export function credentialLine(user: string, password: string, iterations = MIN_ITERATIONS): string {
  if (!/^[^:\s]+$/.test(user)) throw new Error(`a SASL user name cannot hold ':' or spaces: '${user}'`);
  const parts = SCRAM_MECHANISMS.map((mech) => {
    const c = scramCredential(mech, password, iterations);
    return `${mech}=[salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}]`;
  });
  return `${user}: ${parts.join(' ')}`;
}

export function parseSaslUsers(text: string, file: string): SaslUsers {
  const users: SaslUsers = new Map();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const m = /^([^:\s]+)\s*:\s*(.+)$/.exec(line);
    if (!m) throw new Error(`${where}: expected 'user: SCRAM-SHA-512=[salt=…,stored_key=…,server_key=…,iterations=N]' (make one with scripts/broker-credential.ts)`);
    const entry: Partial<Record<ScramMechanism, ScramCredential>> = {};
    const rest = m[2].replace(/(SCRAM-SHA-(?:256|512))=\[([^\]]*)\]/g, (_all, mech: ScramMechanism, body: string) => {
      const fields = new Map(body.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()] as const));
      const iterations = Number(fields.get('iterations'));
      const salt = fields.get('salt');
      const storedKey = fields.get('stored_key');
      const serverKey = fields.get('server_key');
      if (!salt || !storedKey || !serverKey || !Number.isInteger(iterations) || iterations < MIN_ITERATIONS) {
        throw new Error(`${where}: ${mech} needs salt, stored_key, server_key and iterations (at least ${MIN_ITERATIONS})`);
      }
      entry[mech] = { salt: Buffer.from(salt, 'base64'), storedKey: Buffer.from(storedKey, 'base64'), serverKey: Buffer.from(serverKey, 'base64'), iterations };
      return '';
    });
    if (rest.trim() !== '') throw new Error(`${where}: cannot read '${rest.trim()}' (expected SCRAM-SHA-256=[…] or SCRAM-SHA-512=[…])`);
    if (Object.keys(entry).length === 0) throw new Error(`${where}: user '${m[1]}' has no SCRAM credential`);
    users.set(m[1], entry);
  });
  return users;
}

/** SASL PLAIN: whether user and password match the file. */
export function plainPasswordValid(users: SaslUsers, user: string, password: string): boolean {
  const entry = users.get(user);
  if (!entry) return false;
  for (const mech of SCRAM_MECHANISMS) {
    const c = entry[mech];
    if (c) return passwordMatches(mech, c, password);
  }
  return false;
}
