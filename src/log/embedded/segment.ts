// One segment file of a partition: RecordBatch v2 bytes appended back to back, named by
// the first offset it holds, with an in-memory index of its batches (rebuilt at open).

import fs from 'node:fs';
import path from 'node:path';

function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  const b = new (a.constructor as { new (n: number): T })(n);
  b.set(a);
  return b;
}

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

export class Segment {
  /** Batch i covers offsets [base[i], next[i]) and bytes [pos[i], pos[i] + len[i]). */
  base = new Float64Array(64);
  next = new Float64Array(64);
  pos = new Float64Array(64);
  len = new Int32Array(64);
  /** Largest timestamp of batches 0..i (monotonic, for timestamp look-ups). */
  maxTs = new Float64Array(64);
  count = 0;
  size = 0;

  private constructor(
    readonly baseOffset: number,
    readonly file: string,
    public fd: number,
  ) {}

  static create(dir: string, baseOffset: number): Segment {
    const file = path.join(dir, segmentFileName(baseOffset));
    return new Segment(baseOffset, file, fs.openSync(file, 'a+'));
  }

  static openExisting(file: string, baseOffset: number): Segment {
    const seg = new Segment(baseOffset, file, fs.openSync(file, 'a+'));
    return seg;
  }

  get nextOffset(): number {
    return this.count === 0 ? this.baseOffset : this.next[this.count - 1];
  }

  get maxTimestamp(): number {
    return this.count === 0 ? -1 : this.maxTs[this.count - 1];
  }

  /** Adds an index entry for a batch already at byte position pos. */
  index(base: number, next: number, pos: number, len: number, maxTimestamp: number): void {
    const i = this.count;
    if (i === this.base.length) {
      const n = i * 2;
      this.base = grow(this.base, n);
      this.next = grow(this.next, n);
      this.pos = grow(this.pos, n);
      this.len = grow(this.len, n);
      this.maxTs = grow(this.maxTs, n);
    }
    this.base[i] = base;
    this.next[i] = next;
    this.pos[i] = pos;
    this.len[i] = len;
    this.maxTs[i] = i > 0 && this.maxTs[i - 1] > maxTimestamp ? this.maxTs[i - 1] : maxTimestamp;
    this.count = i + 1;
  }

  /** Writes a batch at the end of the file (a plain write: in the page cache once it returns). */
  append(batch: Buffer, base: number, next: number, maxTimestamp: number): void {
    let done = 0;
    while (done < batch.length) done += fs.writeSync(this.fd, batch, done, batch.length - done, this.size + done);
    this.index(base, next, this.size, batch.length, maxTimestamp);
    this.size += batch.length;
  }

  /** Index of the first batch whose range ends after offset (count when none). */
  find(offset: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.next[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first batch whose running max timestamp is >= ts (count when none). */
  findTimestamp(ts: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.maxTs[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  read(from: number, to: number): Buffer {
    const start = this.pos[from];
    const end = this.pos[to - 1] + this.len[to - 1];
    const buf = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < buf.length) {
      const n = fs.readSync(this.fd, buf, done, buf.length - done, start + done);
      if (n === 0) throw new Error(`segment ${this.file} is shorter than its index`);
      done += n;
    }
    return buf;
  }

  truncateTo(batches: number, bytes: number): void {
    fs.ftruncateSync(this.fd, bytes);
    this.count = batches;
    this.size = bytes;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  remove(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }
}
