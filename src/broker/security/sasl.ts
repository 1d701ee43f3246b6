// One connection's SASL authentication: SaslHandshake picks a mechanism, then tokens go
// back and forth (inside SaslAuthenticate requests, or raw frames after a v0 handshake)
// until the client is known as a principal "User:<name>".

import { plainPasswordValid, type SaslUsers } from './credentials.js';
import { SCRAM_MECHANISMS, ScramError, ScramServer, type ScramMechanism } from './scram.js';

export const SASL_MECHANISMS = ['PLAIN', ...SCRAM_MECHANISMS] as const;

export interface SaslConfig {
  /** Mechanisms offered, in the order given (a subset of SASL_MECHANISMS). */
  mechanisms: string[];
  users: SaslUsers;
}

/** A refused authentication: `reason` goes to the server log, `message` to the client. */
export class SaslAuthenticationError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

export class SaslSession {
  mechanism: string | undefined;
  /** 0 or 1: v0 sends raw tokens, v1 wraps them in SaslAuthenticate. */
  handshakeVersion = 1;
  principal: string | undefined;
  private scram: ScramServer | undefined;

  constructor(private readonly config: SaslConfig) {}

  get offered(): string[] {
    return this.config.mechanisms;
  }

  get authenticated(): boolean {
    return this.principal !== undefined;
  }

  /** Picks the mechanism; false when it is not offered. */
  handshake(mechanism: string, version: number): boolean {
    if (!this.config.mechanisms.includes(mechanism)) return false;
    this.mechanism = mechanism;
    this.handshakeVersion = version;
    if (mechanism !== 'PLAIN') {
      const mech = mechanism as ScramMechanism;
      this.scram = new ScramServer(mech, (user) => this.config.users.get(user)?.[mech]);
    }
    return true;
  }

  /** Takes a client token and returns the server's answer; throws SaslAuthenticationError on refusal. */
  step(token: Buffer): Buffer {
    const mech = this.mechanism;
    const failed = (reason: string) => new SaslAuthenticationError(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${mech}`, reason);
    if (mech === 'PLAIN') {
      const parts = token.toString('utf8').split('\u0000');
      if (parts.length !== 3) throw failed('malformed PLAIN token');
      const [authzid, user, password] = parts;
      if (authzid !== '' && authzid !== user) throw failed(`PLAIN authorization id '${authzid}' differs from user '${user}'`);
      if (!plainPasswordValid(this.config.users, user, password)) throw failed(`invalid user or password for '${user}'`);
      this.principal = `User:${user}`;
      return Buffer.alloc(0);
    }
    if (!this.scram) throw new SaslAuthenticationError('SaslAuthenticate before SaslHandshake', 'no mechanism chosen');
    try {
      if (this.scram.complete) throw new ScramError('SCRAM exchange already complete');
      const answer = this.scram.step(token.toString('utf8'));
      if (this.scram.complete) this.principal = `User:${this.scram.user}`;
      return Buffer.from(answer, 'utf8');
    } catch (e) {
      if (e instanceof ScramError) throw failed(e.message);
      throw e;
    }
  }
}
