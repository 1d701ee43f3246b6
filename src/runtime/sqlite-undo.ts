// Before-images of the last commit of a SQLite state database, so that exactly-once can
// take back a commit whose log transaction never completed (see exactly-once.ts).
//
// Triggers on every state table copy a row's committed content, the first time a write
// touches its primary key, into undo_rows__<table>, and note the key in
// undo_keys__<table>. arm() clears the images and turns capturing on at the start of a
// write transaction; restore() puts the touched keys back as they were. Tables created
// after attach (another state store in the same file) are picked up by the next arm(). A
// task's changelog capture tables (src/runtime/cluster/changelog.ts) are not state.

import type Database from 'better-sqlite3';

interface Tracked {
  table: string;
  columns: string[];
  key: string[];
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class SqliteUndo {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly db: Database.Database) {
    db.exec(
      `CREATE TABLE IF NOT EXISTS undo_ctl (id INTEGER PRIMARY KEY CHECK (id = 0), active INTEGER NOT NULL);
       INSERT OR IGNORE INTO undo_ctl (id, active) VALUES (0, 0);`,
    );
    this.track();
  }

  /** Installs capture triggers on state tables that do not have them yet. */
  private track(): void {
    const tables = this.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'undo\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'changelog\\_%' ESCAPE '\\'`)
      .pluck()
      .all() as string[];
    for (const table of tables) {
      if (this.tracked.has(table)) continue;
      const info = this.db.prepare(`PRAGMA table_info(${q(table)})`).all() as { name: string; pk: number }[];
      const columns = info.map((c) => c.name);
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const key = pk.length > 0 ? pk : columns;
      const t: Tracked = { table, columns, key };
      const rows = q(`undo_rows__${table}`);
      const keys = q(`undo_keys__${table}`);
      const match = (alias: string, ref: string) => key.map((k) => `${alias}.${q(k)} IS ${ref}.${q(k)}`).join(' AND ');
      const capture = (ref: 'NEW' | 'OLD') => `
        INSERT INTO ${rows} SELECT * FROM ${q(table)} AS t WHERE ${match('t', ref)}
          AND NOT EXISTS (SELECT 1 FROM ${keys} AS u WHERE ${match('u', ref)});
        INSERT INTO ${keys} SELECT ${key.map((k) => `${ref}.${q(k)}`).join(', ')}
          WHERE NOT EXISTS (SELECT 1 FROM ${keys} AS u WHERE ${match('u', ref)});`;
      const when = `WHEN (SELECT active FROM undo_ctl WHERE id = 0) = 1`;
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS ${rows} (${columns.map(q).join(', ')});
        CREATE TABLE IF NOT EXISTS ${keys} (${key.map(q).join(', ')});
        CREATE INDEX IF NOT EXISTS ${q(`undo_keys_ix__${table}`)} ON ${keys} (${key.map(q).join(', ')});
        CREATE TRIGGER IF NOT EXISTS ${q(`undo_ins__${table}`)} BEFORE INSERT ON ${q(table)} ${when} BEGIN ${capture('NEW')} END;
        CREATE TRIGGER IF NOT EXISTS ${q(`undo_del__${table}`)} BEFORE DELETE ON ${q(table)} ${when} BEGIN ${capture('OLD')} END;
        CREATE TRIGGER IF NOT EXISTS ${q(`undo_upd__${table}`)} BEFORE UPDATE ON ${q(table)} ${when} BEGIN ${capture('OLD')} ${capture('NEW')} END;
      `);
      this.tracked.set(table, t);
    }
  }

  private clearImages(): void {
    for (const t of this.tracked.values()) this.db.exec(`DELETE FROM ${q(`undo_rows__${t.table}`)}; DELETE FROM ${q(`undo_keys__${t.table}`)};`);
  }

  /** At the start of a write transaction: forget the previous images and capture this one's. */
  arm(): void {
    this.track();
    this.clearImages();
    this.db.exec('UPDATE undo_ctl SET active = 1 WHERE id = 0');
  }

  /** In a write transaction that will not be undone: no images, no capturing. */
  disarm(): void {
    this.clearImages();
    this.db.exec('UPDATE undo_ctl SET active = 0 WHERE id = 0');
  }

  /** The keys of `table` the last armed transaction touched, with their rows before it (undefined: absent). */
  before(table: string): { key: Record<string, unknown>; row: Record<string, unknown> | undefined }[] {
    const t = this.tracked.get(table);
    if (!t) return [];
    const keys = this.db.prepare(`SELECT * FROM ${q(`undo_keys__${table}`)}`).all() as Record<string, unknown>[];
    const find = this.db.prepare(`SELECT * FROM ${q(`undo_rows__${table}`)} WHERE ${t.key.map((k) => `${q(k)} IS ?`).join(' AND ')}`);
    return keys.map((key) => ({ key, row: find.get(...t.key.map((k) => key[k])) as Record<string, unknown> | undefined }));
  }

  /** Puts every key the last armed transaction touched back as it was, in one transaction. */
  restore(): void {
    this.db.transaction(() => {
      this.db.exec('UPDATE undo_ctl SET active = 0 WHERE id = 0');
      for (const t of this.tracked.values()) {
        const rows = q(`undo_rows__${t.table}`);
        const keys = q(`undo_keys__${t.table}`);
        const match = t.key.map((k) => `u.${q(k)} IS ${q(t.table)}.${q(k)}`).join(' AND ');
        this.db.exec(`DELETE FROM ${q(t.table)} WHERE EXISTS (SELECT 1 FROM ${keys} AS u WHERE ${match});
                      INSERT INTO ${q(t.table)} SELECT * FROM ${rows};`);
      }
      this.clearImages();
    })();
  }
}
