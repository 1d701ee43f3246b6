// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as a SASL server: the salted
// credential a user file stores, and the two-round exchange with a client.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** What the server keeps per user and mechanism; the password itself is never stored. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Kafka's lower bound for SCRAM iterations. */
export const MIN_ITERATIONS = 4096;

const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

function hmac(mechanism: ScramMechanism, key: Buffer, text: string | Buffer): Buffer {
  return createHmac(HASH[mechanism].name, key).update(text).digest();
}

function keysFor(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const { name, bytes } = HASH[mechanism];
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, bytes, name);
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return { storedKey: createHash(name).update(clientKey).digest(), serverKey: hmac(mechanism, salted, 'Server Key') };
}

export function scramCredential(mechanism: ScramMechanism, password: string, iterations = MIN_ITERATIONS, salt: Buffer = randomBytes(24)): ScramCredential {
  return { salt, iterations, ...keysFor(mechanism, password, salt, iterations) };
}

/** Whether a clear-text password (SASL PLAIN) matches a stored SCRAM credential. */
export function passwordMatches(mechanism: ScramMechanism, credential: ScramCredential, password: string): boolean {
  const { storedKey } = keysFor(mechanism, password, credential.salt, credential.iterations);
  return timingSafeEqual(storedKey, credential.storedKey);
}

/** A failed exchange; the message is for the server log, the client gets a generic one. */
export class ScramError extends Error {}

/** Parses "k=v,k=v" SCRAM attributes; values may contain '='. */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part.length < 2 || part[1] !== '=') throw new ScramError(`malformed SCRAM attribute '${part}'`);
    out.set(part[0], part.slice(2));
  }
  return out;
}

function saslName(value: string): string {
  if (/=(?!2C|3D)/.test(value)) throw new ScramError(`invalid escape in SCRAM user name '${value}'`);
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/**
 * One SCRAM exchange: first() takes client-first and answers server-first, final() takes
 * client-final and answers server-final. lookup gives a user's credential (undefined: unknown user).
 */
export class ScramServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;
  /** The authenticated user name, once final() succeeded. */
  user = '';

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: (user: string) => ScramCredential | undefined,
  ) {}

  first(message: string): string {
    if (this.state !== 'first') throw new ScramError('unexpected SCRAM client-first message');
    // gs2-header: channel-binding flag, optional authzid, then the bare message
    const m = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(message);
    if (!m) throw new ScramError('malformed SCRAM client-first message');
    if (m[1].startsWith('p=')) throw new ScramError('SCRAM channel binding is not supported');
    this.clientFirstBare = m[3];
    const attrs = attributes(m[3]);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (user === undefined || !clientNonce) throw new ScramError('SCRAM client-first message lacks n= or r=');
    this.user = saslName(user);
    if (m[2] && saslName(m[2].slice(2)) !== this.user) throw new ScramError('SCRAM authorization id differs from the user name');
    this.credential = this.lookup(this.user);
    if (!this.credential) throw new ScramError(`unknown user '${this.user}' for ${this.mechanism}`);
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.state = 'final';
    return this.serverFirst;
  }

  final(message: string): string {
    if (this.state !== 'final' || !this.credential) throw new ScramError('unexpected SCRAM client-final message');
    this.state = 'done';
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('SCRAM client-final message lacks a proof');
    const withoutProof = message.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    // endsWith, as Kafka checks: librdkafka 2.0 sends its own nonce again in front
    if (!attrs.get('r')?.endsWith(this.nonce)) throw new ScramError('SCRAM client-final nonce differs from the server-first one');
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.mechanism, this.credential.storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramError('SCRAM proof has the wrong length');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ signature[i];
    const stored = createHash(HASH[this.mechanism].name).update(clientKey).digest();
    if (!timingSafeEqual(stored, this.credential.storedKey)) throw new ScramError(`invalid password for user '${this.user}'`);
    return `v=${hmac(this.mechanism, this.credential.serverKey, authMessage).toString('base64')}`;
  }

  /** The answer to the next client message, whichever round it is. */
  step(message: string): string {
    return this.state === 'first' ? this.first(message) : this.final(message);
  }

  get complete(): boolean {
    return this.state === 'done';
  }
}
