// Windowed keys in the Kafka Streams layout ksqlDB uses on its topics:
//   time windows (TUMBLING, HOPPING):  <key bytes><start: int64 BE>
//   session windows:                   <key bytes><end: int64 BE><start: int64 BE>
// A time window's end is not stored; readers add the window size to the start. SLIDING
// windows are time windows (end = start + size); COUNT windows, whose length varies, use
// the session layout.

export type WindowKind = 'TUMBLING' | 'HOPPING' | 'SESSION' | 'SLIDING' | 'COUNT';

/** Window kinds whose key carries both bounds (the session layout). */
export function keyHoldsWindowEnd(kind: WindowKind): boolean {
  return kind === 'SESSION' || kind === 'COUNT';
}

export interface WindowBounds {
  start: number;
  end: number;
}

export function serializeWindowedKey(key: Buffer | null, kind: WindowKind, w: WindowBounds): Buffer {
  const k = key ?? Buffer.alloc(0);
  if (keyHoldsWindowEnd(kind)) {
    const out = Buffer.allocUnsafe(k.length + 16);
    k.copy(out, 0);
    out.writeBigInt64BE(BigInt(w.end), k.length);
    out.writeBigInt64BE(BigInt(w.start), k.length + 8);
    return out;
  }
  const out = Buffer.allocUnsafe(k.length + 8);
  k.copy(out, 0);
  out.writeBigInt64BE(BigInt(w.start), k.length);
  return out;
}

/** Splits a windowed key; `sizeMs` gives the end of time windows. Throws when too short. */
export function deserializeWindowedKey(bytes: Buffer, kind: WindowKind, sizeMs = 0): { key: Buffer; window: WindowBounds } {
  if (keyHoldsWindowEnd(kind)) {
    if (bytes.length < 16) throw new Error(`Session-windowed key needs at least 16 bytes, got ${bytes.length}`);
    const at = bytes.length - 16;
    const end = Number(bytes.readBigInt64BE(at));
    const start = Number(bytes.readBigInt64BE(at + 8));
    return { key: bytes.subarray(0, at), window: { start, end } };
  }
  if (bytes.length < 8) throw new Error(`Time-windowed key needs at least 8 bytes, got ${bytes.length}`);
  const at = bytes.length - 8;
  const start = Number(bytes.readBigInt64BE(at));
  return { key: bytes.subarray(0, at), window: { start, end: start + sizeMs } };
}
