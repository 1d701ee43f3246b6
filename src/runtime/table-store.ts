// A table materialized in SQLite: key columns as the primary key, the value columns as
// JSON, plus ROWTIME and the partition the row came from. Writes are buffered and
// applied on the commit cycle in one transaction together with the consumed offsets, so
// a restart resumes exactly from the state the offsets describe. Under exactly-once a
// commit can keep the before-images of the rows and offsets it changed, so that a commit
// whose log transaction never completed can be undone at the next start.

import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlType } from '../common/types.js';
import { fromSqliteKeyValue, fromStored, sqliteKeyValue, toStored } from './value-codec.js';
import { SqliteUndo } from './sqlite-undo.js';

export interface StoredRow {
  key: unknown[];
  values: unknown[];
  rowtime: number;
  partition: number;
}

/** What pull queries read of a materialized table (one store, or a shared query's task stores). */
export type ReadableTable = Pick<TableStore, 'scan' | 'lookup' | 'close'>;

interface Pending {
  key: unknown[];
  row: StoredRow | null;
}

export class TableStore {
  private readonly db: Database.Database;
  private readonly pending = new Map<string, Pending>();
  private readonly keyNames: string[];
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  private readonly delStmt: Database.Statement;
  private readonly offsetStmt: Database.Statement;
  /** Created by the first undoable commit (or found in the file), so at-least-once pays nothing. */
  private undo: SqliteUndo | null = null;
  private readonly singleStringKey: boolean;

  constructor(
    readonly file: string,
    private readonly keyTypes: SqlType[],
    private readonly valueTypes: SqlType[],
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.singleStringKey = keyTypes.length === 1 && keyTypes[0]!.base === 'STRING';
    const keyCount = Math.max(keyTypes.length, 1);
    this.keyNames = Array.from({ length: keyCount }, (_, i) => `k${i}`);
    const keyCols = this.keyNames.map((k) => `${k}`).join(', ');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS rows (${this.keyNames.map((k) => `${k} ANY`).join(', ')}, v TEXT NOT NULL, rowtime INTEGER NOT NULL, part INTEGER NOT NULL, PRIMARY KEY (${keyCols})) STRICT, WITHOUT ROWID;
       CREATE TABLE IF NOT EXISTS offsets (topic TEXT NOT NULL, part INTEGER NOT NULL, next INTEGER NOT NULL, PRIMARY KEY (topic, part)) WITHOUT ROWID;`,
    );
    const where = this.keyNames.map((k) => `${k} IS ?`).join(' AND ');
    this.getStmt = this.db.prepare(`SELECT v, rowtime, part FROM rows WHERE ${where}`);
    this.putStmt = this.db.prepare(
      `INSERT OR REPLACE INTO rows (${keyCols}, v, rowtime, part) VALUES (${this.keyNames.map(() => '?').join(', ')}, ?, ?, ?)`,
    );
    this.delStmt = this.db.prepare(`DELETE FROM rows WHERE ${where}`);
    this.offsetStmt = this.db.prepare('INSERT OR REPLACE INTO offsets (topic, part, next) VALUES (?, ?, ?)');
    if (this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'undo_ctl'`).get()) this.undo = new SqliteUndo(this.db);
  }

  private sqlKey(key: unknown[]): (string | number | bigint | Buffer | null)[] {
    if (this.keyTypes.length === 0) return [0];
    return key.map((v, i) => sqliteKeyValue(v, this.keyTypes[i]!));
  }

  private pendingKey(key: unknown[]): string {
    // One string key column: the string itself behind a mark no JSON text starts with.
    if (this.singleStringKey && typeof key[0] === 'string') return `\u0001${key[0]}`;
    return JSON.stringify(key.map((v, i) => toStored(v, this.keyTypes[i]!)));
  }

  get(key: unknown[]): StoredRow | undefined {
    const p = this.pending.get(this.pendingKey(key));
    if (p) return p.row ?? undefined;
    const r = this.getStmt.get(...this.sqlKey(key)) as { v: string; rowtime: number; part: number } | undefined;
    if (!r) return undefined;
    return { key, values: this.decodeValues(r.v), rowtime: r.rowtime, partition: r.part };
  }

  put(row: StoredRow): void {
    this.pending.set(this.pendingKey(row.key), { key: row.key, row });
  }

  delete(key: unknown[]): void {
    this.pending.set(this.pendingKey(key), { key, row: null });
  }

  /** Rows written since the last commit. */
  get pendingCount(): number {
    return this.pending.size;
  }

  private readonly commitHooks: (() => void)[] = [];

  /** The SQLite database, for other state of the same query (committed with these rows). */
  get database(): Database.Database {
    return this.db;
  }

  /** Runs `hook` inside every commit transaction (e.g. to flush aggregation state). */
  onCommit(hook: () => void): void {
    this.commitHooks.push(hook);
  }

  /**
   * Applies buffered writes (and the commit hooks') and records the next offsets to read,
   * atomically. With `undoable` the commit keeps the before-images of everything it changes
   * in this database (see undoLastCommit); any commit discards those of the previous one.
   */
  commit(offsets: { topic: string; partition: number; offset: number }[], options: { undoable?: boolean } = {}): void {
    const apply = this.db.transaction(() => {
      if (options.undoable) (this.undo ??= new SqliteUndo(this.db)).arm();
      else this.undo?.disarm();
      for (const hook of this.commitHooks) hook();
      for (const p of this.pending.values()) {
        const k = this.sqlKey(p.key);
        if (p.row === null) this.delStmt.run(...k);
        else this.putStmt.run(...k, this.encodeValues(p.row.values), p.row.rowtime, p.row.partition);
      }
      for (const o of offsets) this.offsetStmt.run(o.topic, o.partition, o.offset);
    });
    apply();
    this.pending.clear();
  }

  /** Drops buffered writes that were not committed. */
  discardPending(): void {
    this.pending.clear();
    for (const hook of this.discardHooks) hook();
  }

  private readonly discardHooks: (() => void)[] = [];

  /** Runs `hook` whenever uncommitted writes are dropped (discardPending, undoLastCommit). */
  onDiscard(hook: () => void): void {
    this.discardHooks.push(hook);
  }

  /**
   * The offsets the last undoable commit replaced (-1 where it added a partition), or
   * undefined when there is nothing to undo.
   */
  undoOffsets(): { topic: string; partition: number; offset: number }[] | undefined {
    const before = this.undo?.before('offsets') ?? [];
    if (before.length === 0) return undefined;
    return before.map(({ key, row }) => ({ topic: String(key.topic), partition: Number(key.part), offset: row ? Number(row.next) : -1 }));
  }

  /** Restores what the last undoable commit changed (rows, hook state, offsets). */
  undoLastCommit(): void {
    this.undo?.restore();
    this.pending.clear();
    for (const hook of this.discardHooks) hook();
  }

  committedOffsets(topic: string): Map<number, number> {
    const rows = this.db.prepare('SELECT part, next FROM offsets WHERE topic = ?').all(topic) as { part: number; next: number }[];
    return new Map(rows.map((r) => [r.part, r.next]));
  }

  /** All committed rows, by partition then key (the order a partitioned key-value store scan gives). */
  *scan(): Generator<StoredRow> {
    const keys = this.keyNames.join(', ');
    const stmt = this.db.prepare(`SELECT ${keys}, v, rowtime, part FROM rows ORDER BY part, ${keys}`);
    for (const r of stmt.iterate() as Iterable<Record<string, unknown>>) {
      yield this.decodeRow(r);
    }
  }

  /** Rows whose key columns equal the given values (committed state). */
  lookup(key: unknown[]): StoredRow | undefined {
    const r = this.getStmt.get(...this.sqlKey(key)) as { v: string; rowtime: number; part: number } | undefined;
    return r ? { key, values: this.decodeValues(r.v), rowtime: r.rowtime, partition: r.part } : undefined;
  }

  private decodeRow(r: Record<string, unknown>): StoredRow {
    const key = this.keyTypes.map((t, i) => fromSqliteKeyValue(r[`k${i}`], t));
    return { key, values: this.decodeValues(r.v as string), rowtime: Number(r.rowtime), partition: Number(r.part) };
  }

  private encodeValues(values: unknown[]): string {
    return JSON.stringify(values.map((v, i) => toStored(v, this.valueTypes[i]!)));
  }

  private decodeValues(text: string): unknown[] {
    const arr = JSON.parse(text) as unknown[];
    return arr.map((v, i) => fromStored(v, this.valueTypes[i]!));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  destroy(): void {
    this.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(this.file + suffix, { force: true });
  }
}
