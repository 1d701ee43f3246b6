// A task's inputs in event-time order, as Kafka Streams' PartitionGroup hands them out: one
// buffer per input partition, and the next record is always the oldest head by event time
// (ties go to the partition that comes first in the group). A partition with nothing
// buffered holds the others back while the log still has records for it that were not
// fetched yet (its fetch offset is behind the end offset the last fetch reported, or no
// fetch has reported on it yet); once it is caught up it holds them back for at most
// max.task.idle.ms more (0, ksqlDB's default, waits for nothing that is not on the log
// yet; -1 never waits). A partition known to be at its end never holds anyone back.
//
// The group also keeps what to fetch next (per partition, past what it buffers) and what
// has been consumed (the head a partition still buffers, or its fetch offset when empty),
// which is what a query may commit.

import type { FetchRequest, LogRecord, PartitionProgress, TopicPartitionOffset } from '../log/topic-log.js';

export interface PartitionGroupOptions {
  /** max.task.idle.ms: how long a caught-up empty partition may hold the others back; -1 never. */
  maxTaskIdleMs: number;
  /** The event time the query orders by (the TIMESTAMP column when declared, else ROWTIME). */
  eventTime: (rec: LogRecord) => number;
  /** Records buffered per partition before it is no longer fetched (buffered.records.per.partition). */
  maxBufferedPerPartition?: number;
  /** Wall clock, for the idle deadline. */
  now?: () => number;
}

interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  readonly order: number;
  records: LogRecord[];
  times: number[];
  head: number;
  /** Next offset to fetch. */
  fetchOffset: number;
  /** End offset reported by the last fetch of this partition; undefined until one reports. */
  endOffset: number | undefined;
  /** Wall-clock time until which this caught-up, empty partition may hold the others back. */
  idleDeadline: number | undefined;
}

const DEFAULT_MAX_BUFFERED = 1000;

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}

export class PartitionGroup {
  private readonly queues: PartitionQueue[];
  private readonly byKey = new Map<string, PartitionQueue>();
  private readonly maxBuffered: number;
  private readonly now: () => number;
  private size = 0;

  /** `partitions` in group order (the tie-break order) with the offsets to start from. */
  constructor(
    partitions: TopicPartitionOffset[],
    private readonly options: PartitionGroupOptions,
  ) {
    this.maxBuffered = options.maxBufferedPerPartition ?? DEFAULT_MAX_BUFFERED;
    this.now = options.now ?? Date.now;
    this.queues = partitions.map((p, order) => ({
      topic: p.topic,
      partition: p.partition,
      order,
      records: [],
      times: [],
      head: 0,
      fetchOffset: p.offset,
      endOffset: undefined,
      idleDeadline: undefined,
    }));
    for (const q of this.queues) this.byKey.set(key(q.topic, q.partition), q);
  }

  /** Records buffered across all partitions. */
  get buffered(): number {
    return this.size;
  }

  /** What to fetch: every partition whose buffer has room, from its fetch offset. */
  requests(): FetchRequest[] {
    const out: FetchRequest[] = [];
    for (const q of this.queues) {
      if (q.records.length - q.head < this.maxBuffered) out.push({ topic: q.topic, partition: q.partition, offset: q.fetchOffset });
    }
    return out;
  }

  /**
   * Buffers fetched records (each partition's in offset order; anything before the fetch
   * offset is a duplicate and ignored) and takes note of where each reported partition stands.
   */
  add(records: LogRecord[], progress: PartitionProgress[] = []): void {
    // A fetch returns each partition's records together: look the queue up once per run.
    let q: PartitionQueue | undefined;
    for (const rec of records) {
      if (q === undefined || q.partition !== rec.partition || q.topic !== rec.topic) q = this.byKey.get(key(rec.topic, rec.partition));
      if (!q || rec.offset < q.fetchOffset) continue;
      if (q.head === q.records.length && q.head > 0) {
        q.records = [];
        q.times = [];
        q.head = 0;
      }
      q.records.push(rec);
      q.times.push(this.options.eventTime(rec));
      q.fetchOffset = rec.offset + 1;
      q.idleDeadline = undefined;
      this.size++;
    }
    for (const p of progress) {
      const q = this.byKey.get(key(p.topic, p.partition));
      if (!q) continue;
      if (p.nextOffset > q.fetchOffset) q.fetchOffset = p.nextOffset;
      q.endOffset = p.endOffset;
    }
  }

  /**
   * Takes up to `max` records in event-time order, as far as the partitions that have
   * nothing buffered allow; an empty result means the group waits (for a fetch, or for an
   * idle partition's deadline).
   */
  take(max: number): LogRecord[] {
    const out: LogRecord[] = [];
    let blocked = this.blocked();
    while (out.length < max && !blocked) {
      let best: PartitionQueue | undefined;
      let bestTime = 0;
      for (const q of this.queues) {
        if (q.head === q.records.length) continue;
        const t = q.times[q.head]!;
        if (!best || t < bestTime) {
          best = q;
          bestTime = t;
        }
      }
      if (!best) break;
      out.push(best.records[best.head]!);
      best.head++;
      this.size--;
      if (best.head === best.records.length) {
        best.records = [];
        best.times = [];
        best.head = 0;
        blocked = this.blocked();
      }
    }
    return out;
  }

  /** Whether an empty partition holds the others back now (see the header). */
  private blocked(): boolean {
    const idle = this.options.maxTaskIdleMs;
    if (idle < 0) return false;
    let now: number | undefined;
    let waiting = false;
    for (const q of this.queues) {
      if (q.head < q.records.length) continue;
      if (q.endOffset === undefined || q.fetchOffset < q.endOffset) {
        q.idleDeadline = undefined;
        return true;
      }
      // Every caught-up empty partition starts its idle time now, not when another's ends.
      now ??= this.now();
      q.idleDeadline ??= now + idle;
      if (now < q.idleDeadline) waiting = true;
    }
    return waiting;
  }

  /** Whether some partition waits only for its idle deadline (the caller may poll without waiting past it). */
  idleWaitMs(): number | undefined {
    let wait: number | undefined;
    const now = this.now();
    for (const q of this.queues) {
      if (q.head < q.records.length || q.idleDeadline === undefined) continue;
      const left = Math.max(0, q.idleDeadline - now);
      wait = wait === undefined ? left : Math.min(wait, left);
    }
    return wait;
  }

  /** The next offset the group fetches for a partition. */
  fetchOffset(topic: string, partition: number): number | undefined {
    return this.byKey.get(key(topic, partition))?.fetchOffset;
  }

  /** What has been consumed per partition: its oldest buffered offset, or its fetch offset when empty. */
  consumed(): TopicPartitionOffset[] {
    return this.queues.map((q) => ({
      topic: q.topic,
      partition: q.partition,
      offset: q.head < q.records.length ? q.records[q.head]!.offset : q.fetchOffset,
    }));
  }

  /** Drops every buffer and starts again from these offsets (after an aborted cycle). */
  reset(offsets: TopicPartitionOffset[]): void {
    for (const o of offsets) {
      const q = this.byKey.get(key(o.topic, o.partition));
      if (!q) continue;
      this.size -= q.records.length - q.head;
      q.records = [];
      q.times = [];
      q.head = 0;
      q.fetchOffset = o.offset;
      q.endOffset = undefined;
      q.idleDeadline = undefined;
    }
  }
}
