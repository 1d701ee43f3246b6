// Reading and writing a log as stored record batches (RecordBatch v2 bytes), so a thread
// that only moves data between the log and query workers does no per-record work: it
// reads whole batches and appends batches the workers encoded. Decoding (with the
// read-committed rules) happens where the records are processed, in decodeRawBatches.
// Only the embedded log offers this; other logs return undefined from rawBatchLog().

import { EmbeddedLog } from './embedded/index.js';
import type { EmbeddedTransaction } from './embedded/embedded-log.js';
import { decompress } from './compression.js';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, decodeBatchRecords, readInt64 } from './record-batch.js';
import type { LogRecord } from './topic-log.js';

/** An aborted transaction of one producer, by offsets (first data offset … abort marker). */
export interface AbortedRange {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

export interface RawBatches {
  /** Whole stored batches (the first may begin before the offset asked for), or null. */
  bytes: Buffer | null;
  /** Where to read from next. */
  nextOffset: number;
  /** The last stable offset the read saw: nextOffset >= endOffset means caught up. */
  endOffset: number;
  /** Aborted transactions overlapping the batches returned (read-committed readers skip them). */
  aborted: AbortedRange[];
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface RawBatchLog {
  /** Committed batches from `offset`, up to about maxBytes (at least one batch when there is one). */
  read(topic: string, partition: number, offset: number, maxBytes: number): RawBatches;
  /** Appends one encoded batch (its base offset is assigned here). */
  append(topic: string, partition: number, batch: Buffer): void;
  /** Resolves at the next append to one of the partitions, or after maxWaitMs. */
  waitForData(partitions: TopicPartitionRef[], maxWaitMs: number): Promise<void>;
  partitionCount(topic: string): number | undefined;
  /** A log transaction that also appends encoded batches (exactly-once). */
  beginTransaction(transactionalId: string): Promise<RawTransaction>;
}

export type RawTransaction = EmbeddedTransaction;

class EmbeddedRawBatches implements RawBatchLog {
  constructor(private readonly log: EmbeddedLog) {}

  private partition(topic: string, partition: number) {
    const p = this.log.partitionLog(topic, partition);
    if (!p) throw new Error(`topic '${topic}' has no partition ${partition}`);
    return p;
  }

  read(topic: string, partition: number, offset: number, maxBytes: number): RawBatches {
    const p = this.partition(topic, partition);
    const from = Math.max(offset, p.logStartOffset);
    const endOffset = p.lastStableOffset;
    if (from >= endOffset) return { bytes: null, nextOffset: from, endOffset, aborted: [] };
    const raw = p.readRaw(from, maxBytes, endOffset);
    const aborted = raw.records ? p.abortedBetween(from, raw.nextOffset).map((a) => ({ ...a })) : [];
    return { bytes: raw.records, nextOffset: raw.nextOffset, endOffset, aborted };
  }

  append(topic: string, partition: number, batch: Buffer): void {
    this.log.appendRawBatch(topic, partition, batch, false);
  }

  waitForData(partitions: TopicPartitionRef[], maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const cancels: (() => void)[] = [];
      const done = () => {
        clearTimeout(timer);
        for (const c of cancels) c();
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      for (const r of partitions) {
        const p = this.log.partitionLog(r.topic, r.partition);
        if (p) cancels.push(p.waitForData(done));
      }
    });
  }

  partitionCount(topic: string): number | undefined {
    return this.log.topic(topic)?.partitions.length;
  }

  beginTransaction(transactionalId: string): Promise<RawTransaction> {
    return this.log.beginTransaction(transactionalId);
  }
}

/** Raw batch access to `log`, when it has one. */
export function rawBatchLog(log: unknown): RawBatchLog | undefined {
  return log instanceof EmbeddedLog ? new EmbeddedRawBatches(log) : undefined;
}

function aborted(ranges: AbortedRange[], producerId: number, offset: number): boolean {
  for (const a of ranges) if (a.producerId === producerId && a.firstOffset <= offset && offset <= a.lastOffset) return true;
  return false;
}

/**
 * Decodes the records at or after `from` in batches read by RawBatchLog.read, as a
 * read-committed fetch returns them: control batches and aborted transactional data left out.
 */
export function decodeRawBatches(bytes: Buffer, topic: string, partition: number, from: number, abortedRanges: AbortedRange[], out: LogRecord[]): number {
  let added = 0;
  let pos = 0;
  while (pos + 12 <= bytes.length) {
    const size = bytes.readInt32BE(pos + 8) + 12;
    const attributes = bytes.readInt16BE(pos + 21);
    const skip =
      (attributes & ATTR_CONTROL) !== 0 ||
      ((attributes & ATTR_TRANSACTIONAL) !== 0 && abortedRanges.length > 0 && aborted(abortedRanges, readInt64(bytes, pos + 43), readInt64(bytes, pos)));
    if (!skip) added += decodeBatchRecords(bytes, pos, size, topic, partition, from, out, decompress);
    pos += size;
  }
  return added;
}
