// Sliding windows with Kafka Streams' semantics. A window covers [start, start + SIZE], both
// ends inclusive, and windows exist only where their set of records is distinct:
//   - the left window of every record time t: [t - SIZE, t];
//   - the right window of every record time t: [t + 1, t + 1 + SIZE], when it holds a record.
// A new record at t is added to every existing window containing it, and may create its
// own left window, its own right window (when later records are within SIZE: it arrived out
// of order) and the right window of the latest earlier record (which held nothing before).
// A created window's result is folded from the buffered records it covers.
// A window is open while stream time has not passed its end plus the grace period. As in
// Kafka Streams, a record goes into the windows that are still open and misses the closed
// ones; it is dropped whole once even its right window would be closed.

import type { TimeWindow } from './time-windows.js';

/** Which windows a record at `t` changes: existing ones to update, new ones to create. */
export interface SlidingChange {
  /** Starts of existing windows containing t (each gets the record). */
  update: number[];
  /** New windows (their result is folded from the buffered records they cover). */
  create: TimeWindow[];
}

/**
 * `existing`: starts of the key's windows with a start in [t - size - 1, t + 1];
 * `earlier`: the latest record time before t (undefined if none);
 * `laterWithin`: whether a record exists in (t, t + 1 + size].
 */
export function slidingChange(t: number, size: number, existing: Set<number>, earlier: number | undefined, laterWithin: boolean): SlidingChange {
  const update: number[] = [];
  for (const s of existing) if (s <= t && t <= s + size) update.push(s);
  const created = new Set<number>();
  const consider = (start: number): void => {
    if (!existing.has(start)) created.add(start);
  };
  consider(t - size);
  if (laterWithin) consider(t + 1);
  if (earlier !== undefined && earlier + 1 + size >= t) consider(earlier + 1);
  return {
    update: update.sort((a, b) => a - b),
    create: [...created].sort((a, b) => a - b).map((start) => ({ start, end: start + size })),
  };
}

/** A sliding window is open while stream time has not passed its end plus the grace period. */
export function slidingWindowOpen(end: number, graceMs: number, streamTime: number): boolean {
  return end + graceMs >= streamTime;
}

/** A record every window of which (the latest one being its right window) is closed. */
export function slidingRecordLate(t: number, size: number, graceMs: number, streamTime: number): boolean {
  return !slidingWindowOpen(t + 1 + size, graceMs, streamTime);
}

/** Buffered records before this time can no longer fall into a window created from now on. */
export function slidingRetainFrom(streamTime: number, size: number, graceMs: number): number {
  return streamTime - graceMs - size - 1;
}
