// Record batch body codecs (synchronous). gzip comes from zlib; snappy and lz4 from native
// packages registered by codecs-native.ts. zstd, asynchronous only, is handled there too.

import { gunzipSync, gzipSync } from 'node:zlib';
import { CODEC_GZIP, CODEC_LZ4, CODEC_NONE, CODEC_SNAPPY, CODEC_ZSTD } from './record-batch.js';
import { LogError, ErrorCode } from './errors.js';
import { nativeCodecs, zstd, type Codec } from './codecs-native.js';

export type { Codec } from './codecs-native.js';

const codecs = new Map<number, Codec>([[CODEC_GZIP, { compress: (d) => gzipSync(d), decompress: (d) => gunzipSync(d) }], ...nativeCodecs]);

export const CODEC_NAMES: Record<number, string> = {
  [CODEC_NONE]: 'none',
  [CODEC_GZIP]: 'gzip',
  [CODEC_SNAPPY]: 'snappy',
  [CODEC_LZ4]: 'lz4',
  [CODEC_ZSTD]: 'zstd',
};

export function registerCodec(id: number, codec: Codec): void {
  codecs.set(id, codec);
}

/** True when batches with this codec can be accepted (zstd ones are stored decompressed). */
export function codecAvailable(id: number): boolean {
  return id === CODEC_NONE || codecs.has(id) || (id === CODEC_ZSTD && zstd !== undefined);
}

/** zstd is asynchronous only. */
export async function zstdDecompress(data: Buffer): Promise<Buffer> {
  if (!zstd) throw new LogError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd is not available on this server');
  return zstd.decompress(data);
}

export async function zstdCompress(data: Buffer): Promise<Buffer> {
  if (!zstd) throw new LogError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd is not available on this server');
  return zstd.compress(data);
}

export function decompress(codec: number, data: Buffer): Buffer {
  const c = codecs.get(codec);
  if (!c) {
    throw new LogError(
      ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
      `record batch compressed with ${CODEC_NAMES[codec] ?? `codec ${codec}`}, which this server cannot decompress`,
    );
  }
  return c.decompress(data);
}

export function compress(codec: number, data: Buffer): Buffer {
  const c = codecs.get(codec);
  if (!c) throw new LogError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `compression ${CODEC_NAMES[codec] ?? codec} is not available`);
  return c.compress(data);
}
