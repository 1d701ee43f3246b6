// SQLite state of a query's joins: the window stores of stream-stream joins (every record
// of each side within retention), the records of outer joins that wait for their window
// to close, the current rows of table sides (with the foreign key of FK joins), stream
// times, and the offsets the state corresponds to. Writes go into one open transaction
// that commit() closes together with the offsets, so a restart resumes from a state that
// matches the offsets exactly. Table-side rows read are kept decoded in a bounded cache
// (a stream joined with a table reads the same rows over and over); writes and rollbacks
// invalidate it.

import Database from 'better-sqlite3';
import { SqliteUndo } from '../sqlite-undo.js';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlType } from '../../common/types.js';
import { fromStored, toStored } from '../value-codec.js';

export type Side = 0 | 1;
export const LEFT: Side = 0;
export const RIGHT: Side = 1;

export interface TimedRow {
  ts: number;
  row: unknown[];
  /** Table sides of foreign-key joins: the foreign key of the row. */
  fk?: string | null;
}

export interface KeyedRow extends TimedRow {
  k: string;
}

export interface PendingRow extends KeyedRow {
  side: Side;
  /** The task (input partition) whose stream time closes its window; undefined for rows stored without one. */
  task?: number;
}

/** Key texts are JSON, which never holds a raw \u0001: it separates a pending row's key from its task. */
const TASK_MARK = '\u0001';

/** Canonical text of a join value: equal SQL values give equal text, whatever their JS representation. */
export function keyText(v: unknown, t: SqlType): string {
  return JSON.stringify(canonical(v, t));
}

function canonical(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'BIGINT':
      return String(v);
    case 'ARRAY':
      return (v as unknown[]).map((x) => canonical(x, t.item));
    case 'STRUCT': {
      const o = v as Record<string, unknown>;
      return t.fields.map((f) => canonical(o[f.name] ?? null, f.type));
    }
    default:
      return toStored(v, t);
  }
}

/** Decoded table-side rows kept, at most, per step and side (then the cache starts over). */
const TABLE_CACHE_ENTRIES = 100_000;

export class JoinStore {
  private readonly db: Database.Database;
  private readonly stmts: Record<string, Database.Statement>;
  private readonly meta = new Map<string, number>();
  /** Set under exactly-once: every write transaction keeps its before-images. */
  private undo: SqliteUndo | null = null;
  /** Table-side rows by step * 2 + side, then key: undefined when absent from the store. */
  private readonly tableCache = new Map<number, Map<string, TimedRow | undefined>>();
  /** The same rows for STRING join values, by the value itself (a lookup then builds no key text). */
  private readonly stringCache = new Map<number, Map<string, TimedRow | undefined>>();

  constructor(
    readonly file: string,
    private readonly rowTypes: SqlType[],
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS win (step INTEGER NOT NULL, side INTEGER NOT NULL, k TEXT NOT NULL, ts INTEGER NOT NULL, seq INTEGER NOT NULL, row TEXT NOT NULL,
        PRIMARY KEY (step, side, k, ts, seq)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS win_ts ON win (step, side, ts);
      CREATE TABLE IF NOT EXISTS pending (step INTEGER NOT NULL, ts INTEGER NOT NULL, side INTEGER NOT NULL, k TEXT NOT NULL, row TEXT NOT NULL,
        PRIMARY KEY (step, ts, side, k)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS tbl (step INTEGER NOT NULL, side INTEGER NOT NULL, k TEXT NOT NULL, fk TEXT, ts INTEGER NOT NULL, row TEXT NOT NULL,
        PRIMARY KEY (step, side, k)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS tbl_fk ON tbl (step, side, fk);
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS offsets (topic TEXT NOT NULL, part INTEGER NOT NULL, next INTEGER NOT NULL, PRIMARY KEY (topic, part)) WITHOUT ROWID;
    `);
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      winPut: p('INSERT INTO win (step, side, k, ts, seq, row) VALUES (?, ?, ?, ?, ?, ?)'),
      winFetch: p('SELECT ts, row FROM win WHERE step = ? AND side = ? AND k = ? AND ts >= ? AND ts <= ? ORDER BY ts, seq'),
      winExpire: p('DELETE FROM win WHERE step = ? AND side = ? AND ts < ?'),
      pendingPut: p('INSERT OR REPLACE INTO pending (step, ts, side, k, row) VALUES (?, ?, ?, ?, ?)'),
      // Exact (rows written without a task) or any task's row of the key: `<k>\u0001<task>`.
      pendingDelete: p('DELETE FROM pending WHERE step = ? AND ts = ? AND side = ? AND (k = ? OR (k >= ? AND k < ?))'),
      pendingScan: p('SELECT ts, side, k, row FROM pending WHERE step = ? ORDER BY ts, side DESC, k'),
      tblGet: p('SELECT ts, fk, row FROM tbl WHERE step = ? AND side = ? AND k = ?'),
      tblPut: p('INSERT OR REPLACE INTO tbl (step, side, k, fk, ts, row) VALUES (?, ?, ?, ?, ?, ?)'),
      tblDelete: p('DELETE FROM tbl WHERE step = ? AND side = ? AND k = ?'),
      tblByFk: p('SELECT k, ts, row FROM tbl WHERE step = ? AND side = ? AND fk = ? ORDER BY k'),
      metaPut: p('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)'),
      offsetPut: p('INSERT OR REPLACE INTO offsets (topic, part, next) VALUES (?, ?, ?)'),
    };
    for (const r of this.db.prepare('SELECT name, value FROM meta').all() as { name: string; value: number }[]) this.meta.set(r.name, r.value);
  }

  private writing(): void {
    if (this.db.inTransaction) return;
    this.db.exec('BEGIN');
    this.undo?.arm();
  }

  /** Exactly-once: from now on each commit can be taken back by undoLastCommit (see exactly-once.ts). */
  enableUndo(): void {
    this.undo ??= new SqliteUndo(this.db);
  }

  /** The offsets the last commit replaced (-1 where it added one), when it can be undone. */
  undoOffsets(): { topic: string; partition: number; offset: number }[] | undefined {
    const before = this.undo?.before('offsets') ?? [];
    if (before.length === 0) return undefined;
    return before.map(({ key, row }) => ({ topic: String(key.topic), partition: Number(key.part), offset: row ? Number(row.next) : -1 }));
  }

  undoLastCommit(): void {
    this.rollback();
    this.undo?.restore();
    this.rollback();
  }

  private encode(row: unknown[]): string {
    const types = this.rowTypes;
    return JSON.stringify(row.map((v, i) => (v === null || v === undefined ? null : toStored(v, types[i]!))));
  }

  private decode(text: string): unknown[] {
    const types = this.rowTypes;
    return (JSON.parse(text) as unknown[]).map((v, i) => fromStored(v, types[i]!));
  }

  // ---------------------------------------------------------------- meta (stream times, counters)

  getNumber(name: string, fallback: number): number {
    return this.meta.get(name) ?? fallback;
  }

  setNumber(name: string, value: number): void {
    if (this.meta.get(name) === value) return;
    this.writing();
    this.meta.set(name, value);
    this.stmts.metaPut!.run(name, value);
  }

  // ---------------------------------------------------------------- stream-stream windows

  windowPut(step: number, side: Side, k: string, ts: number, row: unknown[]): void {
    this.writing();
    const seqName = `seq:${step}`;
    const seq = this.getNumber(seqName, 0) + 1;
    this.setNumber(seqName, seq);
    this.stmts.winPut!.run(step, side, k, ts, seq, this.encode(row));
  }

  windowFetch(step: number, side: Side, k: string, from: number, to: number): TimedRow[] {
    const rows = this.stmts.winFetch!.all(step, side, k, from, to) as { ts: number; row: string }[];
    return rows.map((r) => ({ ts: Number(r.ts), row: this.decode(r.row) }));
  }

  windowExpire(step: number, side: Side, before: number): void {
    this.writing();
    this.stmts.winExpire!.run(step, side, before);
  }

  pendingPut(step: number, side: Side, k: string, ts: number, row: unknown[], task: number): void {
    this.writing();
    this.stmts.pendingPut!.run(step, ts, side, `${k}${TASK_MARK}${task}`, this.encode(row));
  }

  /** Drops the pending row of a key and time, whichever task holds it. */
  pendingDelete(step: number, side: Side, k: string, ts: number): void {
    this.writing();
    this.stmts.pendingDelete!.run(step, ts, side, k, `${k}${TASK_MARK}`, `${k}\u0002`);
  }

  /** Outer-join records waiting for their window to close, oldest first (right before left at equal times). */
  *pending(step: number): Generator<PendingRow> {
    const rows = this.stmts.pendingScan!.all(step) as { ts: number; side: number; k: string; row: string }[];
    for (const r of rows) {
      const mark = r.k.lastIndexOf(TASK_MARK);
      const k = mark < 0 ? r.k : r.k.slice(0, mark);
      const task = mark < 0 ? undefined : Number(r.k.slice(mark + 1));
      yield { ts: Number(r.ts), side: Number(r.side) === 0 ? LEFT : RIGHT, k, row: this.decode(r.row), ...(task === undefined ? {} : { task }) };
    }
  }

  // ---------------------------------------------------------------- table sides

  private cacheOf(step: number, side: Side): Map<string, TimedRow | undefined> {
    const id = step * 2 + side;
    let cache = this.tableCache.get(id);
    if (!cache) this.tableCache.set(id, (cache = new Map()));
    return cache;
  }

  /** tableGet of the key text of a STRING join value `v`. */
  tableGetString(step: number, side: Side, v: string): TimedRow | undefined {
    const id = step * 2 + side;
    let cache = this.stringCache.get(id);
    if (!cache) this.stringCache.set(id, (cache = new Map()));
    const cached = cache.get(v);
    if (cached !== undefined || cache.has(v)) return cached;
    const row = this.tableGet(step, side, JSON.stringify(v));
    if (cache.size >= TABLE_CACHE_ENTRIES) cache.clear();
    cache.set(v, row);
    return row;
  }

  /** A write to a table side: what the by-value cache holds for its key is stale. */
  private forgetString(step: number, side: Side, k: string): void {
    const cache = this.stringCache.get(step * 2 + side);
    if (cache && cache.size > 0 && k.startsWith('"')) cache.delete(JSON.parse(k) as string);
  }

  /** The row as stored (callers must not change it: it may be shared with the next lookup). */
  tableGet(step: number, side: Side, k: string): TimedRow | undefined {
    const cache = this.cacheOf(step, side);
    const cached = cache.get(k);
    if (cached !== undefined || cache.has(k)) return cached;
    const r = this.stmts.tblGet!.get(step, side, k) as { ts: number; fk: string | null; row: string } | undefined;
    const row = r ? { ts: Number(r.ts), fk: r.fk, row: this.decode(r.row) } : undefined;
    if (cache.size >= TABLE_CACHE_ENTRIES) cache.clear();
    cache.set(k, row);
    return row;
  }

  tablePut(step: number, side: Side, k: string, ts: number, row: unknown[], fk: string | null = null): void {
    this.writing();
    const text = this.encode(row);
    this.stmts.tblPut!.run(step, side, k, fk, ts, text);
    // Cached as a read would return it (decoded from what was stored).
    const cache = this.cacheOf(step, side);
    if (cache.size >= TABLE_CACHE_ENTRIES) cache.clear();
    cache.set(k, { ts, fk, row: this.decode(text) });
    this.forgetString(step, side, k);
  }

  tableDelete(step: number, side: Side, k: string): void {
    this.writing();
    this.tableCache.get(step * 2 + side)?.delete(k);
    this.forgetString(step, side, k);
    this.stmts.tblDelete!.run(step, side, k);
  }

  tableByForeignKey(step: number, side: Side, fk: string): KeyedRow[] {
    const rows = this.stmts.tblByFk!.all(step, side, fk) as { k: string; ts: number; row: string }[];
    return rows.map((r) => ({ k: r.k, ts: Number(r.ts), row: this.decode(r.row) }));
  }

  // ---------------------------------------------------------------- commit cycle

  commit(offsets: { topic: string; partition: number; offset: number }[]): void {
    this.writing();
    for (const o of offsets) this.stmts.offsetPut!.run(o.topic, o.partition, o.offset);
    this.db.exec('COMMIT');
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.tableCache.clear();
    this.stringCache.clear();
    this.meta.clear();
    for (const r of this.db.prepare('SELECT name, value FROM meta').all() as { name: string; value: number }[]) this.meta.set(r.name, r.value);
  }

  /** The SQLite database, for a task's changelog (src/runtime/cluster/changelog.ts). */
  get database(): Database.Database {
    return this.db;
  }

  committedOffsets(topic: string): Map<number, number> {
    const rows = this.db.prepare('SELECT part, next FROM offsets WHERE topic = ?').all(topic) as { part: number; next: number }[];
    return new Map(rows.map((r) => [r.part, r.next]));
  }

  close(): void {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }

  destroy(): void {
    this.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(this.file + suffix, { force: true });
  }
}
