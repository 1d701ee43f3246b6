// The aggregation steps of sliding and count windows, over the operations the aggregator
// lends them (folding, emitting, the state store), so the aggregator only dispatches.

import type { LogRecord } from '../../log/topic-log.js';
import type { WindowSpec } from '../../plan/steps.js';
import type { OutputRow } from '../output-row.js';
import type { WindowEntry, WindowStore } from './window-store.js';
import { slidingChange, slidingRecordLate, slidingRetainFrom, slidingWindowOpen } from './sliding-windows.js';
import { completesCountWindow, countWindowsFor } from './count-windows.js';
import type { WindowSideState } from './window-state.js';
import type { TimeWindow } from './time-windows.js';

export interface WindowInput {
  key: unknown[];
  args: unknown[][];
  ts: number;
  rec: LogRecord;
}

export interface AggregationOps {
  spec: WindowSpec;
  store: WindowStore;
  side: WindowSideState;
  emitFinal: boolean;
  /** Number of aggregate calls (count windows keep their bounds after the call states). */
  calls: number;
  initial(): unknown[];
  fold(states: unknown[], args: unknown[][], undo: boolean): unknown[];
  /** A window changed: emitted now (EMIT CHANGES) or when it closes (EMIT FINAL). */
  changed(next: WindowEntry, old: WindowEntry | undefined, rec: LogRecord, rowtime: number, out: OutputRow[]): void;
  /** Emits a window's result now. */
  emit(next: WindowEntry, old: WindowEntry | undefined, rec: LogRecord, rowtime: number, out: OutputRow[]): void;
  /** Emits a tombstone for a window's previous bounds. */
  tombstone(old: WindowEntry, rec: LogRecord, out: OutputRow[]): void;
  late(input: WindowInput, missed: TimeWindow): void;
}

export function slidingAggregate(ops: AggregationOps, input: WindowInput, out: OutputRow[]): void {
  const { spec, store, side } = ops;
  const size = spec.sizeMs;
  const t = input.ts;
  const streamTime = store.streamTime;
  if (slidingRecordLate(t, size, spec.graceMs, streamTime)) {
    ops.late(input, { start: t - size, end: t });
    return;
  }
  const nearby = side.recordsIn(input.key, t - size - 1, t + 1 + size);
  let earlier: number | undefined;
  let laterWithin = false;
  for (const r of nearby) {
    if (r.ts < t && (earlier === undefined || r.ts > earlier)) earlier = r.ts;
    if (r.ts > t) laterWithin = true;
  }
  side.addRecord(input.key, t, input.args);
  const windows = new Map<number, WindowEntry>();
  for (const w of store.windowsStartingIn(input.key, t - size, t + 1)) windows.set(w.start, w);
  const change = slidingChange(t, size, new Set(windows.keys()), earlier, laterWithin);
  const steps: { start: number; old?: WindowEntry; created?: TimeWindow }[] = [
    ...change.update.map((start) => ({ start, old: windows.get(start)! })),
    ...change.create.map((w) => ({ start: w.start, created: w })),
  ].sort((a, b) => a.start - b.start);
  for (const s of steps) {
    const end = s.start + size;
    if (!slidingWindowOpen(end, spec.graceMs, streamTime)) {
      // Too late for this window (it may have been emitted); the record goes on to the open ones.
      ops.late(input, { start: s.start, end });
      continue;
    }
    let next: WindowEntry;
    if (s.old) {
      const rowtime = Math.max(s.old.rowtime, t);
      next = { key: input.key, start: s.old.start, end: s.old.end, states: ops.fold(s.old.states, input.args, false), rowtime };
    } else {
      const w = s.created!;
      let states = ops.initial();
      let rowtime = t;
      for (const r of side.recordsIn(input.key, w.start, w.end)) {
        states = ops.fold(states, r.args, false);
        if (r.ts > rowtime) rowtime = r.ts;
      }
      next = { key: input.key, start: w.start, end: w.end, states, rowtime };
    }
    store.put(next);
    ops.changed(next, s.old, input.rec, next.rowtime, out);
  }
  side.forgetBefore(slidingRetainFrom(store.streamTime, size, spec.graceMs));
}

/** A count window's bounds: its first and its latest record's time, kept after the call states. */
export function countWindowBounds(e: WindowEntry, calls: number): TimeWindow {
  return { start: e.states[calls] as number, end: e.states[calls + 1] as number };
}

export function countAggregate(ops: AggregationOps, input: WindowInput, out: OutputRow[]): void {
  const { size, advance } = ops.spec.records!;
  const c = ops.calls;
  const t = input.ts;
  const i = ops.side.recordCount(input.key);
  ops.side.setRecordCount(input.key, i + 1);
  for (const j of countWindowsFor(i, size, advance)) {
    const old = ops.store.get(input.key, j, j);
    const bounds = old ? countWindowBounds(old, c) : { start: t, end: t };
    const states = [...ops.fold(old ? old.states.slice(0, c) : ops.initial(), input.args, false), bounds.start, t];
    const rowtime = old ? Math.max(old.rowtime, t) : t;
    const next: WindowEntry = { key: input.key, start: j, end: j, states, rowtime };
    const complete = completesCountWindow(i, j, size, advance);
    // A complete window never changes again; its result lives on in the sink.
    if (complete) ops.store.delete(input.key, j, j);
    else ops.store.put(next);
    if (ops.emitFinal) {
      if (complete) ops.emit(next, undefined, input.rec, rowtime, out);
      continue;
    }
    if (old && (states[c] !== old.states[c] || states[c + 1] !== old.states[c + 1])) ops.tombstone(old, input.rec, out);
    ops.emit(next, old, input.rec, rowtime, out);
  }
}
