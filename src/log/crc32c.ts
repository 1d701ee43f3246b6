// CRC-32C (Castagnoli), the checksum of Kafka record batches (magic 2). Uses the SIMD
// implementation of @node-rs/crc32 when it loads, else slicing-by-8 in JavaScript.

import { createRequire } from 'node:module';

const POLY = 0x82f63b78;
const T = new Int32Array(256 * 8);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let s = 1; s < 8; s++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[s * 256 + n] = c;
  }
}

/** CRC-32C of buf[start, end) in JavaScript, as an unsigned 32-bit number. */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = ~0;
  let i = start;
  const fast = end - 8;
  while (i <= fast) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      T[1792 + (a & 0xff)] ^
      T[1536 + ((a >>> 8) & 0xff)] ^
      T[1280 + ((a >>> 16) & 0xff)] ^
      T[1024 + (a >>> 24)] ^
      T[768 + buf[i + 4]] ^
      T[512 + buf[i + 5]] ^
      T[256 + buf[i + 6]] ^
      T[buf[i + 7]];
    i += 8;
  }
  while (i < end) crc = T[(crc ^ buf[i++]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

type NativeCrc = (input: Buffer, initial?: number) => number;
let native: NativeCrc | undefined;
try {
  native = (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: NativeCrc }).crc32c;
  if (native(Buffer.from('123456789')) !== 0xe3069283) native = undefined;
} catch {
  native = undefined;
}

/** CRC-32C of buf[start, end), as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  if (native !== undefined && end - start >= 64) {
    const b = buf as Buffer;
    return native(start === 0 && end === b.length ? b : b.subarray(start, end)) >>> 0;
  }
  return crc32cJs(buf, start, end);
}
