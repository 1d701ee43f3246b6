// The SQLite state of an aggregation: one row per group (and window) holding the
// aggregate functions' intermediate states, plus, for table sources, what each source row
// last contributed (so an update or a delete can be retracted). Writes are buffered in an
// overlay and flushed by `flush()`, which the owner calls inside the transaction that also
// records the consumed offsets. After a flush the overlay's entries stay as a read cache
// while there are at most CLEAN_CACHE_ENTRIES of them (a hot set of groups is then read
// and decoded once, not once per record); beyond that it is dropped, so the state of many
// groups lives in SQLite and not in memory.

import Database from 'better-sqlite3';
import { decodeValue, encodeValue } from '../../functions/aggregate/state-codec.js';

export interface AggregateEntry {
  /** Group key values. */
  key: unknown[];
  /** Window bounds (0, 0 without a window). */
  start: number;
  end: number;
  states: unknown[];
  rowtime: number;
  /** EMIT FINAL: the final result was emitted. */
  final?: boolean;
}

/** What a table source row contributed last: its group key and the aggregate arguments. */
export interface Contribution {
  key: unknown[];
  args: unknown[][];
}

export function groupKeyText(key: unknown[]): string {
  // Strings, booleans and finite non-negative-zero numbers encode as themselves.
  for (let i = 0; i < key.length; i++) {
    const v = key[i];
    const t = typeof v;
    if (t === 'string' || t === 'boolean') continue;
    if (t === 'number' && Number.isFinite(v) && !Object.is(v, -0)) continue;
    return JSON.stringify(key.map(encodeValue));
  }
  return JSON.stringify(key);
}

function encodeStates(states: unknown[]): string {
  return JSON.stringify(states.map(encodeValue));
}

function decodeStates(text: string): unknown[] {
  return (JSON.parse(text) as unknown[]).map(decodeValue);
}

/** Overlay key of a group's entry: the key text alone without a window (it starts with '['). */
function entryId(g: string, start: number, end: number): string {
  return start === 0 && end === 0 ? g : `${start}|${end}|${g}`;
}

/** Entries kept as a read cache after a flush, at most. */
const CLEAN_CACHE_ENTRIES = 10_000;

interface Slot {
  g: string;
  start: number;
  end: number;
  /** null: deleted. */
  entry: AggregateEntry | null;
  /** Changed since the last flush. */
  dirty: boolean;
}

export class AggregateStateStore {
  /** Entries changed since the last flush (dirty) and, up to a bound, entries read or flushed. */
  private readonly pending = new Map<string, Slot>();
  /** The ids of each group key's changed entries, so a group's windows are found without scanning all of `pending`. */
  private readonly pendingByGroup = new Map<string, Set<string>>();
  /** The key array groupKeyText last ran on, and its text (get then put pass the same array). */
  private lastKey: unknown[] | null = null;
  private lastG = '';
  private dirtySlots = 0;
  private readonly pendingPrev = new Map<string, Contribution | null>();
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  private readonly delStmt: Database.Statement;
  private readonly sessionsStmt: Database.Statement;
  private readonly rangeStmt: Database.Statement;
  private readonly manyStmt: Database.Statement;
  private readonly getPrevStmt: Database.Statement;
  private readonly putPrevStmt: Database.Statement;
  private readonly delPrevStmt: Database.Statement;
  private readonly metaGet: Database.Statement;
  private readonly metaPut: Database.Statement;
  private streamTimeValue: number;
  private streamTimeDirty = false;

  constructor(private readonly db: Database.Database) {
    db.exec(
      `CREATE TABLE IF NOT EXISTS agg_state (g TEXT NOT NULL, ws INTEGER NOT NULL, we INTEGER NOT NULL, s TEXT NOT NULL, rowtime INTEGER NOT NULL, fin INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (g, ws, we)) WITHOUT ROWID;
       CREATE TABLE IF NOT EXISTS agg_prev (sk TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
       CREATE TABLE IF NOT EXISTS agg_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,
    );
    this.getStmt = db.prepare('SELECT s, rowtime, fin FROM agg_state WHERE g = ? AND ws = ? AND we = ?');
    this.putStmt = db.prepare('INSERT OR REPLACE INTO agg_state (g, ws, we, s, rowtime, fin) VALUES (?, ?, ?, ?, ?, ?)');
    this.delStmt = db.prepare('DELETE FROM agg_state WHERE g = ? AND ws = ? AND we = ?');
    this.sessionsStmt = db.prepare('SELECT ws, we, s, rowtime, fin FROM agg_state WHERE g = ?');
    this.rangeStmt = db.prepare('SELECT ws, we, s, rowtime, fin FROM agg_state WHERE g = ? AND ws BETWEEN ? AND ?');
    this.manyStmt = db.prepare('SELECT g, s, rowtime, fin FROM agg_state WHERE ws = 0 AND we = 0 AND g IN (SELECT value FROM json_each(?))');
    this.getPrevStmt = db.prepare('SELECT v FROM agg_prev WHERE sk = ?');
    this.putPrevStmt = db.prepare('INSERT OR REPLACE INTO agg_prev (sk, v) VALUES (?, ?)');
    this.delPrevStmt = db.prepare('DELETE FROM agg_prev WHERE sk = ?');
    this.metaGet = db.prepare('SELECT value FROM agg_meta WHERE name = ?');
    this.metaPut = db.prepare('INSERT OR REPLACE INTO agg_meta (name, value) VALUES (?, ?)');
    const st = this.metaGet.get('streamTime') as { value: string } | undefined;
    this.streamTimeValue = st ? Number(st.value) : -Infinity;
  }

  get streamTime(): number {
    return this.streamTimeValue;
  }

  observe(ts: number): void {
    if (ts > this.streamTimeValue) {
      this.streamTimeValue = ts;
      this.streamTimeDirty = true;
    }
  }

  /** groupKeyText(key), remembered for the last key array asked about. */
  keyText(key: unknown[]): string {
    if (key !== this.lastKey) {
      this.lastG = groupKeyText(key);
      this.lastKey = key;
    }
    return this.lastG;
  }

  get(key: unknown[], start = 0, end = 0): AggregateEntry | undefined {
    const g = this.keyText(key);
    const id = entryId(g, start, end);
    const p = this.pending.get(id);
    if (p) return p.entry ?? undefined;
    const r = this.getStmt.get(g, start, end) as { s: string; rowtime: number; fin: number } | undefined;
    const entry = r ? { key, start, end, states: decodeStates(r.s), rowtime: r.rowtime, final: r.fin === 1 } : null;
    if (entry) this.pending.set(id, { g, start, end, entry, dirty: false });
    return entry ?? undefined;
  }

  /**
   * Reads the entries (without a window) of the groups a batch is about to touch in one
   * query, instead of one lookup per record; groups found absent are remembered as such.
   */
  prefetch(keys: unknown[][]): void {
    const missing = new Map<string, unknown[]>();
    for (const key of keys) {
      const g = groupKeyText(key);
      if (!this.pending.has(g)) missing.set(g, key);
    }
    if (missing.size < 2) return;
    for (const r of this.manyStmt.all(JSON.stringify([...missing.keys()])) as { g: string; s: string; rowtime: number; fin: number }[]) {
      const entry = { key: missing.get(r.g)!, start: 0, end: 0, states: decodeStates(r.s), rowtime: r.rowtime, final: r.fin === 1 };
      this.pending.set(r.g, { g: r.g, start: 0, end: 0, entry, dirty: false });
    }
    for (const g of missing.keys()) if (!this.pending.has(g)) this.pending.set(g, { g, start: 0, end: 0, entry: null, dirty: false });
  }

  put(entry: AggregateEntry): void {
    const g = this.keyText(entry.key);
    this.setPending(g, entry.start, entry.end, entry);
  }

  /** Entries changed since the last flush. */
  get dirtyCount(): number {
    return this.dirtySlots;
  }

  delete(key: unknown[], start = 0, end = 0): void {
    this.setPending(this.keyText(key), start, end, null);
  }

  private setPending(g: string, start: number, end: number, entry: AggregateEntry | null): void {
    const id = entryId(g, start, end);
    const p = this.pending.get(id);
    if (p) {
      p.entry = entry;
      if (!p.dirty) this.dirtySlots++;
      p.dirty = true;
    } else {
      this.pending.set(id, { g, start, end, entry, dirty: true });
      this.dirtySlots++;
    }
    // A window-less entry is found by its group key alone: only windows need the index.
    if (id === g) return;
    let ids = this.pendingByGroup.get(g);
    if (!ids) this.pendingByGroup.set(g, (ids = new Set()));
    ids.add(id);
  }

  /** A group's entries changed since the last flush (the rest are in SQLite). */
  private pendingOf(g: string): [string, Slot][] {
    const out: [string, Slot][] = [];
    const plain = this.pending.get(g);
    if (plain?.dirty) out.push([g, plain]);
    for (const id of this.pendingByGroup.get(g) ?? []) {
      const p = this.pending.get(id);
      if (p) out.push([id, p]);
    }
    return out;
  }

  /** All session windows of a group key. */
  sessions(key: unknown[]): AggregateEntry[] {
    const g = groupKeyText(key);
    const byId = new Map<string, AggregateEntry | null>();
    for (const r of this.sessionsStmt.all(g) as { ws: number; we: number; s: string; rowtime: number; fin: number }[]) {
      byId.set(entryId(g, r.ws, r.we), { key, start: r.ws, end: r.we, states: decodeStates(r.s), rowtime: r.rowtime, final: r.fin === 1 });
    }
    for (const [id, p] of this.pendingOf(g)) byId.set(id, p.entry);
    return [...byId.values()].filter((e): e is AggregateEntry => e !== null);
  }

  /** The windows of a group key whose start is in [from, to], committed and pending. */
  windowsStartingIn(key: unknown[], from: number, to: number): AggregateEntry[] {
    const g = groupKeyText(key);
    const byId = new Map<string, AggregateEntry | null>();
    for (const r of this.rangeStmt.all(g, from, to) as { ws: number; we: number; s: string; rowtime: number; fin: number }[]) {
      byId.set(entryId(g, r.ws, r.we), { key, start: r.ws, end: r.we, states: decodeStates(r.s), rowtime: r.rowtime, final: r.fin === 1 });
    }
    for (const [id, p] of this.pendingOf(g)) if (p.start >= from && p.start <= to) byId.set(id, p.entry);
    return [...byId.values()].filter((e): e is AggregateEntry => e !== null);
  }

  /** The SQLite database, for window state kept beside the aggregates (src/runtime/window). */
  get database(): Database.Database {
    return this.db;
  }

  private readonly flushListeners: (() => void)[] = [];

  /** Called inside flush(), for state that commits with the aggregates. */
  onFlush(listener: () => void): void {
    this.flushListeners.push(listener);
  }

  /** The latest window start the store holds, committed or pending (-Infinity when empty). */
  latestWindowStart(): number {
    const r = this.db.prepare('SELECT MAX(ws) AS m FROM agg_state').get() as { m: number | null };
    let latest = r.m ?? -Infinity;
    for (const p of this.pending.values()) if (p.entry && p.start > latest) latest = p.start;
    return latest;
  }

  /** Entries not yet emitted as final (EMIT FINAL), committed and pending. */
  openWindows(): AggregateEntry[] {
    const byId = new Map<string, AggregateEntry | null>();
    const rows = this.db.prepare('SELECT g, ws, we, s, rowtime FROM agg_state WHERE fin = 0').all() as {
      g: string;
      ws: number;
      we: number;
      s: string;
      rowtime: number;
    }[];
    for (const r of rows) {
      const key = (JSON.parse(r.g) as unknown[]).map(decodeValue);
      byId.set(entryId(r.g, r.ws, r.we), { key, start: r.ws, end: r.we, states: decodeStates(r.s), rowtime: r.rowtime });
    }
    for (const [id, p] of this.pending) byId.set(id, p.entry && !p.entry.final ? p.entry : null);
    return [...byId.values()].filter((e): e is AggregateEntry => e !== null);
  }

  getContribution(sourceKey: string): Contribution | undefined {
    if (this.pendingPrev.has(sourceKey)) return this.pendingPrev.get(sourceKey) ?? undefined;
    const r = this.getPrevStmt.get(sourceKey) as { v: string } | undefined;
    if (!r) return undefined;
    const v = JSON.parse(r.v) as { k: unknown[]; a: unknown[][] };
    return { key: v.k.map(decodeValue), args: v.a.map((a) => a.map(decodeValue)) };
  }

  setContribution(sourceKey: string, c: Contribution | null): void {
    this.pendingPrev.set(sourceKey, c);
  }

  /** Writes the overlay to SQLite; call inside the owner's commit transaction. */
  flush(): void {
    for (const l of this.flushListeners) l();
    for (const [id, p] of this.pending) {
      if (!p.dirty) {
        if (p.entry === null) this.pending.delete(id);
        continue;
      }
      p.dirty = false;
      if (p.entry === null) {
        this.delStmt.run(p.g, p.start, p.end);
        this.pending.delete(id);
      } else this.putStmt.run(p.g, p.start, p.end, encodeStates(p.entry.states), p.entry.rowtime, p.entry.final ? 1 : 0);
    }
    this.dirtySlots = 0;
    if (this.pending.size > CLEAN_CACHE_ENTRIES) this.pending.clear();
    this.pendingByGroup.clear();
    for (const [sk, c] of this.pendingPrev) {
      if (c === null) this.delPrevStmt.run(sk);
      else this.putPrevStmt.run(sk, JSON.stringify({ k: c.key.map(encodeValue), a: c.args.map((a) => a.map(encodeValue)) }));
    }
    this.pendingPrev.clear();
    if (this.streamTimeDirty) {
      this.metaPut.run('streamTime', String(this.streamTimeValue));
      this.streamTimeDirty = false;
    }
  }

  /** Drops uncommitted changes and re-reads what is committed (after an aborted cycle). */
  discard(): void {
    this.pending.clear();
    this.pendingByGroup.clear();
    this.dirtySlots = 0;
    this.pendingPrev.clear();
    const st = this.metaGet.get('streamTime') as { value: string } | undefined;
    this.streamTimeValue = st ? Number(st.value) : -Infinity;
    this.streamTimeDirty = false;
    for (const l of this.discardListeners) l();
  }

  private readonly discardListeners: (() => void)[] = [];

  /** Called after discard(), for caches derived from the state. */
  onDiscard(listener: () => void): void {
    this.discardListeners.push(listener);
  }

  /** For stores without an owner transaction (transient queries). */
  flushNow(): void {
    this.db.transaction(() => this.flush())();
  }
}

/** A state store in an in-memory database, for transient push queries. */
export function memoryStateStore(): AggregateStateStore {
  return new AggregateStateStore(new Database(':memory:'));
}
