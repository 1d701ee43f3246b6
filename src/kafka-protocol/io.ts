// Byte-level reader and writer for the Kafka wire protocol (big-endian, classic and
// flexible encodings). The reader throws ProtocolError on any overrun.

import { EddyError } from '../common/errors.js';

export class ProtocolError extends EddyError {
  override readonly kind = 'protocol';
}

const TWO32 = 4294967296;

export class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new ProtocolError(`request truncated: need ${n} bytes at ${p}, frame ends at ${this.end}`);
    this.pos = p + n;
    return p;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  int64(): number {
    const p = this.need(8);
    return this.buf.readInt32BE(p) * TWO32 + this.buf.readUInt32BE(p + 4);
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  uuid(): Buffer {
    const p = this.need(16);
    return this.buf.subarray(p, p + 16);
  }

  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.need(1)];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new ProtocolError('unsigned varint longer than 5 bytes');
  }

  /** Raw bytes of length n (a view into the frame). */
  take(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n}`);
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new ProtocolError('null where a string is required');
    return this.take(n).toString('utf8');
  }
  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.take(n).toString('utf8');
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.take(n - 1).toString('utf8');
  }
  bytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.take(n);
  }
  compactBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.take(n - 1);
  }
  /** Array length, or -1 for null. */
  arrayLength(flexible: boolean): number {
    const n = flexible ? this.uvarint() - 1 : this.int32();
    if (n > this.remaining) throw new ProtocolError(`array length ${n} exceeds the ${this.remaining} bytes left`);
    return n < 0 ? -1 : n;
  }
}

const CHUNK_THRESHOLD = 4096;

/** Growable output buffer; large byte blobs are kept as separate chunks (no copy). */
export class Writer {
  private buf: Buffer;
  private pos = 0;
  private chunks: Buffer[] = [];
  private chunked = 0;

  constructor(initial = 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  get length(): number {
    return this.chunked + this.pos;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }
  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }
  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }
  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  int64(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / TWO32);
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(v - hi * TWO32, this.pos + 4);
    this.pos += 8;
  }
  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }
  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }
  uvarint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }
  raw(b: Uint8Array): void {
    if (b.length >= CHUNK_THRESHOLD) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.chunked += this.pos;
      this.chunks.push(b as Buffer);
      this.chunked += b.length;
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      return;
    }
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.int16(n);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }
  nullableString(s: string | null): void {
    if (s === null) this.int16(-1);
    else this.string(s);
  }
  compactNullableString(s: string | null): void {
    if (s === null) return this.uvarint(0);
    const n = Buffer.byteLength(s);
    this.uvarint(n + 1);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }
  bytes(b: Uint8Array | null): void {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.raw(b);
  }
  compactBytes(b: Uint8Array | null): void {
    if (b === null) return this.uvarint(0);
    this.uvarint(b.length + 1);
    this.raw(b);
  }
  arrayLength(n: number, flexible: boolean): void {
    if (flexible) this.uvarint(n + 1);
    else this.int32(n);
  }

  /** Overwrites an int32 written earlier (for size prefixes). */
  patchInt32(at: number, v: number): void {
    if (at + 4 > this.chunked + this.pos || at < this.chunked) throw new Error('patch outside the current buffer');
    this.buf.writeInt32BE(v, at - this.chunked);
  }

  /** The written bytes as a list of buffers. */
  finish(): Buffer[] {
    const out = this.chunks;
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    return out;
  }
}
