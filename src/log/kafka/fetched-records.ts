// Turns the record set of one partition in a Fetch response into LogRecords: skips control
// batches, batches of aborted transactions (read-committed) and records before the fetch
// offset, and stops at a batch cut short by the response size limit.

import type { LogRecord } from '../topic-log.js';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  controlBatchIsCommit,
  decodeBatchRecords,
  readBatchHeader,
} from '../record-batch.js';
import { decompress } from '../compression.js';

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface PartitionRecordSet {
  topic: string;
  partition: number;
  fetchOffset: number;
  records: Buffer | null;
  /** Null or empty for read-uncommitted fetches. */
  abortedTransactions: AbortedTransaction[] | null;
}

/**
 * Appends the visible records of a partition's record set to out, at most maxOut of them;
 * returns how many. `position.next`, when given, ends past the last record appended and
 * every whole batch read or skipped before it (control and aborted batches included).
 */
export function decodeRecordSet(set: PartitionRecordSet, out: LogRecord[], maxOut: number, position?: { next: number }): number {
  const buf = set.records;
  if (position) position.next = set.fetchOffset;
  if (!buf || buf.length === 0 || maxOut <= 0) return 0;
  const aborted = [...(set.abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedProducers = new Set<number>();
  let nextAborted = 0;
  let added = 0;
  let pos = 0;
  while (pos + BATCH_LOG_OVERHEAD <= buf.length && added < maxOut) {
    const size = buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > buf.length) break; // partial batch at the end
    const h = readBatchHeader(buf, pos);
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    if (h.magic !== 2) throw new Error(`Unsupported record batch version ${h.magic} in ${set.topic}-${set.partition} at offset ${h.baseOffset}`);
    while (nextAborted < aborted.length && aborted[nextAborted]!.firstOffset <= lastOffset) {
      abortedProducers.add(aborted[nextAborted]!.producerId);
      nextAborted++;
    }
    if (h.attributes & ATTR_CONTROL) {
      if (controlBatchIsCommit(buf, pos, size) === false) abortedProducers.delete(h.producerId);
    } else if (!(h.attributes & ATTR_TRANSACTIONAL && abortedProducers.has(h.producerId)) && lastOffset >= set.fetchOffset) {
      const n = decodeBatchRecords(buf, pos, size, set.topic, set.partition, set.fetchOffset, out, decompress, maxOut - added);
      added += n;
      if (added >= maxOut && n > 0) {
        if (position) position.next = Math.max(position.next, out[out.length - 1]!.offset + 1);
        break;
      }
    }
    if (position) position.next = Math.max(position.next, lastOffset + 1);
    pos += size;
  }
  return added;
}
