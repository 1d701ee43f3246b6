// snappy, lz4 and zstd for record batches, from native npm packages that ship prebuilt
// binaries (snappy, lz4-napi, @mongodb-js/zstd). A package that fails to load leaves its
// codec unavailable: the broker then answers UNSUPPORTED_COMPRESSION_TYPE for it.
// Imported by compression.ts, which registers these.

import { createRequire } from 'node:module';
import { CODEC_LZ4, CODEC_SNAPPY } from './record-batch.js';

const require = createRequire(import.meta.url);

/** The synchronous codecs that loaded, by codec id. */
/** A record batch compression codec. */
export interface Codec {
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

export const nativeCodecs = new Map<number, Codec>();

function load<T>(name: string): T | undefined {
  try {
    return require(name) as T;
  } catch {
    return undefined;
  }
}

// Java clients frame snappy data the xerial way: a magic header, two int32 versions, then
// blocks each preceded by an int32 length. librdkafka and others send raw snappy.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

interface SnappyModule {
  compressSync(d: Buffer): Buffer;
  uncompressSync(d: Buffer, o?: { asBuffer: boolean }): Buffer | string;
}
const snappy = load<SnappyModule>('snappy');
if (snappy) {
  const raw = (d: Buffer) => snappy.uncompressSync(d, { asBuffer: true }) as Buffer;
  nativeCodecs.set(CODEC_SNAPPY, {
    compress: (d) => snappy.compressSync(d),
    decompress(d) {
      if (d.length < 16 || !d.subarray(0, 8).equals(XERIAL_MAGIC)) return raw(d);
      const parts: Buffer[] = [];
      let p = 16;
      while (p + 4 <= d.length) {
        const n = d.readInt32BE(p);
        p += 4;
        if (n < 0 || p + n > d.length) throw new Error('truncated xerial snappy block');
        parts.push(raw(d.subarray(p, p + n)));
        p += n;
      }
      return Buffer.concat(parts);
    },
  });
}

interface Lz4Module {
  compressFrameSync(d: Buffer): Buffer;
  decompressFrameSync(d: Buffer): Buffer;
}
const lz4 = load<Lz4Module>('lz4-napi');
if (lz4) nativeCodecs.set(CODEC_LZ4, { compress: (d) => lz4.compressFrameSync(d), decompress: (d) => lz4.decompressFrameSync(d) });

interface ZstdModule {
  compress(d: Buffer, level?: number): Promise<Buffer>;
  decompress(d: Buffer): Promise<Buffer>;
}
/** zstd is asynchronous only: the broker decompresses zstd batches before storing them. */
export const zstd = load<ZstdModule>('@mongodb-js/zstd');
