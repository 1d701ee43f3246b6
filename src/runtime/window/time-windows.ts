// Which time windows a record falls into. Windows are aligned to the epoch: a TUMBLING
// window of size S covers [n*S, (n+1)*S); HOPPING windows of size S advancing by A start at
// every multiple of A and cover [start, start + S). Records with negative timestamps fall
// into no window.

import type { WindowSpec } from '../../planner/query/aggregate.js';

export interface TimeWindow {
  start: number;
  end: number;
}

/** The windows containing `ts`, earliest start first. */
export function timeWindowsFor(ts: number, spec: WindowSpec): TimeWindow[] {
  if (ts < 0) return [];
  const size = spec.sizeMs;
  if (spec.type === 'TUMBLING') {
    const start = ts - (ts % size);
    return [{ start, end: start + size }];
  }
  const advance = spec.advanceMs;
  const lowest = Math.max(0, ts - size + advance);
  let start = lowest - (lowest % advance);
  const out: TimeWindow[] = [];
  for (; start <= ts; start += advance) {
    if (start + size > ts) out.push({ start, end: start + size });
  }
  return out;
}

/** A time window can still change while its end plus the grace period is after stream time. */
export function timeWindowOpen(end: number, graceMs: number, streamTime: number): boolean {
  return end > streamTime - graceMs;
}

/** A session can still change while its end plus gap and grace (`closeAfterMs`) is not before stream time. */
export function sessionOpen(end: number, closeAfterMs: number, streamTime: number): boolean {
  return end + closeAfterMs >= streamTime;
}

/** EMIT FINAL emits a window once stream time reaches its end plus the grace period. */
export function windowClosed(end: number, graceMs: number, streamTime: number): boolean {
  return end + graceMs <= streamTime;
}
