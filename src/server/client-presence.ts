// Which CLI clients have talked to this server lately: each Eddy CLI sends an
// X-Eddy-Client id with its requests (and a heartbeat), so the REPL hosting an in-process
// server can warn before it exits under other people's sessions.

import type { FastifyInstance } from 'fastify';

const RECENT_MS = 5000;

export class ClientPresence {
  private readonly lastSeen = new Map<string, number>();

  seen(id: string): void {
    this.lastSeen.set(id, Date.now());
  }

  /** Clients heard from in the last few seconds, other than `except`. */
  others(except?: string): number {
    const since = Date.now() - RECENT_MS;
    let n = 0;
    for (const [id, at] of this.lastSeen) {
      if (at < since) this.lastSeen.delete(id);
      else if (id !== except) n++;
    }
    return n;
  }
}

export function trackClients(app: FastifyInstance): ClientPresence {
  const presence = new ClientPresence();
  app.addHook('onRequest', async (request) => {
    const id = request.headers['x-eddy-client'];
    if (typeof id === 'string' && id !== '') presence.seen(id);
  });
  return presence;
}
