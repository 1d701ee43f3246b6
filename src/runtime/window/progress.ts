// What a windowed aggregation reports about time: records dropped as late (counted, kept
// for the late-record topic when the query has one), EMIT FINAL windows that expired before
// they could be emitted, stream time per input partition, and when input last arrived (for
// the idle timeout). DESCRIBE ... EXTENDED and /metrics read it.

import { Counter } from 'prom-client';
import { metricsRegistry } from '../../broker/metrics.js';
import type { LogRecord } from '../../log/topic-log.js';
import type { TimeWindow } from './time-windows.js';

const lateCounter = new Counter({
  name: 'eddy_query_late_records_total',
  help: 'Records a windowed aggregation dropped because they arrived after the grace period of their window, by query',
  labelNames: ['query_id'] as const,
  registers: [metricsRegistry],
});

const expiredCounter = new Counter({
  name: 'eddy_query_expired_windows_total',
  help: 'EMIT FINAL windows that closed only after their retention had passed (a jump of stream time) and were not emitted, by query',
  labelNames: ['query_id'] as const,
  registers: [metricsRegistry],
});

export interface LateRecord {
  rec: LogRecord;
  /** The window the record missed. */
  window: TimeWindow;
  streamTime: number;
}

export class WindowProgress {
  lateRecords = 0;
  expiredWindows = 0;
  /** Stream time (highest record time seen) by input topic partition. */
  readonly partitionTimes = new Map<string, { topic: string; partition: number; time: number }>();
  /** Wall-clock time the last input record was processed. */
  lastInputAt = Date.now();
  private pendingLate: LateRecord[] = [];

  constructor(
    readonly queryId: string,
    /** Keep dropped records for a late-record topic. */
    private readonly keepLate: boolean,
  ) {}

  observe(rec: LogRecord, ts: number): void {
    this.lastInputAt = Date.now();
    const id = `${rec.partition}\u0000${rec.topic}`;
    const p = this.partitionTimes.get(id);
    if (!p) this.partitionTimes.set(id, { topic: rec.topic, partition: rec.partition, time: ts });
    else if (ts > p.time) p.time = ts;
  }

  /** A record missed `window`; a record missing several windows (HOPPING) counts once. */
  late(rec: LogRecord, window: TimeWindow, streamTime: number): void {
    if (rec !== this.lastLate) {
      this.lateRecords++;
      lateCounter.inc({ query_id: this.queryId });
      this.lastLate = rec;
    }
    if (this.keepLate) this.pendingLate.push({ rec, window, streamTime });
  }

  private lastLate: LogRecord | null = null;

  expired(): void {
    this.expiredWindows++;
    expiredCounter.inc({ query_id: this.queryId });
  }

  /** Late records not yet written to the late-record topic. */
  takeLate(): LateRecord[] {
    const out = this.pendingLate;
    this.pendingLate = [];
    return out;
  }
}
