// The aggregation operator: folds source rows into per-group (and per-window) states kept in
// an AggregateStateStore and emits the changed result rows.
//
// - Stream sources: each row is added to its group's state (and to each window it falls in).
// - Table sources: each row replaces what its source key contributed before: the old
//   contribution is retracted (undo) from its group, then the new one added; a tombstone
//   only retracts. Both steps emit, as ksqlDB does.
// - Windows: TUMBLING/HOPPING rows later than window end + grace are dropped; SESSION rows
//   merge every session within the gap into one (the merged-away sessions get tombstones).
//   SLIDING and COUNT windows are src/runtime/window/window-aggregation.ts's, over the
//   operations lent to it here. Late records are counted and kept through `hooks.progress`.
// - HAVING: a result that fails it is not emitted; if the previous result passed, a
//   tombstone is emitted instead.
// - EMIT FINAL: nothing is emitted on update; a window's result is emitted once when stream
//   time reaches its end plus the grace period (unless, as in ksqlDB, a jump of record time
//   left it beyond the retention first: then it is counted and logged as expired).
// - cache.max.bytes.buffering > 0 (persistent queries, not sessions or EMIT FINAL): changes
//   collapse per group in an EmitCache until flushCache() (see emit-cache.ts).

import { rowKeyReader } from '../../planner/query/layout.js';
import type { LogRecord } from '../../log/topic-log.js';
import { AggregateOverflowError, aggregateLimits } from '../../functions/aggregate/aggregates.js';
import { QueryFailure } from '../query-failure.js';
import type { AnalyzedQuery } from '../../planner/query/analyze.js';
import type { AggregateCall, AggregateStep } from '../../planner/query/aggregate.js';
import type { OutputRow } from '../output-row.js';
import { type AggregateEntry, type AggregateStateStore, groupKeyText } from './state-store.js';
import { sessionOpen, timeWindowOpen, timeWindowsFor, windowClosed, type TimeWindow } from '../window/time-windows.js';
import { slidingWindowOpen } from '../window/sliding-windows.js';
import { WindowSideState } from '../window/window-state.js';
import type { WindowProgress } from '../window/progress.js';
import { countAggregate, countWindowBounds, slidingAggregate, type AggregationOps } from '../window/window-aggregation.js';
import { EmitCache, type ChangeSource } from './emit-cache.js';

export interface AggregatorHooks {
  /** Output key / value projections over the aggregate row. */
  projectKey: (row: unknown[]) => unknown[];
  projectValue: (row: unknown[]) => unknown[];
  logError: (step: string, message: string, row: unknown[] | null, e: unknown) => void;
  /** Windowed aggregations: late records, expired windows and stream time are reported here. */
  progress?: WindowProgress;
  /** cache.max.bytes.buffering: above 0, changes collapse per group until flushCache(). */
  cacheMaxBytes?: number;
}

interface Input {
  key: unknown[];
  args: unknown[][];
  ts: number;
  rec: LogRecord;
}

export class Aggregator {
  private readonly step: AggregateStep;
  private readonly calls: AggregateCall[];
  private readonly sourceKeyOf: (row: unknown[]) => unknown[];
  private readonly rowtimeIndex: number;
  /** EMIT FINAL: windows not yet emitted, by id. Loaded from the store on first use. */
  private open: Map<string, AggregateEntry> | null = null;
  /** TUMBLING/HOPPING EMIT FINAL: the latest window start put in the store. Read from the store on first use. */
  private latestStart: number | null = null;
  /** Sliding and count windows: their operations and the state they keep beside the aggregates. */
  private windowOps: AggregationOps | null = null;
  private readonly cache: EmitCache | null;
  private readonly noArgs: unknown[][];

  constructor(
    analysis: AnalyzedQuery,
    private readonly store: AggregateStateStore,
    private readonly hooks: AggregatorHooks,
  ) {
    this.step = analysis.aggregate!;
    this.calls = this.step.calls;
    this.sourceKeyOf = rowKeyReader(analysis.layout);
    this.rowtimeIndex = analysis.layout.rowtimeIndex;
    const spec = this.step.window;
    // Collapsing per commit interval (ksqlDB's record cache) applies to plain and time-windowed aggregations.
    const collapsible = !this.step.emitFinal && (!spec || spec.type === 'TUMBLING' || spec.type === 'HOPPING');
    this.cache = collapsible && (hooks.cacheMaxBytes ?? 0) > 0 ? new EmitCache(hooks.cacheMaxBytes!) : null;
    this.noArgs = this.calls.map(() => []);
    store.onDiscard(() => {
      this.open = null;
      this.latestStart = null;
      this.cache?.clear();
    });
    if (spec && (spec.type === 'SLIDING' || spec.type === 'COUNT')) this.windowOps = this.lendOps(new WindowSideState(store, groupKeyText));
  }

  /** Whether collapsed changes wait to be flushed, and whether they exceed the cache's budget. */
  get cached(): { pending: number; full: boolean } {
    return { pending: this.cache?.size ?? 0, full: this.cache?.full ?? false };
  }

  /**
   * Emits the collapsed changes (at commit, or when the cache is full), at most `size` rows
   * at a time: the rows of one chunk can be produced before the next is made, so a flush of
   * many groups never holds all their output rows and records at once.
   */
  *flushCache(size: number): Generator<OutputRow[]> {
    if (!this.cache) return;
    const changes = this.cache.drain();
    for (let i = 0; i < changes.length; i += size) {
      const out: OutputRow[] = [];
      const end = Math.min(changes.length, i + size);
      for (let j = i; j < end; j++) {
        const c = changes[j]!;
        this.emitNow(c.next, c.old, c.src, c.rowtime, out);
      }
      yield out;
    }
  }

  private lendOps(side: WindowSideState): AggregationOps {
    return {
      spec: this.step.window!,
      store: this.store,
      side,
      emitFinal: this.step.emitFinal,
      calls: this.calls.length,
      initial: () => this.initial(),
      fold: (states, args, undo) => this.fold(states, args, undo),
      changed: (next, old, rec, rowtime, out) => this.changed(next, old, rec, rowtime, out),
      emit: (next, old, rec, rowtime, out) => this.emit(next, old, rec, rowtime, out),
      tombstone: (old, rec, out) => {
        out.push({ key: this.hooks.projectKey(this.aggregateRow(old)), value: null, rowtime: old.rowtime, headers: [], partition: rec.partition, offset: rec.offset, window: this.windowOf(old) });
      },
      late: (input, w) => this.late(input, w.start, w.end),
    };
  }

  // ---------------------------------------------------------------- input

  private input(row: unknown[], rec: LogRecord): Input | null {
    const groupBy = this.step.groupBy;
    const key = new Array<unknown>(groupBy.length);
    for (let i = 0; i < groupBy.length; i++) {
      const g = groupBy[i]!;
      let v: unknown;
      if (g.columnIndex !== undefined) v = row[g.columnIndex];
      else {
        try {
          v = g.evaluate(row);
        } catch (e) {
          this.hooks.logError('Aggregate.GroupBy', `Error computing GROUP BY expression ${g.text}`, row, e);
          v = null;
        }
      }
      if (v === null || v === undefined) return null;
      key[i] = v;
    }
    const calls = this.calls;
    let args = this.noArgs;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (c.args.length === 0) continue;
      if (args === this.noArgs) args = this.noArgs.slice();
      const values = new Array<unknown>(c.args.length);
      for (let j = 0; j < c.args.length; j++) {
        const a = c.args[j]!;
        if (a.columnIndex !== undefined) values[j] = row[a.columnIndex] ?? null;
        else {
          try {
            values[j] = a.evaluate(row) ?? null;
          } catch (e) {
            this.hooks.logError('Aggregate.Aggregate', `Error computing argument ${a.text} of ${c.text}`, row, e);
            values[j] = null;
          }
        }
      }
      args[i] = values;
    }
    return { key, args, ts: row[this.rowtimeIndex] as number, rec };
  }

  private initial(): unknown[] {
    return this.calls.map((c) => c.fn.initialize());
  }

  private fold(states: unknown[], args: unknown[][], undo: boolean): unknown[] {
    const calls = this.calls;
    const next = new Array<unknown>(calls.length);
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      try {
        if (undo) next[i] = c.fn.undo ? c.fn.undo(states[i], args[i]!) : states[i];
        else next[i] = c.fn.aggregate(states[i], args[i]!);
      } catch (e) {
        if (e instanceof AggregateOverflowError) {
          throw new QueryFailure(`Error in aggregate function ${c.text}: ${e.message}. The query stops (as ksqlDB's does): declare a wider DECIMAL type and create the query again.`);
        }
        this.hooks.logError('Aggregate.Aggregate', `Error in aggregate function ${c.text}`, null, e);
        next[i] = states[i];
      }
    }
    return next;
  }

  // ---------------------------------------------------------------- entry points

  /** Rows of a stream source, or new/updated rows of a table source. */
  add(rows: unknown[][], meta: LogRecord[], out: OutputRow[]): void {
    Object.assign(aggregateLimits, this.step.limits);
    if (!this.step.sourceIsTable && !this.step.window && rows.length > 1) {
      this.addToGroups(rows, meta, out);
      return;
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const rec = meta[i]!;
      if ((row as { nullValue?: boolean }).nullValue === true) continue;
      if (this.step.sourceIsTable) {
        this.update(row, rec, out);
        continue;
      }
      const input = this.input(row, rec);
      if (!input) continue;
      this.store.observe(input.ts);
      this.hooks.progress?.observe(rec, input.ts);
      if (!this.step.window) this.accumulate(input, out);
      else if (this.step.window.type === 'SESSION') this.session(input, out);
      else if (this.step.window.type === 'SLIDING') slidingAggregate(this.windowOps!, input, out);
      else if (this.step.window.type === 'COUNT') countAggregate(this.windowOps!, input, out);
      else this.timeWindows(input, out);
      if (this.step.emitFinal && this.step.window?.type !== 'COUNT') this.emitClosed(out);
    }
  }

  /** Stream rows without a window: the groups of the batch are read in one go, then folded in order. */
  private addToGroups(rows: unknown[][], meta: LogRecord[], out: OutputRow[]): void {
    const inputs: Input[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if ((row as { nullValue?: boolean }).nullValue === true) continue;
      const input = this.input(row, meta[i]!);
      if (input) inputs.push(input);
    }
    this.store.prefetch(inputs.map((input) => input.key));
    for (const input of inputs) {
      this.store.observe(input.ts);
      this.accumulate(input, out);
    }
  }

  /** A new or updated table row: retract what its key contributed before, then add it. */
  private update(row: unknown[], rec: LogRecord, out: OutputRow[]): void {
    const sk = groupKeyText(this.sourceKeyOf(row));
    const input = this.input(row, rec);
    const prev = this.store.getContribution(sk);
    if (input && prev && groupKeyText(prev.key) === groupKeyText(input.key)) {
      // Same group: one change (undo the old contribution and add the new one).
      const old = this.store.get(input.key);
      const base = old ? old.states : this.initial();
      const states = this.fold(this.fold(base, prev.args, true), input.args, false);
      const next: AggregateEntry = { key: input.key, start: 0, end: 0, states, rowtime: input.ts };
      this.store.put(next);
      this.store.setContribution(sk, { key: input.key, args: input.args });
      this.emit(next, old, rec, input.ts, out);
      return;
    }
    this.retract(sk, rec, row[this.rowtimeIndex] as number, out);
    if (input) {
      this.store.setContribution(sk, { key: input.key, args: input.args });
      this.accumulate(input, out);
    }
  }

  /** A table source row deleted (tombstone) or no longer passing WHERE. */
  remove(sourceKey: unknown[], rec: LogRecord, out: OutputRow[]): void {
    Object.assign(aggregateLimits, this.step.limits);
    this.retract(groupKeyText(sourceKey), rec, rec.timestamp, out);
  }

  private retract(sk: string, rec: LogRecord, ts: number, out: OutputRow[]): void {
    const prev = this.store.getContribution(sk);
    if (!prev) return;
    this.store.setContribution(sk, null);
    const entry = this.store.get(prev.key);
    if (!entry) return;
    const states = this.fold(entry.states, prev.args, true);
    const next: AggregateEntry = { ...entry, states, rowtime: ts };
    this.store.put(next);
    this.emit(next, entry, rec, ts, out);
  }

  // ---------------------------------------------------------------- non-windowed and time windows

  private accumulate(input: Input, out: OutputRow[]): void {
    const old = this.store.get(input.key);
    const states = this.fold(old ? old.states : this.initial(), input.args, false);
    const rowtime = this.step.sourceIsTable || !old ? input.ts : Math.max(old.rowtime, input.ts);
    const next: AggregateEntry = { key: input.key, start: 0, end: 0, states, rowtime };
    this.store.put(next);
    this.emit(next, old, input.rec, rowtime, out);
  }

  private timeWindows(input: Input, out: OutputRow[]): void {
    const spec = this.step.window!;
    const streamTime = this.store.streamTime;
    for (const w of timeWindowsFor(input.ts, spec)) {
      if (!timeWindowOpen(w.end, spec.graceMs, streamTime)) {
        this.late(input, w.start, w.end);
        continue;
      }
      const old = this.store.get(input.key, w.start, w.end);
      const states = this.fold(old ? old.states : this.initial(), input.args, false);
      const rowtime = old ? Math.max(old.rowtime, input.ts) : input.ts;
      const next: AggregateEntry = { key: input.key, start: w.start, end: w.end, states, rowtime };
      this.store.put(next);
      if (this.step.emitFinal) this.latestStart = Math.max(this.latestWindowStart(), w.start);
      this.changed(next, old, input.rec, rowtime, out);
    }
  }

  private latestWindowStart(): number {
    return (this.latestStart ??= this.store.latestWindowStart());
  }

  private late(input: Input, start: number, end: number): void {
    this.hooks.progress?.late(input.rec, { start, end }, this.store.streamTime);
    this.hooks.logError(
      'Aggregate.Window',
      `Dropping a record that arrived after the grace period of window [${start}, ${end}${this.step.window?.type === 'SLIDING' ? ']' : ')'} (record time ${input.ts}, stream time ${this.store.streamTime})`,
      null,
      new Error('late record'),
    );
  }

  // ---------------------------------------------------------------- session windows

  private session(input: Input, out: OutputRow[]): void {
    const spec = this.step.window!;
    const gap = spec.sizeMs;
    const ts = input.ts;
    const streamTime = this.store.streamTime;
    // Sessions past gap + grace are closed (Kafka Streams has expired them from its store).
    const overlapping = this.store
      .sessions(input.key)
      .filter((s) => s.end >= ts - gap && s.start <= ts + gap && sessionOpen(s.end, gap + spec.graceMs, streamTime));
    let start = ts;
    let end = ts;
    for (const s of overlapping) {
      if (s.start < start) start = s.start;
      if (s.end > end) end = s.end;
    }
    if (!sessionOpen(end, gap + spec.graceMs, streamTime)) {
      this.late(input, start, end);
      return;
    }
    let states = this.initial();
    for (const s of overlapping) states = this.merge(states, s.states);
    states = this.fold(states, input.args, false);
    const same = overlapping.find((s) => s.start === start && s.end === end);
    for (const s of overlapping) {
      if (s === same) continue;
      this.store.delete(s.key, s.start, s.end);
      this.forgetOpen(s);
      if (!this.step.emitFinal) {
        out.push({ key: this.hooks.projectKey(this.aggregateRow(s)), value: null, rowtime: s.end, headers: [], partition: input.rec.partition, offset: input.rec.offset, window: { start: s.start, end: s.end } });
      }
    }
    const next: AggregateEntry = { key: input.key, start, end, states, rowtime: end };
    this.store.put(next);
    this.changed(next, same, input.rec, end, out);
  }

  private merge(a: unknown[], b: unknown[]): unknown[] {
    return this.calls.map((c, i) => {
      try {
        return c.fn.merge ? c.fn.merge(a[i], b[i]) : b[i];
      } catch (e) {
        this.hooks.logError('Aggregate.Merge', `Error merging sessions in ${c.text}`, null, e);
        return a[i];
      }
    });
  }

  // ---------------------------------------------------------------- output

  private changed(next: AggregateEntry, old: AggregateEntry | undefined, rec: LogRecord, rowtime: number, out: OutputRow[]): void {
    if (this.step.emitFinal) {
      this.openWindows().set(windowId(next), next);
      return;
    }
    this.emit(next, old, rec, rowtime, out);
  }

  private openWindows(): Map<string, AggregateEntry> {
    if (!this.open) {
      this.open = new Map();
      for (const e of this.store.openWindows()) this.open.set(windowId(e), e);
    }
    return this.open;
  }

  private forgetOpen(e: AggregateEntry): void {
    this.openWindows().delete(windowId(e));
  }

  private emitClosed(out: OutputRow[]): void {
    const spec = this.step.window!;
    const open = this.openWindows();
    const closed: AggregateEntry[] = [];
    const streamTime = this.store.streamTime;
    const isClosed = spec.type === 'SLIDING' ? (e: AggregateEntry) => !slidingWindowOpen(e.end, spec.graceMs, streamTime) : (e: AggregateEntry) => windowClosed(e.end, spec.graceMs, streamTime);
    for (const e of open.values()) if (isClosed(e)) closed.push(e);
    if (closed.length === 0) return;
    closed.sort((a, b) => a.end - b.end || a.start - b.start);
    // With ksql.suppress.emit.expired.windows=false, ksqlDB's rule: it emits EMIT FINAL
    // tumbling and hopping windows from its window store, which returns a window only while
    // its start is at most the retention (default size + grace) behind the latest window
    // start put into the store (Kafka Streams' strict retention), so a window that a jump of
    // record time leaves further behind is gone before it closes. An idle advance puts no
    // window, so it expires none. Plans saved before the default changed have no flag.
    const ksqlExpiry = (spec.type === 'TUMBLING' || spec.type === 'HOPPING') && !spec.emitExpired;
    const retention = spec.retentionMs ?? spec.sizeMs + spec.graceMs;
    const liveFrom = ksqlExpiry ? this.latestWindowStart() - retention : -Infinity;
    for (const e of closed) {
      open.delete(windowId(e));
      const done: AggregateEntry = { ...e, final: true };
      this.store.put(done);
      if (e.start < liveFrom) {
        this.expired(e, liveFrom);
        continue;
      }
      const row = this.aggregateRow(e);
      if (this.passes(row)) {
        out.push({ key: this.hooks.projectKey(row), value: this.hooks.projectValue(row), rowtime: e.rowtime, headers: [], partition: 0, offset: -1, window: { start: e.start, end: e.end } });
      }
    }
  }

  /** A window that closed after its retention under ksqlDB's rule: not emitted, but never in silence. */
  private expired(e: AggregateEntry, liveFrom: number): void {
    this.hooks.progress?.expired();
    this.hooks.logError(
      'Aggregate.Suppress',
      `Window [${e.start}, ${e.end}) of key ${groupKeyText(e.key)} closed only after its retention had passed and was not emitted: ` +
        `stream time ${this.store.streamTime} keeps windows starting at ${liveFrom} or later (the latest window start minus the retention); ` +
        `unset ksql.suppress.emit.expired.windows (or set it to true) to emit such windows, or give the window a RETENTION of at least ${this.latestWindowStart() - e.start} ms`,
      null,
      new Error('expired window'),
    );
  }

  /**
   * Advances stream time to `now` (wall clock) once no input has arrived for the window's
   * idle timeout, emitting what that closes (EMIT FINAL only).
   */
  advanceIdle(now: number, out: OutputRow[]): void {
    const spec = this.step.window;
    const progress = this.hooks.progress;
    if (!spec?.idleCloseMs || !this.step.emitFinal || !progress) return;
    if (now - progress.lastInputAt < spec.idleCloseMs || now <= this.store.streamTime) return;
    this.store.observe(now);
    this.emitClosed(out);
  }

  /** The window bounds of an entry (count windows keep theirs beside the states). */
  private windowOf(e: AggregateEntry): TimeWindow {
    return this.step.window?.type === 'COUNT' ? countWindowBounds(e, this.calls.length) : { start: e.start, end: e.end };
  }

  private aggregateRow(e: AggregateEntry): unknown[] {
    const step = this.step;
    const row = new Array<unknown>(step.width);
    for (let i = 0; i < e.key.length; i++) row[i] = e.key[i];
    for (let i = 0; i < this.calls.length; i++) {
      const c = this.calls[i]!;
      try {
        row[step.aggregateBase + i] = c.fn.result(e.states[i]) ?? null;
      } catch (err) {
        this.hooks.logError('Aggregate.Result', `Error computing the result of ${c.text}`, null, err);
        row[step.aggregateBase + i] = null;
      }
    }
    const w = step.window ? this.windowOf(e) : null;
    row[step.windowStartIndex] = w ? w.start : null;
    row[step.windowEndIndex] = w ? w.end : null;
    if (step.window?.type === 'COUNT') row[step.windowEndIndex + 1] = e.start;
    return row;
  }

  private passes(row: unknown[]): boolean {
    const having = this.step.having;
    if (!having) return true;
    try {
      return having.evaluate(row) === true;
    } catch (e) {
      this.hooks.logError('Aggregate.Having', `Error evaluating HAVING ${having.text}`, row, e);
      return false;
    }
  }

  private emit(next: AggregateEntry, old: AggregateEntry | undefined, rec: LogRecord, rowtime: number, out: OutputRow[]): void {
    if (this.cache) {
      const g = this.store.keyText(next.key);
      this.cache.update(next.start === 0 && next.end === 0 ? g : `${next.start}|${next.end}|${g}`, next, old, rec, rowtime);
      return;
    }
    this.emitNow(next, old, rec, rowtime, out);
  }

  private emitNow(next: AggregateEntry, old: AggregateEntry | undefined, rec: ChangeSource, rowtime: number, out: OutputRow[]): void {
    const row = this.aggregateRow(next);
    let value: unknown[] | null;
    if (this.passes(row)) value = this.hooks.projectValue(row);
    else if (this.step.having && old && this.passes(this.aggregateRow(old))) value = null;
    else return;
    const o: OutputRow = { key: this.hooks.projectKey(row), value, rowtime, headers: rec.headers, partition: rec.partition, offset: rec.offset };
    if (this.step.window) o.window = this.windowOf(next);
    out.push(o);
  }
}

function windowId(e: AggregateEntry): string {
  return `${e.start}|${e.end}|${groupKeyText(e.key)}`;
}
