// The state half of the stateful baselines: a SQLite file set up as Eddy's stores are (WAL,
// synchronous NORMAL), a key → JSON table, and one upsert transaction per batch of the
// keys the batch touched.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export class BaselineStore {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  readonly upsertBatch: (entries: Iterable<[string, string]>) => void;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS state (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID');
    this.upsert = this.db.prepare('INSERT OR REPLACE INTO state (k, v) VALUES (?, ?)');
    this.upsertBatch = this.db.transaction((entries: Iterable<[string, string]>) => {
      for (const [k, v] of entries) this.upsert.run(k, v);
    });
  }

  close(): void {
    this.db.close();
  }
}

/** Eddy's poll size (max.poll.records): the baselines write state once per batch of this many. */
export const BATCH = 5000;
