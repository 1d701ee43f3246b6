// Where a PostgreSQL sink keeps the offsets it has consumed: a table in the target database,
// written in the same transaction as the rows, so a crash at any point leaves rows and
// offsets agreeing (exactly once). An advisory lock per connector fences a second writer.

import type pg from 'pg';
import { positionKey, splitPositionKey } from '../topic-records.js';
import { qualifiedTable } from './connection.js';

export class SinkOffsets {
  private readonly table: string;

  constructor(
    private readonly connector: string,
    tableName: string,
  ) {
    this.table = qualifiedTable(tableName).sql;
  }

  async ensureTable(client: pg.Client): Promise<void> {
    const create = `CREATE TABLE IF NOT EXISTS ${this.table} (connector TEXT NOT NULL, topic TEXT NOT NULL, kafka_partition INTEGER NOT NULL, next_offset BIGINT NOT NULL, PRIMARY KEY (connector, topic, kafka_partition))`;
    try {
      await client.query(create);
    } catch (e) {
      // Two sinks creating the shared offsets table at once: PostgreSQL's IF NOT EXISTS is not
      // atomic, so the loser sees a unique violation (23505) or "already exists" (42P07); the table is there.
      const code = (e as { code?: string }).code;
      if (code !== '23505' && code !== '42P07') throw e;
    }
  }

  async load(client: pg.Client): Promise<Map<string, number>> {
    const res = await client.query(`SELECT topic, kafka_partition, next_offset FROM ${this.table} WHERE connector = $1`, [this.connector]);
    return new Map(res.rows.map((r) => [positionKey(r.topic as string, Number(r.kafka_partition)), Number(r.next_offset)]));
  }

  /** Inside a transaction: takes the connector's lock and checks nobody moved the offsets since `expected`. */
  async lockAndCheck(client: pg.Client, expected: Map<string, number>): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`eddy-connect:${this.connector}`]);
    const now = await this.load(client);
    for (const [key, offset] of now) {
      if ((expected.get(key) ?? 0) !== offset) {
        const { topic, partition } = splitPositionKey(key);
        throw new Error(`offsets of ${topic}[${partition}] moved to ${offset} (expected ${expected.get(key) ?? 0}): another writer uses connector name ${this.connector}; restarting from the stored offsets`);
      }
    }
  }

  async store(client: pg.Client, positions: Map<string, number>): Promise<void> {
    const params: unknown[] = [this.connector];
    const rows: string[] = [];
    for (const [key, offset] of positions) {
      const { topic, partition } = splitPositionKey(key);
      params.push(topic, partition, offset);
      const n = params.length;
      rows.push(`($1, $${n - 2}, $${n - 1}, $${n})`);
    }
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO ${this.table} (connector, topic, kafka_partition, next_offset) VALUES ${rows.join(', ')} ON CONFLICT (connector, topic, kafka_partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
      params,
    );
  }

  async delete(client: pg.Client): Promise<void> {
    await client.query(`DELETE FROM ${this.table} WHERE connector = $1`, [this.connector]);
  }
}
