// Reads a materialized table's committed rows for pull queries through its own read-only
// SQLite connection, with one prepared statement per access shape (point, key range, window
// bounds, scan). The table layout is the store's (src/runtime/table-store.ts): key columns
// k0..kn (for windowed tables the window start and end follow the key), the value columns
// as JSON in `v`, then rowtime and part; the primary key is (k0..kn).

import Database from 'better-sqlite3';
import type { SqlType } from '../../common/types.js';
import type { Bounds, KeyAccess } from '../../planner/query/pull-access.js';
import { fromSqliteKeyValue, fromStored, sqliteKeyValue } from '../value-codec.js';
import { compareValues } from './evaluate.js';

type SqlValue = string | number | bigint | Buffer | null;

/** Where a stored row's parts go in a source-layout row. */
export interface RowShape {
  width: number;
  keyCount: number;
  /** Row index of each stored value column. */
  valueIndexes: number[];
  rowtimeIndex: number;
  rowpartitionIndex: number;
  windowIndexes?: { start: number; end: number };
}

/** What a table pull reads its rows from: one store's file, or the files of a server's tasks. */
export interface StoredRows {
  rows(access: KeyAccess, keyCount: number, shape: RowShape, points?: unknown[][]): unknown[][];
}

export class TableReader implements StoredRows {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly keyNames: string[];

  constructor(
    readonly file: string,
    /** Key column types, with the window bounds (BIGINT, BIGINT) for windowed tables. */
    private readonly keyTypes: SqlType[],
    private readonly valueTypes: SqlType[],
  ) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.keyNames = Array.from({ length: Math.max(keyTypes.length, 1) }, (_, i) => `k${i}`);
  }

  get open(): boolean {
    return this.db.open;
  }

  private statement(id: string, where: string, order: string): Database.Statement {
    let s = this.statements.get(id);
    if (!s) {
      const cols = this.keyNames.join(', ');
      s = this.db.prepare(`SELECT ${cols}, v, rowtime, part FROM rows${where ? ` WHERE ${where}` : ''}${order ? ` ORDER BY ${order}` : ''}`).raw(true);
      this.statements.set(id, s);
    }
    return s;
  }

  /** Rows the access path selects, as source-layout rows; points in the order listed. */
  rows(access: KeyAccess, keyCount: number, shape: RowShape, points?: unknown[][]): unknown[][] {
    const out: unknown[][] = [];
    const windowed = shape.windowIndexes !== undefined;
    const params: SqlValue[] = [];
    const conds: string[] = [];
    let id = '';
    const addBounds = (col: string, b: Bounds | undefined, type: SqlType, tag: string) => {
      if (!b) return;
      if (b.lower) {
        conds.push(`${col} ${b.lower.inclusive ? '>=' : '>'} ?`);
        params.push(sqliteKeyValue(b.lower.value.value, type));
        id += `${tag}${b.lower.inclusive ? 'L' : 'l'}`;
      }
      if (b.upper) {
        conds.push(`${col} ${b.upper.inclusive ? '<=' : '<'} ?`);
        params.push(sqliteKeyValue(b.upper.value.value, type));
        id += `${tag}${b.upper.inclusive ? 'U' : 'u'}`;
      }
    };
    if (windowed) {
      addBounds(`k${keyCount}`, access.windowStart, this.keyTypes[keyCount]!, 'S');
      addBounds(`k${keyCount + 1}`, access.windowEnd, this.keyTypes[keyCount + 1]!, 'E');
    }
    const keys = points ?? access.points?.map((p) => p.map((v) => v.value));
    if (keys) {
      const eqs = Array.from({ length: keyCount }, (_, i) => `k${i} = ?`);
      const s = this.statement(`P${id}`, [...eqs, ...conds].join(' AND '), windowed ? this.keyNames.join(', ') : '');
      for (const key of keys) {
        const bound = key.map((v, i) => sqliteKeyValue(v, this.keyTypes[i]!));
        if (!windowed) {
          // The primary key: at most one row.
          const r = s.get(...bound, ...params) as unknown[] | undefined;
          if (r) out.push(this.toRow(r, shape));
        } else for (const r of s.iterate(...bound, ...params) as Iterable<unknown[]>) out.push(this.toRow(r, shape));
      }
      if (!access.listedOrder && keys.length > 1) out.sort(scanOrder(shape, keyCount));
      return out;
    }
    addBounds('k0', access.range, this.keyTypes[0]!, 'K');
    const s = this.statement(`R${id}`, conds.join(' AND '), `part, ${this.keyNames.join(', ')}`);
    for (const r of s.iterate(...params) as Iterable<unknown[]>) out.push(this.toRow(r, shape));
    return out;
  }

  private toRow(r: unknown[], shape: RowShape): unknown[] {
    const row = new Array<unknown>(shape.width).fill(null);
    const n = this.keyNames.length;
    const keyTypes = this.keyTypes;
    for (let i = 0; i < shape.keyCount; i++) row[i] = fromSqliteKeyValue(r[i], keyTypes[i]!);
    const values = JSON.parse(r[n] as string) as unknown[];
    const vt = this.valueTypes;
    const vi = shape.valueIndexes;
    for (let i = 0; i < values.length && i < vi.length; i++) row[vi[i]!] = fromStored(values[i], vt[i]!);
    row[shape.rowtimeIndex] = Number(r[n + 1]);
    row[shape.rowpartitionIndex] = Number(r[n + 2]);
    if (shape.windowIndexes) {
      row[shape.windowIndexes.start] = fromSqliteKeyValue(r[shape.keyCount], keyTypes[shape.keyCount]!);
      row[shape.windowIndexes.end] = fromSqliteKeyValue(r[shape.keyCount + 1], keyTypes[shape.keyCount + 1]!);
    }
    return row;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * The task stores a server holds of a shared table, read as one table: keys listed in order
 * are looked up key by key over every store, any other read is merged into the scan order of
 * a single store (partition, then key), since each task holds its own partitions.
 */
export class UnionReader implements StoredRows {
  constructor(private readonly readers: TableReader[]) {}

  rows(access: KeyAccess, keyCount: number, shape: RowShape, points?: unknown[][]): unknown[][] {
    const keys = points ?? access.points?.map((p) => p.map((v) => v.value));
    if (keys && access.listedOrder) {
      const out: unknown[][] = [];
      for (const key of keys) for (const r of this.readers) out.push(...r.rows(access, keyCount, shape, [key]));
      return out;
    }
    const out = this.readers.flatMap((r) => r.rows(access, keyCount, shape, points));
    if (this.readers.length > 1) out.sort(scanOrder(shape, keyCount));
    return out;
  }
}

/** The order a scan gives: by partition, then key columns (window bounds included). */
function scanOrder(shape: RowShape, keyCount: number): (a: unknown[], b: unknown[]) => number {
  const cols = [shape.rowpartitionIndex, ...Array.from({ length: keyCount }, (_, i) => i)];
  if (shape.windowIndexes) cols.push(shape.windowIndexes.start, shape.windowIndexes.end);
  return (a, b) => {
    for (const c of cols) {
      const d = compareValues(a[c], b[c]);
      if (d !== 0) return d;
    }
    return 0;
  };
}
