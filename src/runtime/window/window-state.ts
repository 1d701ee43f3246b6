// State that sliding and count windows keep beside the aggregates, in the same SQLite
// database and committed in the same transaction (through the aggregate store's flush):
//   - sliding windows: the records themselves (their aggregate arguments), for as long as a
//     window created later can still contain them, so a new window's result is folded from
//     exactly the records it covers;
//   - count windows: how many records each key has seen.
// Writes are buffered like the aggregate store's and dropped with it on discard.

import type Database from 'better-sqlite3';
import { decodeValue, encodeValue } from '../../functions/aggregate/state-codec.js';
import type { WindowStore } from './window-store.js';

export interface BufferedRecord {
  /** Arrival number: records fold in arrival order. */
  n: number;
  ts: number;
  args: unknown[][];
}

export class WindowSideState {
  private readonly db: Database.Database;
  private readonly pendingRecords = new Map<string, BufferedRecord[]>();
  private readonly pendingCounts = new Map<string, number>();
  private pruneBefore: number | null = null;
  private nextN = 0;
  private readonly rangeStmt: Database.Statement;
  private readonly countStmt: Database.Statement;

  constructor(
    store: WindowStore,
    /** The group key's text form (the aggregate store's). */
    private readonly keyText: (key: unknown[]) => string,
  ) {
    this.db = store.database;
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS win_records (g TEXT NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL, a TEXT NOT NULL, PRIMARY KEY (g, ts, n)) WITHOUT ROWID;
       CREATE TABLE IF NOT EXISTS win_counts (g TEXT PRIMARY KEY, c INTEGER NOT NULL) WITHOUT ROWID;`,
    );
    this.rangeStmt = this.db.prepare('SELECT ts, n, a FROM win_records WHERE g = ? AND ts BETWEEN ? AND ?');
    this.countStmt = this.db.prepare('SELECT c FROM win_counts WHERE g = ?');
    this.readNextN();
    store.onFlush(() => this.flush());
    store.onDiscard(() => this.discard());
  }

  private readNextN(): void {
    const r = this.db.prepare('SELECT MAX(n) AS n FROM win_records').get() as { n: number | null };
    this.nextN = (r.n ?? -1) + 1;
  }

  addRecord(key: unknown[], ts: number, args: unknown[][]): void {
    const g = this.keyText(key);
    let list = this.pendingRecords.get(g);
    if (!list) this.pendingRecords.set(g, (list = []));
    list.push({ n: this.nextN++, ts, args });
  }

  /** The records of a key with a time in [from, to], in arrival order. */
  recordsIn(key: unknown[], from: number, to: number): BufferedRecord[] {
    const g = this.keyText(key);
    const out: BufferedRecord[] = [];
    for (const r of this.rangeStmt.all(g, from, to) as { ts: number; n: number; a: string }[]) {
      out.push({ n: r.n, ts: r.ts, args: (JSON.parse(r.a) as unknown[][]).map((a) => a.map(decodeValue)) });
    }
    for (const r of this.pendingRecords.get(g) ?? []) if (r.ts >= from && r.ts <= to) out.push(r);
    return out.sort((a, b) => a.n - b.n);
  }

  /** Records older than `ts` can no longer fall into a window that is still to be created. */
  forgetBefore(ts: number): void {
    if (this.pruneBefore === null || ts > this.pruneBefore) this.pruneBefore = ts;
  }

  recordCount(key: unknown[]): number {
    const g = this.keyText(key);
    const p = this.pendingCounts.get(g);
    if (p !== undefined) return p;
    return (this.countStmt.get(g) as { c: number } | undefined)?.c ?? 0;
  }

  setRecordCount(key: unknown[], count: number): void {
    this.pendingCounts.set(this.keyText(key), count);
  }

  private flush(): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO win_records (g, ts, n, a) VALUES (?, ?, ?, ?)');
    for (const [g, list] of this.pendingRecords) {
      for (const r of list) put.run(g, r.ts, r.n, JSON.stringify(r.args.map((a) => a.map(encodeValue))));
    }
    this.pendingRecords.clear();
    if (this.pruneBefore !== null) {
      this.db.prepare('DELETE FROM win_records WHERE ts < ?').run(this.pruneBefore);
      this.pruneBefore = null;
    }
    const putCount = this.db.prepare('INSERT OR REPLACE INTO win_counts (g, c) VALUES (?, ?)');
    for (const [g, c] of this.pendingCounts) putCount.run(g, c);
    this.pendingCounts.clear();
  }

  private discard(): void {
    this.pendingRecords.clear();
    this.pendingCounts.clear();
    this.pruneBefore = null;
    this.readNextN();
  }
}
