// One partition of the embedded log: a directory of segment files holding RecordBatch v2
// bytes with broker-assigned offsets, plus state rebuilt from the batch headers at open:
// the batch index, idempotent producer sequences, open and aborted transactions.

import fs from 'node:fs';
import path from 'node:path';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  batchCrcValid,
  controlBatchIsCommit,
  decodeBatchRecords,
  encodeControlBatch,
  readInt64,
  writeInt64,
  type Decompressor,
} from '../record-batch.js';
import { ErrorCode, LogError } from '../errors.js';
import type { LogRecord } from '../topic-log.js';
import { Segment } from './segment.js';

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

interface SequencedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

interface ProducerState {
  epoch: number;
  /** The last few batches, for recognising retried duplicates. */
  recent: SequencedBatch[];
}

export interface PartitionOptions {
  segmentBytes: number;
}

const LOG_START_FILE = 'log-start-offset';
const VERIFY_TAIL_BYTES = 4 << 20;
const MAX_READ_BYTES = 8 << 20;
const MAX_RECENT_BATCHES = 5;

export interface RawRead {
  /** Whole stored batches, or null when there is nothing to return. */
  records: Buffer | null;
  /** Offset after the last returned batch. */
  nextOffset: number;
}

export class PartitionLog {
  segments: Segment[] = [];
  logStartOffset = 0;
  endOffset = 0;
  readonly producers = new Map<number, ProducerState>();
  /** Producer id → first offset of its open transaction on this partition. */
  readonly openTxns = new Map<number, number>();
  /** Aborted transactions in marker order (so sorted by lastOffset). */
  aborted: AbortedTxn[] = [];
  private waiters = new Set<() => void>();

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    private readonly options: PartitionOptions,
  ) {}

  static open(dir: string, topic: string, partition: number, options: PartitionOptions): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    const log = new PartitionLog(topic, partition, dir, options);
    const startFile = path.join(dir, LOG_START_FILE);
    if (fs.existsSync(startFile)) log.logStartOffset = Number(fs.readFileSync(startFile, 'utf8').trim()) || 0;
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort();
    for (let k = 0; k < files.length; k++) {
      const seg = Segment.openExisting(path.join(dir, files[k]), Number(files[k].slice(0, 20)));
      const expected = k === 0 ? seg.baseOffset : log.endOffset;
      if (seg.baseOffset !== expected) {
        // A segment that does not continue the previous one: keep what precedes it.
        seg.close();
        for (const f of files.slice(k)) fs.rmSync(path.join(dir, f), { force: true });
        break;
      }
      log.segments.push(seg);
      log.endOffset = seg.baseOffset;
      const clean = log.scanSegment(seg, k === files.length - 1);
      log.endOffset = seg.nextOffset;
      if (!clean) {
        for (const f of files.slice(k + 1)) fs.rmSync(path.join(dir, f), { force: true });
        break;
      }
    }
    if (log.segments.length === 0) {
      log.segments.push(Segment.create(dir, log.logStartOffset));
      log.endOffset = log.logStartOffset;
    }
    if (log.logStartOffset < log.segments[0].baseOffset) log.logStartOffset = log.segments[0].baseOffset;
    if (log.logStartOffset > log.endOffset) log.logStartOffset = log.endOffset;
    return log;
  }

  /** Indexes the batches of a segment file; truncates a torn or corrupt tail. Returns false when truncated. */
  private scanSegment(seg: Segment, last: boolean): boolean {
    const fileSize = fs.fstatSync(seg.fd).size;
    const verifyFrom = last ? Math.max(0, fileSize - VERIFY_TAIL_BYTES) : Infinity;
    let chunk = Buffer.alloc(0);
    let chunkStart = 0;
    const ensure = (pos: number, len: number): boolean => {
      if (pos + len > fileSize) return false;
      if (pos >= chunkStart && pos + len <= chunkStart + chunk.length) return true;
      const want = Math.min(Math.max(MAX_READ_BYTES, len), fileSize - pos);
      chunk = Buffer.allocUnsafe(want);
      let done = 0;
      while (done < want) {
        const n = fs.readSync(seg.fd, chunk, done, want - done, pos + done);
        if (n === 0) break;
        done += n;
      }
      chunk = chunk.subarray(0, done);
      chunkStart = pos;
      return done >= len;
    };
    let pos = 0;
    let expected = seg.baseOffset;
    while (pos < fileSize) {
      if (!ensure(pos, BATCH_HEADER_SIZE)) break;
      let p = pos - chunkStart;
      const size = chunk.readInt32BE(p + 8) + BATCH_LOG_OVERHEAD;
      const base = readInt64(chunk, p);
      if (size < BATCH_HEADER_SIZE || chunk[p + 16] !== 2 || pos + size > fileSize || base < expected) break;
      const attributes = chunk.readInt16BE(p + 21);
      const needBody = pos + size > verifyFrom || (attributes & ATTR_CONTROL) !== 0;
      if (needBody) {
        if (!ensure(pos, size)) break;
        p = pos - chunkStart;
        if (pos + size > verifyFrom && !batchCrcValid(chunk, p, size)) break;
      }
      const next = base + chunk.readInt32BE(p + 23) + 1;
      seg.index(base, next, pos, size, readInt64(chunk, p + 35));
      this.trackProducer(chunk, p, size, base, next);
      pos += size;
      expected = next;
    }
    seg.size = pos;
    if (pos < fileSize) {
      seg.truncateTo(seg.count, pos);
      return false;
    }
    return true;
  }

  /** Updates producer and transaction state from a stored batch. */
  private trackProducer(buf: Buffer, p: number, size: number, base: number, next: number): void {
    const producerId = readInt64(buf, p + 43);
    if (producerId < 0) return;
    const attributes = buf.readInt16BE(p + 21);
    const epoch = buf.readInt16BE(p + 51);
    if (attributes & ATTR_CONTROL) {
      const first = this.openTxns.get(producerId);
      this.openTxns.delete(producerId);
      if (controlBatchIsCommit(buf, p, size) === false && first !== undefined) {
        this.aborted.push({ producerId, firstOffset: first, lastOffset: base });
      }
      const st = this.producers.get(producerId);
      if (st && epoch > st.epoch) st.epoch = epoch;
      return;
    }
    if (attributes & ATTR_TRANSACTIONAL && !this.openTxns.has(producerId)) this.openTxns.set(producerId, base);
    const baseSeq = buf.readInt32BE(p + 53);
    let st = this.producers.get(producerId);
    if (!st || epoch > st.epoch) {
      st = { epoch, recent: [] };
      this.producers.set(producerId, st);
    }
    if (baseSeq >= 0) {
      st.recent.push({ firstSeq: baseSeq, lastSeq: (baseSeq + (next - base) - 1) | 0, baseOffset: base });
      if (st.recent.length > MAX_RECENT_BATCHES) st.recent.shift();
    }
  }

  get activeSegment(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /** First offset of the earliest open transaction, or the high watermark. */
  get lastStableOffset(): number {
    if (this.openTxns.size === 0) return this.endOffset;
    let lso = this.endOffset;
    for (const first of this.openTxns.values()) if (first < lso) lso = first;
    return lso;
  }

  /** Checks an idempotent/transactional batch's sequence. Returns the original base offset of a retried duplicate. */
  private checkSequence(producerId: number, epoch: number, baseSeq: number, count: number): number | undefined {
    const st = this.producers.get(producerId);
    if (!st) {
      if (baseSeq !== 0) {
        throw new LogError(ErrorCode.UNKNOWN_PRODUCER_ID, `unknown producer id ${producerId} with sequence ${baseSeq} on ${this.topic}-${this.partition}`);
      }
      return undefined;
    }
    if (epoch < st.epoch) {
      throw new LogError(ErrorCode.INVALID_PRODUCER_EPOCH, `producer ${producerId} epoch ${epoch} is older than ${st.epoch}`);
    }
    if (epoch > st.epoch || st.recent.length === 0) {
      if (baseSeq !== 0 && epoch > st.epoch) {
        throw new LogError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${producerId} new epoch ${epoch} must start at sequence 0, got ${baseSeq}`);
      }
      return undefined;
    }
    const lastSeq = (baseSeq + count - 1) | 0;
    for (const b of st.recent) if (b.firstSeq === baseSeq && b.lastSeq === lastSeq) return b.baseOffset;
    const expectedSeq = (st.recent[st.recent.length - 1].lastSeq + 1) | 0;
    const expected = expectedSeq < 0 ? 0 : expectedSeq;
    if (baseSeq !== expected) {
      throw new LogError(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `producer ${producerId} sent sequence ${baseSeq} on ${this.topic}-${this.partition}, expected ${expected}`,
      );
    }
    return undefined;
  }

  /** The next sequence number for a producer on this partition (for batches the log writes itself). */
  nextSequence(producerId: number, epoch: number): number {
    const st = this.producers.get(producerId);
    if (!st || st.epoch !== epoch || st.recent.length === 0) return 0;
    const s = (st.recent[st.recent.length - 1].lastSeq + 1) | 0;
    return s < 0 ? 0 : s;
  }

  /**
   * Appends one RecordBatch v2 (as produced by a client: its baseOffset is overwritten).
   * Validates the header, the CRC when asked, and producer sequences. Returns the base offset,
   * or the original base offset for a retried duplicate.
   */
  appendBatch(batch: Buffer, verifyCrc: boolean): { baseOffset: number; duplicate: boolean } {
    if (batch.length < BATCH_HEADER_SIZE) throw new LogError(ErrorCode.CORRUPT_MESSAGE, 'record batch shorter than its header');
    if (batch[16] !== 2) throw new LogError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `record batch magic ${batch[16]}; only magic 2 is supported`);
    if (batch.readInt32BE(8) + BATCH_LOG_OVERHEAD !== batch.length) throw new LogError(ErrorCode.CORRUPT_MESSAGE, 'record batch length does not match its bytes');
    const attributes = batch.readInt16BE(21);
    if (attributes & ATTR_CONTROL) throw new LogError(ErrorCode.INVALID_REQUEST, 'clients may not write control batches');
    const count = batch.readInt32BE(57);
    const lastDelta = batch.readInt32BE(23);
    if (count <= 0 || lastDelta < 0 || lastDelta > 0x7ffffff) throw new LogError(ErrorCode.CORRUPT_MESSAGE, 'record batch has no records');
    if (verifyCrc && !batchCrcValid(batch, 0, batch.length)) throw new LogError(ErrorCode.CORRUPT_MESSAGE, 'record batch CRC mismatch');
    const producerId = readInt64(batch, 43);
    if (producerId >= 0) {
      const baseSeq = batch.readInt32BE(53);
      if (baseSeq >= 0) {
        const dup = this.checkSequence(producerId, batch.readInt16BE(51), baseSeq, lastDelta + 1);
        if (dup !== undefined) return { baseOffset: dup, duplicate: true };
      }
    }
    const base = this.endOffset;
    writeInt64(batch, 0, base);
    batch.writeInt32BE(0, 12);
    this.write(batch, base, base + lastDelta + 1, readInt64(batch, 35));
    return { baseOffset: base, duplicate: false };
  }

  /** Appends a batch this log encoded itself (offsets already assigned from endOffset). */
  appendOwnBatch(batch: Buffer): number {
    const base = this.endOffset;
    this.write(batch, base, base + batch.readInt32BE(23) + 1, readInt64(batch, 35));
    return base;
  }

  /** Writes a COMMIT or ABORT marker for a producer's open transaction here. */
  appendControl(commit: boolean, producerId: number, epoch: number, now: number): number {
    const base = this.endOffset;
    this.write(encodeControlBatch(commit, base, producerId, epoch, now), base, base + 1, now);
    return base;
  }

  private write(batch: Buffer, base: number, next: number, maxTimestamp: number): void {
    let seg = this.activeSegment;
    if (seg.count > 0 && seg.size + batch.length > this.options.segmentBytes) {
      seg = Segment.create(this.dir, base);
      this.segments.push(seg);
    }
    seg.append(batch, base, next, maxTimestamp);
    this.endOffset = next;
    this.trackProducer(batch, 0, batch.length, base, next);
    this.notify();
  }

  /** Registers a one-shot wake-up for the next append or transaction end. */
  waitForData(fn: () => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  notify(): void {
    if (this.waiters.size === 0) return;
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  private segmentFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Whole stored batches from the one containing offset, up to maxBytes (at least one batch)
   * and not past limit (the high watermark or the last stable offset).
   */
  readRaw(offset: number, maxBytes: number, limit: number): RawRead {
    for (let s = this.segmentFor(offset); s < this.segments.length; s++) {
      const seg = this.segments[s];
      const i = seg.find(offset);
      if (i >= seg.count) continue;
      if (seg.next[i] > limit) return { records: null, nextOffset: offset };
      let j = i + 1;
      let bytes = seg.len[i];
      while (j < seg.count && seg.next[j] <= limit && bytes + seg.len[j] <= maxBytes) {
        bytes += seg.len[j];
        j++;
      }
      return { records: seg.read(i, j), nextOffset: seg.next[j - 1] };
    }
    return { records: null, nextOffset: offset };
  }

  isAborted(producerId: number, offset: number): boolean {
    const a = this.aborted;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < a.length; i++) if (a[i].producerId === producerId && a[i].firstOffset <= offset) return true;
    return false;
  }

  /** Aborted transactions overlapping [from, to). */
  abortedBetween(from: number, to: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const a of this.aborted) if (a.lastOffset >= from && a.firstOffset < to) out.push(a);
    return out;
  }

  /**
   * Decodes up to maxRecords records from offset into out, skipping control batches and,
   * when readCommitted, aborted transactional data and anything at or past the LSO.
   */
  readRecords(
    offset: number,
    maxRecords: number,
    readCommitted: boolean,
    out: LogRecord[],
    decompress: Decompressor,
    position?: { next: number; end: number },
  ): number {
    const limit = readCommitted ? this.lastStableOffset : this.endOffset;
    if (offset < this.logStartOffset) offset = this.logStartOffset;
    let added = 0;
    while (added < maxRecords && offset < limit) {
      const s = this.segmentFor(offset);
      const seg = this.segments[s];
      const i = seg.find(offset);
      if (i >= seg.count) {
        if (s === this.segments.length - 1) break;
        offset = this.segments[s + 1].baseOffset;
        continue;
      }
      if (seg.next[i] > limit) break;
      let j = i;
      let want = maxRecords - added;
      let bytes = 0;
      while (j < seg.count && seg.next[j] <= limit && want > 0 && bytes < MAX_READ_BYTES) {
        want -= seg.next[j] - Math.max(seg.base[j], offset);
        bytes += seg.len[j];
        j++;
      }
      const buf = seg.read(i, j);
      let p = 0;
      for (let b = i; b < j && added < maxRecords; b++) {
        const size = seg.len[b];
        const attributes = buf.readInt16BE(p + 21);
        const skip =
          (attributes & ATTR_CONTROL) !== 0 ||
          (readCommitted && (attributes & ATTR_TRANSACTIONAL) !== 0 && this.isAborted(readInt64(buf, p + 43), seg.base[b]));
        if (!skip) {
          added += decodeBatchRecords(buf, p, size, this.topic, this.partition, offset, out, decompress, maxRecords - added);
        }
        offset = added >= maxRecords && !skip ? out[out.length - 1].offset + 1 : seg.next[b];
        p += size;
      }
    }
    if (position) {
      position.next = offset;
      position.end = limit;
    }
    return added;
  }

  /** The first record (offset and timestamp) whose timestamp is >= ts, or undefined. */
  findByTimestamp(ts: number, decompress: Decompressor): { offset: number; timestamp: number } | undefined {
    for (const seg of this.segments) {
      if (seg.count === 0 || seg.maxTimestamp < ts) continue;
      for (let i = seg.findTimestamp(ts); i < seg.count; i++) {
        const buf = seg.read(i, i + 1);
        if (buf.readInt16BE(21) & ATTR_CONTROL) continue;
        const recs: LogRecord[] = [];
        decodeBatchRecords(buf, 0, buf.length, this.topic, this.partition, this.logStartOffset, recs, decompress);
        for (const r of recs) if (r.timestamp >= ts) return { offset: r.offset, timestamp: r.timestamp };
      }
    }
    return undefined;
  }

  /** First offset whose record timestamp is >= ts, or the end offset. */
  offsetForTimestamp(ts: number, decompress: Decompressor): number {
    return this.findByTimestamp(ts, decompress)?.offset ?? this.endOffset;
  }

  /** Moves the log start forward (DeleteRecords), dropping whole segments below it. */
  deleteRecordsBefore(offset: number): void {
    if (offset > this.endOffset) throw new LogError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset} is past the end ${this.endOffset}`);
    if (offset <= this.logStartOffset) return;
    this.logStartOffset = offset;
    const tmp = path.join(this.dir, LOG_START_FILE + '.tmp');
    fs.writeFileSync(tmp, String(offset));
    fs.renameSync(tmp, path.join(this.dir, LOG_START_FILE));
    this.dropSegmentsBelow(offset);
  }

  private dropSegmentsBelow(offset: number): void {
    while (this.segments.length > 1 && this.segments[1].baseOffset <= offset) {
      this.segments.shift()!.remove();
    }
    if (this.segments.length === 1 && this.activeSegment.count > 0 && this.activeSegment.nextOffset <= offset) {
      const old = this.segments[0];
      this.segments[0] = Segment.create(this.dir, this.endOffset);
      old.remove();
    }
    this.aborted = this.aborted.filter((a) => a.lastOffset >= offset);
  }

  /** Deletes segments whose newest record is older than retentionMs. */
  enforceRetention(now: number, retentionMs: number): void {
    if (!(retentionMs >= 0)) return;
    let cut = -1;
    for (const seg of this.segments) {
      if (seg.count === 0 || seg.maxTimestamp >= now - retentionMs) break;
      cut = seg.nextOffset;
    }
    if (cut > this.logStartOffset) this.deleteRecordsBefore(cut);
  }

  close(): void {
    for (const s of this.segments) s.close();
    this.notify();
  }
}
