// How far a transient query has read through the backlog it started with: records scanned,
// records left up to the end offsets last seen, and the read rate. Yielding between fetch
// batches also lives here, so a long catch-up never starves the event loop (the HTTP header
// and progress reach the client at once).

import type { QueryProgress } from '../common/query-stream.js';
import type { TopicLog } from '../log/topic-log.js';

const END_OFFSETS_EVERY_MS = 250;

export class ScanProgress {
  private scanned = 0;
  private remaining: number | undefined;
  private readonly started = Date.now();
  private lastEnds = 0;

  constructor(
    private readonly log: TopicLog,
    private readonly positions: Map<string, number[]>,
  ) {}

  /** Counts a fetched batch, refreshes the lag now and then, and lets other work run. */
  async afterBatch(records: number): Promise<void> {
    this.scanned += records;
    if (Date.now() - this.lastEnds >= END_OFFSETS_EVERY_MS || this.remaining === undefined) {
      this.lastEnds = Date.now();
      let left = 0;
      for (const [topic, offsets] of this.positions) {
        const ends = await this.log.endOffsets(topic);
        ends.forEach((end, p) => (left += Math.max(0, end - (offsets[p] ?? 0))));
      }
      this.remaining = left;
    } else if (this.remaining !== undefined) {
      this.remaining = Math.max(0, this.remaining - records);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  snapshot(): QueryProgress {
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    return { scanned: this.scanned, remaining: this.remaining, recordsPerSecond: Math.round(this.scanned / seconds) };
  }
}
