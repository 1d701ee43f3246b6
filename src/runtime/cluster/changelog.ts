// A task's state changelog: every change to the state tables of a task's SQLite store
// (materialized rows, aggregation state, the offsets they were committed with) is captured
// by triggers and written, on each commit and in the same log transaction under
// exactly_once_v2, to a compacted topic partition named as ksqlDB names its store's
// changelog (`<query group>-<store>-changelog`, partition = task). A task whose local file
// is missing, corrupt or behind the group's committed offsets (another server ran the task
// meanwhile) wipes its state tables and replays its changelog partition before it starts.
//
// Rows travel as SQL literals (SQLite's quote(), with 17 digits for REAL), so every value a
// STRICT ANY column holds comes back with its storage class.

import type Database from 'better-sqlite3';
import { TopicExistsError, type PartitionProgress, type ProduceRecord, type TopicLog } from '../../log/topic-log.js';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const OUT = 'changelog_out';
const CTL = 'changelog_ctl';
const lit = (ref: string) => `CASE typeof(${ref}) WHEN 'real' THEN printf('%!.17g', ${ref}) ELSE quote(${ref}) END`;

/** A literal quote() or printf('%!.17g') wrote, and nothing else: the topic's content never runs as SQL. */
const LITERAL = /^(?:NULL|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|'(?:[^']|'')*'|X'[0-9A-F]*')$/i;

function literal(v: string): string {
  if (v === 'Inf') return '9e999';
  if (v === '-Inf') return '-9e999';
  if (!LITERAL.test(v)) throw new Error(`changelog record holds '${v.slice(0, 40)}', which is not an SQL literal`);
  return v;
}

interface TableInfo {
  name: string;
  columns: string[];
  key: string[];
}

/** ksqlDB's store name for a query's state: aggregates materialize in Aggregate-Aggregate-Materialize. */
export function changelogTopic(group: string, aggregate: boolean): string {
  return `${group}-${aggregate ? 'Aggregate-Aggregate-Materialize' : 'KsqlTopic-Reduce'}-changelog`;
}

/**
 * A join's state changelog. ksqlDB keeps one store (and changelog) per join window side or
 * table side (`stores`, its names from src/planner/query/join-topology.ts); a task's join
 * state here is one SQLite file, so one changelog holds it all: the first store's.
 */
export function joinChangelogTopic(group: string, stores: readonly string[] = []): string {
  return `${group}-${stores[0] ?? 'Join-store'}-changelog`;
}

export async function ensureChangelogTopic(log: TopicLog, topic: string, partitions: number, replicationFactor?: number): Promise<void> {
  if (await log.describeTopic(topic)) return;
  try {
    await log.createTopic(topic, { partitions, ...(replicationFactor ? { replicationFactor } : {}), configs: { 'cleanup.policy': 'compact' } });
  } catch (e) {
    // Another server of the cluster created it first (its metadata may not have reached every broker yet).
    if (e instanceof TopicExistsError) return;
    if (!(await log.describeTopic(topic))) throw e;
  }
}

export class TaskChangelog {
  private tables: TableInfo[] = [];

  constructor(
    private readonly log: TopicLog,
    readonly topic: string,
    readonly partition: number,
    private readonly db: Database.Database,
  ) {}

  /** The state tables: all but SQLite's, the undo images' and this module's own. */
  private stateTables(): TableInfo[] {
    const names = this.db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'undo\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'changelog\\_%' ESCAPE '\\'`,
      )
      .pluck()
      .all() as string[];
    return names.sort().map((name) => {
      const info = this.db.prepare(`PRAGMA table_info(${q(name)})`).all() as { name: string; pk: number }[];
      const columns = info.map((c) => c.name);
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      return { name, columns, key: pk.length > 0 ? pk : columns };
    });
  }

  /** Installs the capture triggers (idempotent); call once every state table exists. */
  install(): void {
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${OUT} (seq INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL, v TEXT);
       CREATE TABLE IF NOT EXISTS ${CTL} (id INTEGER PRIMARY KEY CHECK (id = 0), active INTEGER NOT NULL);
       INSERT OR IGNORE INTO ${CTL} (id, active) VALUES (0, 1);`,
    );
    this.tables = this.stateTables();
    const when = `WHEN (SELECT active FROM ${CTL} WHERE id = 0) = 1`;
    for (const t of this.tables) {
      const key = (ref: string) => `json_array(${JSON.stringify(t.name).replace(/"/g, "'")}, json_array(${t.key.map((k) => lit(`${ref}.${q(k)}`)).join(', ')}))`;
      const value = (ref: string) => `json_array(${t.columns.map((c) => lit(`${ref}.${q(c)}`)).join(', ')})`;
      this.db.exec(`
        CREATE TRIGGER IF NOT EXISTS ${q(`changelog_ins__${t.name}`)} AFTER INSERT ON ${q(t.name)} ${when}
          BEGIN INSERT INTO ${OUT} (k, v) VALUES (${key('NEW')}, ${value('NEW')}); END;
        CREATE TRIGGER IF NOT EXISTS ${q(`changelog_del__${t.name}`)} AFTER DELETE ON ${q(t.name)} ${when}
          BEGIN INSERT INTO ${OUT} (k, v) VALUES (${key('OLD')}, NULL); END;
        CREATE TRIGGER IF NOT EXISTS ${q(`changelog_upd__${t.name}`)} AFTER UPDATE ON ${q(t.name)} ${when}
          BEGIN INSERT INTO ${OUT} (k, v) VALUES (${key('OLD')}, NULL); INSERT INTO ${OUT} (k, v) VALUES (${key('NEW')}, ${value('NEW')}); END;
      `);
    }
  }

  /** Produces what the last commits changed (through `produce`, e.g. into the cycle's transaction), then forgets it. */
  async flush(produce: (topic: string, records: ProduceRecord[]) => Promise<void>): Promise<void> {
    const rows = this.db.prepare(`SELECT seq, k, v FROM ${OUT} ORDER BY seq`).all() as { seq: number; k: string; v: string | null }[];
    if (rows.length === 0) return;
    await produce(
      this.topic,
      rows.map((r) => ({ key: Buffer.from(r.k), value: r.v === null ? null : Buffer.from(r.v), partition: this.partition })),
    );
    this.db.prepare(`DELETE FROM ${OUT} WHERE seq <= ?`).run(rows[rows.length - 1]!.seq);
  }

  /** Replaces the state tables' content with the changelog partition's; resolves with the records applied. */
  async restore(): Promise<number> {
    const tables = new Map(this.stateTables().map((t) => [t.name, t]));
    const [begin] = [(await this.log.beginningOffsets(this.topic))[this.partition] ?? 0];
    const end = (await this.log.endOffsets(this.topic))[this.partition] ?? 0;
    const latest = new Map<string, string | null>();
    let offset = begin;
    let stalled = 0;
    while (offset < end) {
      const before = offset;
      const progress: PartitionProgress[] = [];
      const batch = await this.log.fetch([{ topic: this.topic, partition: this.partition, offset }], { maxRecords: 10_000, maxWaitMs: 200, progress });
      for (const r of batch) {
        offset = r.offset + 1;
        if (r.key) latest.set(r.key.toString(), r.value === null ? null : r.value.toString());
      }
      // Past commit markers and aborted batches too, which hold no records.
      const next = progress[0]?.nextOffset;
      if (next !== undefined && next > offset) offset = next;
      if (offset > before) stalled = 0;
      else if (++stalled > 100) throw new Error(`Could not restore state from changelog ${this.topic} partition ${this.partition}: stuck at offset ${offset} of ${end}`);
    }
    this.db.transaction(() => {
      this.db.exec(`UPDATE ${CTL} SET active = 0 WHERE id = 0`);
      // Before-images of an earlier commit describe a state this one replaces: no undo past a restore.
      if (this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'undo_ctl'`).get()) this.db.exec('UPDATE undo_ctl SET active = 0 WHERE id = 0');
      const images = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'undo\\_rows\\_\\_%' ESCAPE '\\' OR name LIKE 'undo\\_keys\\_\\_%' ESCAPE '\\')`).pluck().all() as string[];
      for (const name of images) this.db.exec(`DELETE FROM ${q(name)}`);
      for (const t of tables.values()) this.db.exec(`DELETE FROM ${q(t.name)}`);
      for (const [k, v] of latest) {
        if (v === null) continue;
        const [name] = JSON.parse(k) as [string, string[]];
        const t = tables.get(name);
        if (!t) continue;
        const values = JSON.parse(v) as string[];
        if (values.length !== t.columns.length) continue;
        this.db.exec(`INSERT OR REPLACE INTO ${q(t.name)} (${t.columns.map(q).join(', ')}) VALUES (${values.map(literal).join(', ')})`);
      }
      this.db.exec(`DELETE FROM ${OUT}; UPDATE ${CTL} SET active = 1 WHERE id = 0`);
    })();
    return latest.size;
  }
}
