// How far a persistent query is behind its sources: records processed, records left up to
// the sources' end offsets, and the recent rate. DESCRIBE … EXTENDED and EXPLAIN show it, and
// the REPL polls it to show a CTAS catching up on a backlog.

import type { TopicLog } from '../log/topic-log.js';

export interface CatchUp {
  /** Records this run has processed. */
  processed: number;
  /** Records between the query's positions and the sources' end offsets. */
  behind: number;
  /** Records per second over the last few seconds. */
  recordsPerSecond: number;
}

const RATE_WINDOW_MS = 5000;

export class CatchUpMeter {
  private processed = 0;
  private readonly samples: Array<{ at: number; processed: number }> = [{ at: Date.now(), processed: 0 }];

  count(records: number): void {
    this.processed += records;
  }

  /**
   * `positions(topic, partition)` is the next offset the query reads there, or undefined
   * while it has none yet (then that partition counts as not behind).
   */
  async snapshot(log: TopicLog, topics: string[], positions: (topic: string, partition: number) => number | undefined): Promise<CatchUp> {
    let behind = 0;
    for (const topic of topics) {
      const ends = await log.endOffsets(topic).catch(() => [] as number[]);
      ends.forEach((end, p) => {
        const at = positions(topic, p);
        if (at !== undefined) behind += Math.max(0, end - at);
      });
    }
    return { processed: this.processed, behind, recordsPerSecond: this.rate() };
  }

  private rate(): number {
    const now = Date.now();
    this.samples.push({ at: now, processed: this.processed });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? Math.round((this.processed - first.processed) / seconds) : 0;
  }
}
