// ksqlDB's record cache for aggregations (cache.max.bytes.buffering > 0): the changes of a
// group within a commit interval collapse into its latest result, emitted when the query
// commits or when the cache outgrows its byte budget. Flushes go in the order groups were
// last updated, as Kafka Streams' cache flushes its dirty keys. Each cached change keeps
// the entry as it was before the first change of the interval (what was last emitted),
// so HAVING can still turn a result that stopped passing into a tombstone.

import type { LogRecord } from '../../log/topic-log.js';
import type { AggregateEntry } from './state-store.js';

/** What an emitted change takes from its input record (a cached one keeps no record bytes alive). */
export type ChangeSource = Pick<LogRecord, 'headers' | 'partition' | 'offset'>;

export interface CachedChange {
  next: AggregateEntry;
  /** The entry before the first change since the last flush. */
  old: AggregateEntry | undefined;
  src: ChangeSource;
  rowtime: number;
  /** When the change last happened (flush order). */
  seq: number;
}

/** A rough per-entry size in memory (objects, arrays, map slot): what counts against the budget. */
function entryBytes(id: string, states: unknown[]): number {
  return 480 + 2 * id.length + 24 * states.length;
}

export class EmitCache {
  private changes = new Map<string, CachedChange>();
  private bytes = 0;
  private seq = 0;

  constructor(private readonly maxBytes: number) {}

  update(id: string, next: AggregateEntry, old: AggregateEntry | undefined, rec: LogRecord, rowtime: number): void {
    const cached = this.changes.get(id);
    if (cached) {
      cached.next = next;
      cached.src = { headers: rec.headers, partition: rec.partition, offset: rec.offset };
      cached.rowtime = rowtime;
      cached.seq = ++this.seq;
      return;
    }
    this.changes.set(id, { next, old, src: { headers: rec.headers, partition: rec.partition, offset: rec.offset }, rowtime, seq: ++this.seq });
    this.bytes += entryBytes(id, next.states);
  }

  get full(): boolean {
    return this.bytes > this.maxBytes;
  }

  get size(): number {
    return this.changes.size;
  }

  /** The cached changes in flush order; the cache is empty afterwards. */
  drain(): CachedChange[] {
    const changes = [...this.changes.values()].sort((a, b) => a.seq - b.seq);
    this.clear();
    return changes;
  }

  clear(): void {
    this.changes = new Map();
    this.bytes = 0;
  }
}
