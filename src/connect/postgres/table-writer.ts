// One target table of the PostgreSQL sink: its columns from the stream's or table's schema
// and pk.mode, created (auto.create) or widened (auto.evolve) on first use, and the
// statements that write a batch: multi-row INSERT, INSERT ... ON CONFLICT for upserts,
// UPDATE, and DELETE by primary key for tombstones.

import type pg from 'pg';
import type { Column, SqlType } from '../../common/types.js';
import type { DecodedRecord } from '../topic-records.js';
import { qualifiedTable, quoteIdent } from './connection.js';
import { postgresParam, postgresType } from './types.js';
import { BIGINT, INTEGER, STRING } from '../../common/types.js';

export type InsertMode = 'insert' | 'upsert' | 'update';
export type PkMode = 'none' | 'kafka' | 'record_key' | 'record_value';

export interface TableSettings {
  connector: string;
  table: string;
  insertMode: InsertMode;
  pkMode: PkMode;
  pkFields: string[];
  deleteEnabled: boolean;
  autoCreate: boolean;
  autoEvolve: boolean;
}

interface TargetColumn {
  name: string;
  type: SqlType;
  from: 'key' | 'value' | 'kafka';
}

type Op = { kind: 'upsert'; values: unknown[] } | { kind: 'delete'; pk: unknown[] };

const MAX_PARAMS = 30_000;
const KAFKA_COLUMNS: TargetColumn[] = [
  { name: '__connect_topic', type: STRING, from: 'kafka' },
  { name: '__connect_partition', type: INTEGER, from: 'kafka' },
  { name: '__connect_offset', type: BIGINT, from: 'kafka' },
];

export class TableWriter {
  private readonly columns: TargetColumn[];
  private readonly pk: TargetColumn[];
  private readonly target: ReturnType<typeof qualifiedTable>;
  private ensured = false;

  constructor(
    private readonly settings: TableSettings,
    keyColumns: Column[],
    valueColumns: Column[],
  ) {
    this.target = qualifiedTable(settings.table);
    const key = keyColumns.map((c): TargetColumn => ({ name: c.name, type: c.type, from: 'key' }));
    const value = valueColumns.map((c): TargetColumn => ({ name: c.name, type: c.type, from: 'value' }));
    const pick = (cols: TargetColumn[]) => {
      if (settings.pkFields.length === 0) return cols;
      return settings.pkFields.map((f) => {
        const c = cols.find((x) => x.name === f) ?? cols.find((x) => x.name.toUpperCase() === f.toUpperCase());
        if (!c) throw new Error(`pk.fields names '${f}', which is not among the ${settings.pkMode === 'record_key' ? 'key' : 'value'} columns ${cols.map((x) => x.name).join(', ')}`);
        return c;
      });
    };
    switch (settings.pkMode) {
      case 'none':
        this.pk = [];
        this.columns = value;
        break;
      case 'kafka':
        this.pk = KAFKA_COLUMNS;
        this.columns = [...KAFKA_COLUMNS, ...value];
        break;
      case 'record_key':
        if (key.length === 0) throw new Error(`pk.mode=record_key, but the records of ${settings.table}'s topic have no key columns; use pk.mode=record_value with pk.fields, or kafka`);
        this.pk = pick(key);
        this.columns = [...this.pk, ...value.filter((v) => !this.pk.some((p) => p.name === v.name))];
        break;
      case 'record_value':
        this.pk = pick(value);
        this.columns = value;
        break;
    }
    if (settings.insertMode !== 'insert' && this.pk.length === 0) {
      throw new Error(`insert.mode=${settings.insertMode} needs a primary key: set pk.mode to record_key, record_value or kafka`);
    }
    if (settings.deleteEnabled && settings.pkMode !== 'record_key') {
      throw new Error(`delete.enabled=true needs pk.mode=record_key (a tombstone carries only its key)`);
    }
  }

  /** Creates or widens the table on first use. */
  async ensure(client: pg.Client): Promise<void> {
    if (this.ensured) return;
    const res = await client.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = COALESCE($2, current_schema())`,
      [this.target.table, this.target.schema ?? null],
    );
    const existing = new Set(res.rows.map((r) => r.column_name as string));
    if (existing.size === 0) {
      if (!this.settings.autoCreate) {
        throw new Error(`table ${this.target.sql} does not exist and auto.create is false; create it, or set 'auto.create'='true'`);
      }
      const defs = this.columns.map((c) => `${quoteIdent(c.name)} ${postgresType(c.type)}${this.pk.includes(c) ? ' NOT NULL' : ''}`);
      if (this.pk.length > 0) defs.push(`PRIMARY KEY (${this.pk.map((c) => quoteIdent(c.name)).join(', ')})`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.target.sql} (${defs.join(', ')})`);
    } else {
      const missing = this.columns.filter((c) => !existing.has(c.name));
      if (missing.length > 0) {
        if (!this.settings.autoEvolve) {
          throw new Error(`table ${this.target.sql} lacks column(s) ${missing.map((c) => c.name).join(', ')} and auto.evolve is false; add them, or set 'auto.evolve'='true'`);
        }
        for (const c of missing) await client.query(`ALTER TABLE ${this.target.sql} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${postgresType(c.type)}`);
      }
    }
    this.ensured = true;
  }

  /** Writes records in order inside the caller's transaction. */
  async write(client: pg.Client, records: DecodedRecord[]): Promise<void> {
    await this.ensure(client);
    let run: Op[] = [];
    for (const r of records) {
      const op = this.opOf(r);
      if (!op) continue;
      if (run.length > 0 && run[0]!.kind !== op.kind) {
        await this.flush(client, run);
        run = [];
      }
      run.push(op);
    }
    if (run.length > 0) await this.flush(client, run);
  }

  private opOf(r: DecodedRecord): Op | undefined {
    if (r.value === null) {
      if (!this.settings.deleteEnabled) {
        throw new Error(
          `record ${r.record.topic}[${r.record.partition}]@${r.record.offset} is a tombstone and delete.enabled is false; set 'delete.enabled'='true' with 'pk.mode'='record_key' to delete rows`,
        );
      }
      if (!r.key) return undefined;
      return { kind: 'delete', pk: this.pk.map((c) => postgresParam(r.key![c.name], c.type)) };
    }
    const values = this.columns.map((c) => {
      if (c.from === 'kafka') return c.name === '__connect_topic' ? r.record.topic : c.name === '__connect_partition' ? r.record.partition : r.record.offset;
      const side = c.from === 'key' ? r.key : r.value;
      return postgresParam(side?.[c.name] ?? null, c.type);
    });
    if (this.pk.some((c) => values[this.columns.indexOf(c)] === null)) {
      throw new Error(`record ${r.record.topic}[${r.record.partition}]@${r.record.offset} has a null primary key column (${this.pk.map((c) => c.name).join(', ')})`);
    }
    return { kind: 'upsert', values };
  }

  private async flush(client: pg.Client, ops: Op[]): Promise<void> {
    if (ops[0]!.kind === 'delete') return this.deleteRows(client, dedupe(ops.map((o) => (o as { pk: unknown[] }).pk), (pk) => pk));
    let rows = ops.map((o) => (o as { values: unknown[] }).values);
    if (this.settings.insertMode !== 'insert') {
      const pkIdx = this.pk.map((c) => this.columns.indexOf(c));
      rows = dedupe(rows, (v) => pkIdx.map((i) => v[i]));
    }
    if (this.settings.insertMode === 'update') {
      for (const row of rows) await this.updateRow(client, row);
      return;
    }
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / this.columns.length));
    for (let i = 0; i < rows.length; i += perStatement) await this.insertRows(client, rows.slice(i, i + perStatement));
  }

  private async insertRows(client: pg.Client, rows: unknown[][]): Promise<void> {
    const params: unknown[] = [];
    const tuples = rows.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    const names = this.columns.map((c) => quoteIdent(c.name)).join(', ');
    let sql = `INSERT INTO ${this.target.sql} (${names}) VALUES ${tuples.join(', ')}`;
    if (this.settings.insertMode === 'upsert') {
      const rest = this.columns.filter((c) => !this.pk.includes(c));
      const conflict = this.pk.map((c) => quoteIdent(c.name)).join(', ');
      sql +=
        rest.length === 0
          ? ` ON CONFLICT (${conflict}) DO NOTHING`
          : ` ON CONFLICT (${conflict}) DO UPDATE SET ${rest.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(', ')}`;
    }
    await client.query(sql, params);
  }

  private async updateRow(client: pg.Client, row: unknown[]): Promise<void> {
    const rest = this.columns.filter((c) => !this.pk.includes(c));
    if (rest.length === 0) return;
    const params: unknown[] = [];
    const sets = rest.map((c) => (params.push(row[this.columns.indexOf(c)]), `${quoteIdent(c.name)} = $${params.length}`));
    const where = this.pk.map((c) => (params.push(row[this.columns.indexOf(c)]), `${quoteIdent(c.name)} = $${params.length}`));
    await client.query(`UPDATE ${this.target.sql} SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`, params);
  }

  private async deleteRows(client: pg.Client, pks: unknown[][]): Promise<void> {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / this.pk.length));
    const cols = `(${this.pk.map((c) => quoteIdent(c.name)).join(', ')})`;
    for (let i = 0; i < pks.length; i += perStatement) {
      const params: unknown[] = [];
      const tuples = pks.slice(i, i + perStatement).map((pk) => `(${pk.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
      await client.query(`DELETE FROM ${this.target.sql} WHERE ${cols} IN (${tuples.join(', ')})`, params);
    }
  }
}

/** The last of each key, in the order of their last occurrence. */
function dedupe<T>(items: T[], keyOf: (t: T) => unknown[]): T[] {
  const last = new Map<string, T>();
  for (const item of items) {
    const k = JSON.stringify(keyOf(item), (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? v.toString() : v));
    last.delete(k);
    last.set(k, item);
  }
  return [...last.values()];
}
