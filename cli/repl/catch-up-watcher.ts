// The REPL's status line for persistent queries it started: while a new CTAS/CSAS/INSERT INTO
// is behind the end of its sources it shows how far (polling EXPLAIN <id> every second); once
// the query has caught up it says so once and leaves the line. The prompt stays usable.

import type { KsqlClient, Json } from '../client.js';
import { catchUpText, type QueryCatchUp } from '../render/progress.js';

export const CATCH_UP_POLL_MS = 1000;

export interface CatchUpEvents {
  /** The status line; null removes it. */
  status(line: string | null): void;
  /** A finished line for the output. */
  done(line: string): void;
}

export class CatchUpWatcher {
  private readonly watched = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly client: () => KsqlClient,
    private readonly events: CatchUpEvents,
    private readonly pollMs = CATCH_UP_POLL_MS,
  ) {}

  watch(queryId: string): void {
    this.watched.set(queryId, Date.now());
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
    this.events.status(null);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const lines: string[] = [];
      for (const [id, since] of this.watched) {
        const progress = await this.catchUpOf(id);
        if (progress === 'gone') {
          this.watched.delete(id);
        } else if (progress && progress.behind === 0) {
          this.watched.delete(id);
          // A query that was never behind needs no news.
          if (Date.now() - since > this.pollMs * 1.5) this.events.done(`${id} has caught up: ${progress.processed.toLocaleString('en-US')} records processed in ${((Date.now() - since) / 1000).toFixed(1)} s.`);
        } else if (progress) {
          lines.push(`${id} catching up: ${catchUpText(progress)}`);
        }
      }
      this.events.status(lines.length ? lines.join('\n') : null);
      if (this.watched.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    } finally {
      this.polling = false;
    }
  }

  /** The query's catch-up; 'gone' when it no longer exists; undefined when the server can't say now. */
  private async catchUpOf(id: string): Promise<QueryCatchUp | 'gone' | undefined> {
    let entities: Json[];
    try {
      entities = await this.client().ksql(`EXPLAIN ${id};`, {}, {});
    } catch (err) {
      return /does not exist/i.test((err as Error).message) ? 'gone' : undefined;
    }
    const description = entities[0]?.queryDescription as Json | undefined;
    if (!description) return 'gone';
    if (description.state === 'ERROR') return 'gone';
    return description.catchUp as QueryCatchUp | undefined;
  }
}
