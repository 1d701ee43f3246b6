// Runs the joins of a persistent query: decodes records of every joined source, feeds
// them through the join steps left to right (stream-stream windows, stream-table lookups,
// table-table and foreign-key joins, all with their state in a JoinStore), and hands the
// joined rows to the query's pipeline for the stages after the join (WHERE, PARTITION BY,
// table functions, projection).
//
// Rekeying (ksqlDB's repartition when a stream joins on something other than its key) is
// done in-process: every step computes the join value of each input with its criteria
// expression, and one task sees all partitions, so no record needs to move. The inputs
// ksqlDB repartitions are also written to their repartition topics (./repartition-writer.ts),
// in the task's transaction, with exactly the records the join consumes.

import type { LogRecord } from '../../log/topic-log.js';
import type { AnalyzedQuery } from '../../planner/query/analyze.js';
import type { JoinAnalysis, JoinStep } from '../../planner/query/join.js';
import { Pipeline, type DecodedRecords, type OutputRow, type PipelineOptions, type TableTombstone } from '../pipeline.js';
import { JoinStore, LEFT, RIGHT, keyText, type Side } from './join-store.js';
import type { OffsetCommittingStore } from '../exactly-once.js';
import { JoinRepartitions } from './repartition-writer.js';

/** A change flowing between join steps: a stream record, or a table upsert / delete. */
interface Change {
  row: unknown[];
  deleted: boolean;
  ts: number;
  /** The serialized value of the source record this change is (absent for joined rows). */
  sourceValue?: Buffer | null;
}

const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;

/** Where each side of a stream-stream step over windowed sources keeps its window bounds in the joined row. */
interface WindowedSides {
  left: { start: number; end: number };
  right: { start: number; end: number };
  /** Session windows are keyed by start and end, time windows by start. */
  session: boolean;
}

function windowedSides(join: JoinAnalysis, step: JoinStep): WindowedSides | undefined {
  const left = join.sources[0]!;
  const right = join.sources[step.right]!;
  const lw = left.layout.windowIndexes;
  const rw = right.layout.windowIndexes;
  if (step.kind !== 'STREAM_STREAM' || !lw || !rw) return undefined;
  return {
    left: { start: left.offset + lw.start, end: left.offset + lw.end },
    right: { start: right.offset + rw.start, end: right.offset + rw.end },
    session: left.source.keyFormat.window?.type === 'SESSION',
  };
}

export class JoinRuntime {
  private readonly join: JoinAnalysis;
  private readonly decoders: Pipeline[];
  private readonly topicSources = new Map<string, number[]>();
  private readonly width: number;
  private readonly rowtimeIndex: number;
  private readonly store: JoinStore;
  /** Outputs of the last step for the record being processed. */
  private produced: Change[] = [];
  private current!: LogRecord;
  private puts = 0;
  /** Records no join used, by why: counted so that none goes without a trace (see statistics()). */
  private readonly drops = { unmatched: 0, nullKey: 0, late: 0 };
  /** Decoded records kept from eventTime() for ingest, so a record is decoded once. */
  private readonly decoded = new WeakMap<LogRecord, DecodedRecords[]>();
  /** Whether eventTime() decodes records (a source orders by its TIMESTAMP column), so that ingest looks for them. */
  private readonly keepsDecoded: boolean;
  /** The repartition topics' writer; null when the query writes none (transient queries). */
  readonly repartitions: JoinRepartitions | null;
  /**
   * Per step: set when both sides are windowed streams. Records then match only within one
   * window, as Kafka Streams joins windowed keys by their serialized bytes (key and window).
   */
  private readonly windowed: (WindowedSides | undefined)[];

  constructor(
    analysis: AnalyzedQuery,
    private readonly pipeline: Pipeline,
    opts: PipelineOptions,
    file: string,
    /** The query's group (`_confluent-ksql-<service id>query_<id>`): its repartition topics are written. */
    internalTopicPrefix?: string,
  ) {
    this.join = analysis.join!;
    this.repartitions = internalTopicPrefix !== undefined && this.join.steps.some((s) => (s.topology?.repartitions.length ?? 0) > 0) ? new JoinRepartitions(this.join, internalTopicPrefix) : null;
    this.width = analysis.join!.layout.width;
    this.rowtimeIndex = analysis.join!.layout.rowtimeIndex;
    this.decoders = this.join.sources.map(
      (s) =>
        new Pipeline(
          {
            mode: 'persistent',
            source: s.source,
            layout: s.layout,
            tableFunctions: [],
            selected: [],
            keyColumns: [],
            valueColumns: [],
            resultType: s.source.sourceType,
            rowWidth: s.layout.width,
            errors: { handler: () => undefined },
          },
          opts,
        ),
    );
    this.join.sources.forEach((s, i) => {
      const list = this.topicSources.get(s.source.topic) ?? [];
      list.push(i);
      this.topicSources.set(s.source.topic, list);
    });
    this.store = new JoinStore(file, this.join.rowTypes);
    this.windowed = this.join.steps.map((step) => windowedSides(this.join, step));
    this.keepsDecoded = this.join.sources.some((s) => s.source.timestamp !== undefined);
    // The first source sits at the start of the joined row: its rows are decoded at full width and used as they are.
    if (this.join.sources[0]!.offset === 0) this.decoders[0]!.decodeWidth = this.width;
  }

  get topics(): string[] {
    return [...this.topicSources.keys()];
  }

  /** The joined topics, table sides first, each group in join order (the tie-break of ./join-inputs.ts). */
  topicsInTieOrder(): string[] {
    const sources = this.join.sources;
    const isTable = (t: string) => (this.topicSources.get(t) ?? []).some((i) => sources[i]!.source.sourceType === 'TABLE');
    return [...this.topics.filter(isTable), ...this.topics.filter((t) => !isTable(t))];
  }

  committedOffsets(topic: string): Map<number, number> {
    return this.store.committedOffsets(topic);
  }

  commit(offsets: { topic: string; partition: number; offset: number }[]): void {
    this.store.commit(offsets);
  }

  /** Drops the state writes since the last commit. */
  rollback(): void {
    this.repartitions?.discard();
    this.store.rollback();
  }

  /** The join state as the query's committer commits it (with undo images under exactly-once). */
  committedState(undoable: boolean): OffsetCommittingStore {
    if (undoable) this.store.enableUndo();
    const store = this.store;
    return {
      commit: (offsets) => store.commit(offsets),
      committedOffsets: (topic) => store.committedOffsets(topic),
      undoOffsets: () => store.undoOffsets(),
      undoLastCommit: () => store.undoLastCommit(),
      discardPending: () => store.rollback(),
    };
  }

  /** The join state's database and how to reread it after it was replaced (a changelog restore). */
  stateDatabase(): { database: import('better-sqlite3').Database; reload(): void } {
    const store = this.store;
    return { database: store.database, reload: () => store.rollback() };
  }

  close(): void {
    this.store.close();
  }

  destroy(): void {
    this.store.destroy();
  }

  /**
   * Counters for DESCRIBE EXTENDED: stream records an inner stream-table join found no table
   * row for (the SQL's meaning, counted rather than logged), records whose join value is null
   * (Kafka Streams skips them too), and stream-stream records that came after their window
   * and grace closed.
   */
  statistics(): Record<string, number> {
    return { 'join-unmatched-records': this.drops.unmatched, 'join-null-key-records': this.drops.nullKey, 'join-late-records': this.drops.late };
  }

  /**
   * The time a record of this topic is ordered by across the query's inputs: its source's
   * TIMESTAMP column when declared (the decoded record is kept for ingest), else ROWTIME.
   */
  eventTime(rec: LogRecord): number {
    const i = this.topicSources.get(rec.topic)?.[0];
    if (i === undefined || !this.join.sources[i]!.source.timestamp || rec.value === null) return rec.timestamp;
    const decoded = this.decodedFor(i, rec);
    const row = decoded.rows[0];
    return row ? (row[this.join.sources[i]!.layout.rowtimeIndex] as number) : rec.timestamp;
  }

  private decodedFor(sourceIndex: number, rec: LogRecord): DecodedRecords {
    let cached = this.decoded.get(rec);
    if (!cached) this.decoded.set(rec, (cached = []));
    return (cached[sourceIndex] ??= this.decoders[sourceIndex]!.decode([rec]));
  }

  /** Processes a batch (records of several topics) in timestamp order across partitions. */
  process(records: LogRecord[]): OutputRow[] {
    return this.processInOrder(mergeByTime(records));
  }

  /** Processes records in the order given (a PartitionGroup's event-time order). */
  processInOrder(records: LogRecord[]): OutputRow[] {
    const out: OutputRow[] = [];
    const rows: unknown[][] = [];
    const meta: LogRecord[] = [];
    for (let r = 0; r < records.length; r++) {
      const rec = records[r]!;
      this.current = rec;
      this.produced.length = 0;
      const sources = this.topicSources.get(rec.topic) ?? [];
      for (let i = 0; i < sources.length; i++) this.ingest(sources[i]!, rec);
      if (this.keepsDecoded) this.decoded.delete(rec);
      this.emitOutputs(rec, rows, meta, out);
    }
    this.runRows(rows, meta, out);
    return out;
  }

  /** Joined rows go through the stages after the join together, a run at a time (deletes end a run). */
  private runRows(rows: unknown[][], meta: LogRecord[], out: OutputRow[]): void {
    if (rows.length === 0) return;
    for (const o of this.pipeline.processRows(rows.splice(0), meta.splice(0))) out.push(o);
  }

  private ingest(sourceIndex: number, rec: LogRecord): void {
    if (!this.keepsDecoded) {
      const decoded = this.decoders[sourceIndex]!.decodeRecord(rec);
      if (decoded === null) return;
      if (Array.isArray(decoded)) this.ingestRow(sourceIndex, decoded);
      else this.ingestTombstone(sourceIndex, decoded);
      return;
    }
    const { rows, tombstones } = this.decodedFor(sourceIndex, rec);
    for (let r = 0; r < rows.length; r++) this.ingestRow(sourceIndex, rows[r]!);
    for (const t of tombstones) this.ingestTombstone(sourceIndex, t);
  }

  private ingestRow(sourceIndex: number, row: unknown[]): void {
    if ((row as { nullValue?: boolean }).nullValue === true) return;
    const { layout } = this.join.sources[sourceIndex]!;
    this.feed(sourceIndex === 0 ? 0 : sourceIndex - 1, sourceIndex === 0 ? LEFT : RIGHT, {
      row: this.place(sourceIndex, row),
      deleted: false,
      ts: row[layout.rowtimeIndex] as number,
      sourceValue: this.current.value,
    });
  }

  private ingestTombstone(sourceIndex: number, t: TableTombstone): void {
    const { layout } = this.join.sources[sourceIndex]!;
    const row = new Array<unknown>(layout.width).fill(null);
    t.key.forEach((k, i) => (row[i] = k));
    this.feed(sourceIndex === 0 ? 0 : sourceIndex - 1, sourceIndex === 0 ? LEFT : RIGHT, { row: this.place(sourceIndex, row), deleted: true, ts: t.rec.timestamp });
  }

  /** A source's row at its place in the joined row's layout (nulls elsewhere). */
  private place(sourceIndex: number, row: unknown[]): unknown[] {
    const { offset, layout } = this.join.sources[sourceIndex]!;
    if (offset === 0 && row.length === this.width) return row;
    const joined = new Array<unknown>(this.width).fill(null);
    for (let i = 0; i < row.length && i < layout.width; i++) joined[offset + i] = row[i];
    return joined;
  }

  private emitOutputs(rec: LogRecord, rows: unknown[][], meta: LogRecord[], out: OutputRow[]): void {
    for (const c of this.produced) {
      if (c.deleted) {
        this.runRows(rows, meta, out);
        for (const o of this.pipeline.deleteRow(c.row, rec, c.ts)) out.push(o);
      } else {
        rows.push(c.row);
        meta.push(rec);
      }
    }
  }

  private feed(n: number, side: Side, c: Change): void {
    const step = this.join.steps[n]!;
    if (this.repartitions?.has(n, side) && !this.writeRepartition(n, step, side, c)) return;
    switch (step.kind) {
      case 'STREAM_STREAM':
        return this.streamStream(n, step, side, c);
      case 'STREAM_TABLE':
        return this.streamTable(n, step, side, c);
      case 'TABLE_TABLE':
        return this.tableTable(n, step, side, c);
      case 'FOREIGN_KEY':
        return this.foreignKey(n, step, side, c);
    }
  }

  /**
   * A rekeyed input record, as its repartition topic holds it; false when it cannot be written
   * (then the join does not see it either). Null join values are repartitioned too, without a
   * key (Kafka Streams 3.7 on, KIP-962): left and outer joins still emit them.
   */
  private writeRepartition(n: number, step: JoinStep, side: Side, c: Change): boolean {
    const v = this.joinValue(step, side, c.row);
    try {
      this.repartitions!.write(n, side, v, c.row, c.deleted, c.ts, c.sourceValue);
    } catch (err) {
      this.pipeline.logRecordError('Join', `Error serializing the rekeyed record of ${step.text}`, c.row, err);
      return false;
    }
    return true;
  }

  /** Passes a step's output to the next step (as its left input) or to the result. */
  private emit(n: number, c: Change): void {
    if (n + 1 < this.join.steps.length) this.feed(n + 1, LEFT, c);
    else this.produced.push(c);
  }

  /**
   * The joined row of a step: the left input's columns, the right source's, the key and the
   * result's pseudo columns. `inPlace`: the left row is the caller's own, to fill and return.
   */
  private combine(step: JoinStep, left: unknown[] | null, right: unknown[] | null, key: unknown, ts: number, inPlace = false): unknown[] {
    const out = left ? (inPlace ? left : left.slice()) : new Array<unknown>(this.width).fill(null);
    const src = this.join.sources[step.right]!;
    const end = src.offset + src.layout.width;
    for (let i = src.offset; i < end; i++) out[i] = right ? right[i] : null;
    out[step.keySlot] = key;
    out[this.rowtimeIndex] = ts;
    out[this.rowtimeIndex + 1] = this.current.partition;
    out[this.rowtimeIndex + 2] = this.current.offset;
    return out;
  }

  private joinValue(step: JoinStep, side: Side, row: unknown[]): unknown {
    const e = side === LEFT ? step.leftKey : step.rightKey;
    try {
      const v = e.evaluate(row);
      return v === undefined ? null : v;
    } catch (err) {
      this.pipeline.logRecordError('Join', `Error computing join expression ${e.text}`, row, err);
      return null;
    }
  }

  // ---------------------------------------------------------------- stream-stream

  private streamStream(n: number, step: JoinStep, side: Side, c: Change): void {
    const w = step.window!;
    const v = this.joinValue(step, side, c.row);
    if (v === null) {
      this.drops.nullKey++;
      return;
    }
    const ws = this.windowed[n];
    const at = ws && (side === LEFT ? ws.left : ws.right);
    const k = at ? `${keyText(v, step.keyType)}@${String(c.row[at.start])}${ws!.session ? `:${String(c.row[at.end])}` : ''}` : keyText(v, step.keyType);
    const ts = c.ts;
    // Stream time is a task's, as in Kafka Streams: here the input partition the record came
    // from (a key-to-key join's task). A rekeyed join's task would be its repartition topic's
    // partition; the source partition stands for it.
    const task = this.current.partition;
    const timeName = `time:${n}:${task}`;
    const streamTime = Math.max(this.store.getNumber(timeName, -Infinity), ts);
    this.store.setNumber(timeName, streamTime);
    const grace = w.graceMs ?? DEFAULT_GRACE_MS;
    const retention = w.beforeMs + w.afterMs + grace;
    const other: Side = side === LEFT ? RIGHT : LEFT;
    // Each side's window store keeps what is within retention of the newest record it saw.
    const ownMaxName = `max:${n}:${side}`;
    const ownMax = Math.max(this.store.getNumber(ownMaxName, -Infinity), ts);
    this.store.setNumber(ownMaxName, ownMax);
    if (ts >= ownMax - retention) this.store.windowPut(n, side, k, ts, c.row);
    else this.drops.late++;
    const outer = side === LEFT ? step.type === 'LEFT' || step.type === 'FULL' : step.type === 'RIGHT' || step.type === 'FULL';
    const deferred = w.graceMs !== undefined;
    if (deferred && ts === streamTime) this.emitClosed(n, step, streamTime, task);
    const from = side === LEFT ? ts - w.beforeMs : ts - w.afterMs;
    const to = side === LEFT ? ts + w.afterMs : ts + w.beforeMs;
    const otherLive = this.store.getNumber(`max:${n}:${other}`, -Infinity) - retention;
    const matches = this.store.windowFetch(n, other, k, Math.max(0, from, otherLive), Math.max(0, to));
    for (const m of matches) {
      const out = Math.max(ts, m.ts);
      const row = side === LEFT ? this.combine(step, c.row, m.row, v, out) : this.combine(step, m.row, c.row, v, out);
      this.emit(n, { row, deleted: false, ts: out });
      if (deferred) this.store.pendingDelete(n, other, k, m.ts);
    }
    if (matches.length === 0 && outer) {
      // Without a grace period, or when the record's window already closed, there is nothing to wait for.
      if (!deferred || to < streamTime) this.emit(n, { row: this.combineOne(step, side, c.row, v, ts), deleted: false, ts });
      else this.store.pendingPut(n, side, k, ts, c.row, task);
    }
    if (++this.puts % 1000 === 0) this.store.windowExpire(n, side, ownMax - retention);
  }

  private combineOne(step: JoinStep, side: Side, row: unknown[], key: unknown, ts: number): unknown[] {
    return side === LEFT ? this.combine(step, row, null, key, ts) : this.combine(step, null, row, key, ts);
  }

  /** Emits the unmatched outer-join records of a task whose window closed in its stream time. */
  private emitClosed(n: number, step: JoinStep, streamTime: number, task: number): void {
    const w = step.window!;
    const grace = w.graceMs ?? 0;
    const done: { side: Side; k: string; ts: number }[] = [];
    for (const p of this.store.pending(n)) {
      if (p.task !== undefined && p.task !== task) continue;
      const lookBack = p.side === LEFT ? w.afterMs : w.beforeMs;
      if (p.ts + lookBack + grace >= streamTime) break;
      const v = this.joinValue(step, p.side, p.row);
      this.emit(n, { row: this.combineOne(step, p.side, p.row, v, p.ts), deleted: false, ts: p.ts });
      done.push({ side: p.side, k: p.k, ts: p.ts });
    }
    for (const d of done) this.store.pendingDelete(n, d.side, d.k, d.ts);
  }

  // ---------------------------------------------------------------- stream-table

  private streamTable(n: number, step: JoinStep, side: Side, c: Change): void {
    if (side === RIGHT) {
      const v = this.joinValue(step, RIGHT, c.row);
      if (v === null) {
        this.drops.nullKey++;
        return;
      }
      const k = keyText(v, step.keyType);
      if (c.deleted) this.store.tableDelete(n, RIGHT, k);
      else this.store.tablePut(n, RIGHT, k, c.ts, c.row);
      return;
    }
    const v = this.joinValue(step, LEFT, c.row);
    const found =
      v === null
        ? undefined
        : typeof v === 'string' && step.keyType.base === 'STRING'
          ? this.store.tableGetString(n, RIGHT, v)
          : this.store.tableGet(n, RIGHT, keyText(v, step.keyType));
    if (!found && step.type === 'INNER') {
      if (v === null) this.drops.nullKey++;
      else this.drops.unmatched++;
      return;
    }
    // A stream-table step's left row is always its change's own (placed, or joined by the step
    // before), used once: it becomes the joined row.
    this.emit(n, { row: this.combine(step, c.row, found?.row ?? null, v, c.ts, true), deleted: false, ts: c.ts });
  }

  // ---------------------------------------------------------------- table-table (primary key)

  private tableTable(n: number, step: JoinStep, side: Side, c: Change): void {
    const v = this.joinValue(step, side, c.row);
    if (v === null) {
      this.drops.nullKey++;
      return;
    }
    const k = keyText(v, step.keyType);
    const other: Side = side === LEFT ? RIGHT : LEFT;
    const old = this.store.tableGet(n, side, k);
    if (c.deleted) {
      if (!old) return;
      this.store.tableDelete(n, side, k);
    } else {
      this.store.tablePut(n, side, k, c.ts, c.row);
    }
    const o = this.store.tableGet(n, other, k);
    const ts = o ? Math.max(c.ts, o.ts) : c.ts;
    const mine = c.deleted ? null : c.row;
    const row = (l: unknown[] | null, r: unknown[] | null) => this.combine(step, l, r, v, ts);
    const pair = (m: unknown[] | null, x: unknown[] | null) => (side === LEFT ? row(m, x) : row(x, m));
    // Whether each side alone keeps a result row (outer on that side).
    const keepsMine = side === LEFT ? step.type === 'LEFT' || step.type === 'FULL' : step.type === 'RIGHT' || step.type === 'FULL';
    const keepsOther = side === LEFT ? step.type === 'RIGHT' || step.type === 'FULL' : step.type === 'LEFT' || step.type === 'FULL';
    if (mine) {
      if (!o && !keepsMine) return;
      this.emit(n, { row: pair(mine, o?.row ?? null), deleted: false, ts });
      return;
    }
    // This side's row was deleted.
    if (o && keepsOther) {
      this.emit(n, { row: pair(null, o.row), deleted: false, ts });
      return;
    }
    if (!o && !keepsMine) return;
    this.emit(n, { row: pair(old!.row, o?.row ?? null), deleted: true, ts });
  }

  // ---------------------------------------------------------------- foreign key

  private foreignKey(n: number, step: JoinStep, side: Side, c: Change): void {
    const left = this.join.sources[0]!;
    if (side === RIGHT) {
      const v = this.joinValue(step, RIGHT, c.row);
      if (v === null) return;
      const k = keyText(v, step.keyType);
      if (c.deleted) {
        if (!this.store.tableGet(n, RIGHT, k)) return;
        this.store.tableDelete(n, RIGHT, k);
      } else {
        this.store.tablePut(n, RIGHT, k, c.ts, c.row);
      }
      // Every left row that refers to this key, in key order.
      const keyIndexes = left.layout.keyColumns.map((_, i) => left.offset + i);
      const rows = this.store.tableByForeignKey(n, LEFT, k).sort((a, b) => compareKeys(a.row, b.row, keyIndexes));
      for (const l of rows) {
        if (!c.deleted) this.emit(n, { row: this.combine(step, l.row, c.row, v, c.ts), deleted: false, ts: c.ts });
        else if (step.type === 'LEFT') this.emit(n, { row: this.combine(step, l.row, null, v, c.ts), deleted: false, ts: c.ts });
        else this.emit(n, { row: this.combine(step, l.row, null, v, c.ts), deleted: true, ts: c.ts });
      }
      return;
    }
    const pk = JSON.stringify(left.layout.keyColumns.map((col, i) => keyText(c.row[left.offset + i], col.type)));
    const old = this.store.tableGet(n, LEFT, pk);
    if (c.deleted) {
      if (!old) return;
      this.store.tableDelete(n, LEFT, pk);
      const r = old.fk ? this.store.tableGet(n, RIGHT, old.fk) : undefined;
      const ts = r ? Math.max(c.ts, r.ts) : c.ts;
      this.emit(n, { row: this.combine(step, old.row, null, null, ts), deleted: true, ts });
      return;
    }
    const v = this.joinValue(step, LEFT, c.row);
    const fk = v === null ? null : keyText(v, step.keyType);
    this.store.tablePut(n, LEFT, pk, c.ts, c.row, fk);
    const r = fk === null ? undefined : this.store.tableGet(n, RIGHT, fk);
    const ts = r ? Math.max(c.ts, r.ts) : c.ts;
    if (r) this.emit(n, { row: this.combine(step, c.row, r.row, v, ts), deleted: false, ts });
    else if (step.type === 'LEFT') this.emit(n, { row: this.combine(step, c.row, null, v, ts), deleted: false, ts });
    // An inner result that existed under the previous foreign key is withdrawn.
    else if (old && old.fk !== null && old.fk !== undefined && old.fk !== fk) this.emit(n, { row: this.combine(step, c.row, null, v, ts), deleted: true, ts });
  }
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareKeys(a: unknown[], b: unknown[], indexes: number[]): number {
  for (const i of indexes) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Records of several partitions merged by timestamp, each partition kept in its own order. */
function mergeByTime(records: LogRecord[]): LogRecord[] {
  const queues = new Map<string, LogRecord[]>();
  for (const r of records) {
    const id = `${r.topic}\u0000${r.partition}`;
    let q = queues.get(id);
    if (!q) queues.set(id, (q = []));
    q.push(r);
  }
  if (queues.size <= 1) return records;
  const lists = [...queues.values()];
  const heads = lists.map(() => 0);
  const out: LogRecord[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const r = lists[i]![heads[i]!];
      if (r && (best < 0 || r.timestamp < lists[best]![heads[best]!]!.timestamp)) best = i;
    }
    if (best < 0) return out;
    out.push(lists[best]![heads[best]!++]!);
  }
}
