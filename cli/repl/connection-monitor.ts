// Watches the REPL's server: a heartbeat on /info every second reports a lost server at
// once and shows the reconnection when it answers again.

import type { KsqlClient } from '../client.js';

export const HEARTBEAT_MS = 1000;

export interface ConnectionEvents {
  lost(url: string, reason: string): void;
  restored(url: string): void;
}

export class ConnectionMonitor {
  private timer: NodeJS.Timeout | undefined;
  private up = true;
  private checking = false;
  private timeouts = 0;

  constructor(
    private readonly client: () => KsqlClient,
    private readonly events: ConnectionEvents,
  ) {}

  get connected(): boolean {
    return this.up;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), HEARTBEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A failure seen elsewhere (a query whose response broke off) counts as a lost server. */
  reportLost(reason: string): void {
    if (!this.up) return;
    this.up = false;
    this.events.lost(this.client().url, reason);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    const client = this.client();
    try {
      await client.info();
      this.timeouts = 0;
      if (!this.up) {
        this.up = true;
        this.events.restored(client.url);
      }
    } catch (err) {
      // A refused connection is certain; a slow answer (a busy server) counts only twice running.
      const message = (err as Error).message;
      if (/timeout|aborted/i.test(message) && ++this.timeouts < 2) return;
      this.reportLost(message);
    } finally {
      this.checking = false;
    }
  }
}
