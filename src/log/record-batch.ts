// Kafka RecordBatch v2 (magic 2): the unit the embedded log stores on disk and the broker
// sends on the wire unchanged. Layout summary: ../shared/kafka-protocol/RECORD-FORMAT.md.

import { crc32c } from './crc32c.js';
import type { LogRecord, ProduceRecord, RecordHeader } from './topic-log.js';
import { EddyError } from '../common/errors.js';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before the batchLength-counted part: baseOffset (8) + batchLength (4). */
export const BATCH_LOG_OVERHEAD = 12;
export const ATTR_COMPRESSION = 0x07;
export const ATTR_LOG_APPEND_TIME = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

export const CODEC_NONE = 0;
export const CODEC_GZIP = 1;
export const CODEC_SNAPPY = 2;
export const CODEC_LZ4 = 3;
export const CODEC_ZSTD = 4;

export class CorruptBatchError extends EddyError {
  override readonly kind = 'log';
}

export interface BatchHeader {
  baseOffset: number;
  /** Total bytes of the batch including baseOffset and batchLength. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

const TWO32 = 4294967296;

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * TWO32, pos + 4);
}

/** Reads the 61-byte header at pos; the caller checks that the bytes are there. */
export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  return {
    baseOffset: readInt64(buf, pos),
    size: buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD,
    magic: buf.readInt8(pos + 16),
    crc: buf.readUInt32BE(pos + 17),
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp: readInt64(buf, pos + 27),
    maxTimestamp: readInt64(buf, pos + 35),
    producerId: readInt64(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordsCount: buf.readInt32BE(pos + 57),
  };
}

/** True when the stored CRC matches the bytes of the batch at pos (size bytes long). */
export function batchCrcValid(buf: Buffer, pos: number, size: number): boolean {
  return buf.readUInt32BE(pos + 17) === crc32c(buf, pos + 21, pos + size);
}

// ---- zig-zag varints (record fields) ----

function varintSize(v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

function smallVarintSize(v: number): number {
  // v is a non-negative length or count < 2^27
  const z = v * 2;
  return z < 0x80 ? 1 : z < 0x4000 ? 2 : z < 0x200000 ? 3 : z < 0x10000000 ? 4 : 5;
}

function writeVarint(buf: Buffer, pos: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) {
    let z = ((v << 1) ^ (v >> 31)) >>> 0;
    while (z >= 0x80) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[pos++] = z;
    return pos;
  }
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

// Decoder cursor shared by the read functions below (single-threaded, no re-entrancy).
let rp = 0;

function readVarint(buf: Buffer): number {
  let b = buf[rp++];
  if (b < 0x80) return b & 1 ? -((b + 1) / 2) : b / 2;
  let result = b & 0x7f;
  let mul = 128;
  for (let i = 0; i < 9; i++) {
    b = buf[rp++];
    if (b === undefined) throw new CorruptBatchError('varint runs past the end of the batch');
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result % 2 === 1 ? -((result + 1) / 2) : result / 2;
    mul *= 128;
  }
  throw new CorruptBatchError('varint longer than 10 bytes');
}

export interface BatchProducer {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

const NO_PRODUCER: BatchProducer = { producerId: -1, producerEpoch: -1, baseSequence: -1, transactional: false };
const sizes: { buf: Int32Array } = { buf: new Int32Array(1024) };

/** Encodes records into one uncompressed batch starting at baseOffset. */
export function encodeBatch(
  records: ProduceRecord[],
  baseOffset: number,
  now: number,
  producer: BatchProducer = NO_PRODUCER,
): Buffer {
  const n = records.length;
  if (sizes.buf.length < n) sizes.buf = new Int32Array(n * 2);
  const recSizes = sizes.buf;
  const first = records[0].timestamp ?? now;
  let maxTs = first;
  let total = BATCH_HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const ts = r.timestamp ?? now;
    if (ts > maxTs) maxTs = ts;
    let s = 1 + varintSize(ts - first) + smallVarintSize(i);
    const k = r.key;
    s += k === null ? 1 : smallVarintSize(k.length) + k.length;
    const v = r.value;
    s += v === null ? 1 : smallVarintSize(v.length) + v.length;
    const hs = r.headers;
    if (hs === undefined || hs.length === 0) s += 1;
    else {
      s += smallVarintSize(hs.length);
      for (const h of hs) {
        const kl = Buffer.byteLength(h.key);
        s += smallVarintSize(kl) + kl + (h.value === null ? 1 : smallVarintSize(h.value.length) + h.value.length);
      }
    }
    recSizes[i] = s;
    total += smallVarintSize(s) + s;
  }
  const buf = Buffer.allocUnsafe(total);
  writeInt64(buf, 0, baseOffset);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD, 8);
  buf.writeInt32BE(0, 12); // partition leader epoch
  buf[16] = 2;
  buf.writeInt16BE(producer.transactional ? ATTR_TRANSACTIONAL : 0, 21);
  buf.writeInt32BE(n - 1, 23);
  writeInt64(buf, 27, first);
  writeInt64(buf, 35, maxTs);
  writeInt64(buf, 43, producer.producerId);
  buf.writeInt16BE(producer.producerEpoch, 51);
  buf.writeInt32BE(producer.baseSequence, 53);
  buf.writeInt32BE(n, 57);
  let p = BATCH_HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    p = writeVarint(buf, p, recSizes[i]);
    buf[p++] = 0;
    p = writeVarint(buf, p, (r.timestamp ?? now) - first);
    p = writeVarint(buf, p, i);
    const k = r.key;
    if (k === null) buf[p++] = 1;
    else {
      p = writeVarint(buf, p, k.length);
      buf.set(k, p);
      p += k.length;
    }
    const v = r.value;
    if (v === null) buf[p++] = 1;
    else {
      p = writeVarint(buf, p, v.length);
      buf.set(v, p);
      p += v.length;
    }
    const hs = r.headers;
    if (hs === undefined || hs.length === 0) buf[p++] = 0;
    else {
      p = writeVarint(buf, p, hs.length);
      for (const h of hs) {
        const kl = Buffer.byteLength(h.key);
        p = writeVarint(buf, p, kl);
        buf.write(h.key, p, 'utf8');
        p += kl;
        if (h.value === null) buf[p++] = 1;
        else {
          p = writeVarint(buf, p, h.value.length);
          buf.set(h.value, p);
          p += h.value.length;
        }
      }
    }
  }
  buf.writeUInt32BE(crc32c(buf, 21, total), 17);
  return buf;
}

/** A transaction marker batch: one control record (ABORT or COMMIT). */
export function encodeControlBatch(
  commit: boolean,
  baseOffset: number,
  producerId: number,
  producerEpoch: number,
  timestamp: number,
): Buffer {
  // record: len, attrs, tsDelta 0, offDelta 0, key(4 bytes), value(6 bytes), headers 0
  const bodyLen = 1 + 1 + 1 + 1 + 4 + 1 + 6 + 1;
  const total = BATCH_HEADER_SIZE + 1 + bodyLen;
  const buf = Buffer.alloc(total);
  writeInt64(buf, 0, baseOffset);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD, 8);
  buf[16] = 2;
  buf.writeInt16BE(ATTR_TRANSACTIONAL | ATTR_CONTROL, 21);
  buf.writeInt32BE(0, 23);
  writeInt64(buf, 27, timestamp);
  writeInt64(buf, 35, timestamp);
  writeInt64(buf, 43, producerId);
  buf.writeInt16BE(producerEpoch, 51);
  buf.writeInt32BE(-1, 53);
  buf.writeInt32BE(1, 57);
  let p = BATCH_HEADER_SIZE;
  buf[p++] = bodyLen * 2;
  buf[p++] = 0; // attributes
  buf[p++] = 0; // timestamp delta
  buf[p++] = 0; // offset delta
  buf[p++] = 8; // key length 4
  buf.writeInt16BE(0, p); // version
  buf.writeInt16BE(commit ? 1 : 0, p + 2);
  p += 4;
  buf[p++] = 12; // value length 6
  buf.writeInt16BE(0, p); // version
  buf.writeInt32BE(0, p + 2); // coordinator epoch
  p += 6;
  buf[p++] = 0; // headers
  buf.writeUInt32BE(crc32c(buf, 21, total), 17);
  return buf;
}

/** For a control batch at pos: true for COMMIT, false for ABORT, undefined when unreadable. */
export function controlBatchIsCommit(buf: Buffer, pos: number, size: number): boolean | undefined {
  rp = pos + BATCH_HEADER_SIZE;
  const end = pos + size;
  try {
    readVarint(buf);
    rp++;
    readVarint(buf);
    readVarint(buf);
    const kl = readVarint(buf);
    if (kl < 4 || rp + 4 > end) return undefined;
    return buf.readInt16BE(rp + 2) === 1;
  } catch {
    return undefined;
  }
}

export type Decompressor = (codec: number, data: Buffer) => Buffer;

/** The headers of every decoded record that has none (most): one shared, frozen list rather than one per record. */
const NO_HEADERS: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];

/**
 * Decodes the records of the batch at pos (size bytes) whose offset is >= minOffset and
 * appends them to out. Keys, values and header values are views into buf (or into the
 * decompressed body). Returns the number of records appended.
 */
export function decodeBatchRecords(
  buf: Buffer,
  pos: number,
  size: number,
  topic: string,
  partition: number,
  minOffset: number,
  out: LogRecord[],
  decompress: Decompressor,
  maxOut = Infinity,
): number {
  const baseOffset = readInt64(buf, pos);
  const attributes = buf.readInt16BE(pos + 21);
  const baseTs = readInt64(buf, pos + 27);
  const logAppendTs = attributes & ATTR_LOG_APPEND_TIME ? readInt64(buf, pos + 35) : -1;
  const count = buf.readInt32BE(pos + 57);
  const codec = attributes & ATTR_COMPRESSION;
  let body = buf;
  let end = pos + size;
  rp = pos + BATCH_HEADER_SIZE;
  if (codec !== CODEC_NONE) {
    body = decompress(codec, buf.subarray(rp, end));
    rp = 0;
    end = body.length;
  }
  let added = 0;
  for (let i = 0; i < count && added < maxOut; i++) {
    const len = readVarint(body);
    const recEnd = rp + len;
    if (len < 6 || recEnd > end) throw new CorruptBatchError(`record ${i} of batch at offset ${baseOffset} overruns the batch`);
    rp++;
    const tsDelta = readVarint(body);
    const offset = baseOffset + readVarint(body);
    if (offset < minOffset) {
      rp = recEnd;
      continue;
    }
    const kl = readVarint(body);
    let key: Buffer | null = null;
    if (kl >= 0) {
      key = body.subarray(rp, rp + kl);
      rp += kl;
    }
    const vl = readVarint(body);
    let value: Buffer | null = null;
    if (vl >= 0) {
      value = body.subarray(rp, rp + vl);
      rp += vl;
    }
    const hc = readVarint(body);
    const headers: RecordHeader[] = hc > 0 ? [] : NO_HEADERS;
    for (let h = 0; h < hc; h++) {
      const hkl = readVarint(body);
      if (hkl < 0) throw new CorruptBatchError('null header key');
      const hk = body.toString('utf8', rp, rp + hkl);
      rp += hkl;
      const hvl = readVarint(body);
      let hv: Buffer | null = null;
      if (hvl >= 0) {
        hv = body.subarray(rp, rp + hvl);
        rp += hvl;
      }
      headers.push({ key: hk, value: hv });
    }
    if (rp !== recEnd) throw new CorruptBatchError(`record ${i} of batch at offset ${baseOffset} has a wrong length`);
    out.push({
      topic,
      partition,
      offset,
      timestamp: logAppendTs >= 0 ? logAppendTs : baseTs + tsDelta,
      key,
      value,
      headers,
    });
    added++;
  }
  return added;
}

function skipBytes(buf: Buffer, end: number, what: string, allowNull: boolean): void {
  const n = readVarint(buf);
  if (n < -1 || (n === -1 && !allowNull) || rp + Math.max(n, 0) > end) throw new CorruptBatchError(`bad ${what} length ${n}`);
  if (n > 0) rp += n;
}

/**
 * Checks that the records of a client's batch are well formed (lengths, varints, offset
 * deltas 0..n-1), decompressing when needed. Throws CorruptBatchError.
 */
export function validateBatchRecords(buf: Buffer, pos: number, size: number, decompress: Decompressor): void {
  const attributes = buf.readInt16BE(pos + 21);
  const count = buf.readInt32BE(pos + 57);
  if (buf.readInt32BE(pos + 23) !== count - 1) throw new CorruptBatchError('lastOffsetDelta does not match the record count');
  let body = buf;
  let end = pos + size;
  rp = pos + BATCH_HEADER_SIZE;
  if ((attributes & ATTR_COMPRESSION) !== CODEC_NONE) {
    try {
      body = decompress(attributes & ATTR_COMPRESSION, buf.subarray(rp, end));
    } catch (e) {
      if (e instanceof Error && e.constructor.name === 'LogError') throw e;
      throw new CorruptBatchError(`cannot decompress the batch: ${(e as Error).message}`);
    }
    rp = 0;
    end = body.length;
  }
  for (let i = 0; i < count; i++) {
    const len = readVarint(body);
    const recEnd = rp + len;
    if (len < 6 || recEnd > end) throw new CorruptBatchError(`record ${i} overruns the batch`);
    rp++;
    readVarint(body);
    if (readVarint(body) !== i) throw new CorruptBatchError(`record ${i} has a wrong offset delta`);
    skipBytes(body, recEnd, 'key', true);
    skipBytes(body, recEnd, 'value', true);
    const hc = readVarint(body);
    if (hc < 0 || hc > len) throw new CorruptBatchError(`bad header count ${hc}`);
    for (let h = 0; h < hc; h++) {
      skipBytes(body, recEnd, 'header key', false);
      skipBytes(body, recEnd, 'header value', true);
    }
    if (rp !== recEnd) throw new CorruptBatchError(`record ${i} has a wrong length`);
  }
  if (rp !== end) throw new CorruptBatchError('bytes after the last record');
}

/** A copy of a compressed batch with its records stored uncompressed (fresh length and CRC). */
export function withUncompressedBody(batch: Buffer, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + body.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  body.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD, 8);
  out.writeInt16BE(out.readInt16BE(21) & ~ATTR_COMPRESSION, 21);
  out.writeUInt32BE(crc32c(out, 21, out.length), 17);
  return out;
}

/** Makes an encoded batch a transactional producer's (attributes, producer id, epoch, sequence), CRC renewed. */
export function stampTransactional(batch: Buffer, producerId: number, epoch: number, baseSequence: number): void {
  batch.writeInt16BE(batch.readInt16BE(21) | ATTR_TRANSACTIONAL, 21);
  writeInt64(batch, 43, producerId);
  batch.writeInt16BE(epoch, 51);
  batch.writeInt32BE(baseSequence, 53);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
}
