// The PostgreSQL source with the JDBC source connector's settings: connection.url/user/
// password, table.whitelist (or table.include.list), mode bulk | incrementing | timestamp |
// timestamp+incrementing with incrementing.column.name and timestamp.column.name,
// topic.prefix (topic = prefix + table), poll.interval.ms, batch.max.rows,
// timestamp.delay.interval.ms. Rows become JSON values (Kafka Connect's JsonConverter without
// schemas) with no key; a batch and the offset after it commit together (source-offsets.ts).

import type pg from 'pg';
import type { ConnectorConfig } from '../config.js';
import { ConnectorConfigError } from '../config.js';
import type { ConnectorHost, ConnectorPlugin, ConnectorTask, TaskReporter } from '../contract.js';
import { sleep } from '../abort.js';
import { SourceOffsets, ensureOutputTopic, jsonRow, type OutRecord } from '../source-offsets.js';
import { connectPostgres, postgresClientConfig, qualifiedTable, quoteIdent } from './connection.js';

type Mode = 'bulk' | 'incrementing' | 'timestamp' | 'timestamp+incrementing';

interface TableOffset {
  incrementing?: number | string;
  timestamp?: string;
}

function settingsOf(config: ConnectorConfig) {
  const tables = config.list('table.whitelist', config.list('table.include.list'));
  if (tables.length === 0) {
    throw new ConnectorConfigError(`Connector ${config.connector}: missing required configuration 'table.whitelist' (the tables to read, comma-separated).`);
  }
  const mode = config.choice<Mode>('mode', ['bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'], 'bulk');
  const incrementing = mode.includes('incrementing') ? config.string('incrementing.column.name') : undefined;
  const timestamp = mode.startsWith('timestamp') ? config.string('timestamp.column.name') : undefined;
  return {
    tables,
    mode,
    incrementing,
    timestamp,
    prefix: config.string('topic.prefix', ''),
    pollMs: config.int('poll.interval.ms', 5000, 10),
    batchRows: config.int('batch.max.rows', 100, 1),
    delayMs: config.int('timestamp.delay.interval.ms', 0, 0),
    partitions: config.int('topic.creation.default.partitions', 1, 1),
  };
}

type Settings = ReturnType<typeof settingsOf>;

class JdbcSourceTask implements ConnectorTask {
  constructor(
    private readonly config: ConnectorConfig,
    private readonly s: Settings,
    private readonly host: ConnectorHost,
    private readonly reporter: TaskReporter,
  ) {}

  topics(): string[] {
    return this.s.tables.map((t) => this.s.prefix + t);
  }

  async run(signal: AbortSignal): Promise<void> {
    const client = await connectPostgres(postgresClientConfig(this.config), signal);
    try {
      const offsets = new SourceOffsets(this.host.log, this.config.connector);
      const stored = ((await offsets.load()) ?? {}) as Record<string, TableOffset>;
      for (const t of this.topics()) await ensureOutputTopic(this.host.log, t, this.s.partitions);
      this.reporter.running();
      while (!signal.aborted) {
        let full = false;
        for (const table of this.s.tables) {
          const { rows, next } = await this.poll(client, table, stored[table] ?? {});
          if (signal.aborted) return;
          if (rows.length === 0) continue;
          const topic = this.s.prefix + table;
          const records: OutRecord[] = rows.map((r) => ({ topic, key: null, value: Buffer.from(JSON.stringify(jsonRow(r))) }));
          const after = { ...stored, [table]: next };
          await offsets.commit(records, after);
          stored[table] = next;
          if (rows.length >= this.s.batchRows && this.s.mode !== 'bulk') full = true;
        }
        if (!full) await sleep(this.s.pollMs, signal);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async poll(client: pg.Client, table: string, last: TableOffset): Promise<{ rows: Record<string, unknown>[]; next: TableOffset }> {
    const t = qualifiedTable(table).sql;
    const inc = this.s.incrementing ? quoteIdent(this.s.incrementing) : '';
    const ts = this.s.timestamp ? quoteIdent(this.s.timestamp) : '';
    const limit = this.s.batchRows;
    let res: pg.QueryResult;
    // Timestamps stop short of now() minus the delay, so rows of transactions still open are not skipped.
    const upper = `(now() - (${this.s.delayMs} * interval '1 millisecond'))`;
    switch (this.s.mode) {
      case 'bulk':
        res = await client.query(`SELECT * FROM ${t}`);
        return { rows: res.rows, next: {} };
      case 'incrementing':
        res = await client.query(`SELECT * FROM ${t} WHERE ${inc} > $1 ORDER BY ${inc} ASC LIMIT ${limit}`, [last.incrementing ?? -1]);
        break;
      case 'timestamp':
        // Rows of the same timestamp never split across batches: read the whole last timestamp.
        res = await client.query(
          `SELECT *, ${ts}::text AS "__eddy_ts" FROM ${t} WHERE ${ts} > $1::timestamptz AND ${ts} < ${upper} AND ${ts} <= COALESCE((SELECT ${ts} FROM ${t} WHERE ${ts} > $1::timestamptz AND ${ts} < ${upper} ORDER BY ${ts} OFFSET ${limit - 1} LIMIT 1), 'infinity') ORDER BY ${ts} ASC`,
          [last.timestamp ?? '-infinity'],
        );
        break;
      case 'timestamp+incrementing':
        res = await client.query(
          `SELECT *, ${ts}::text AS "__eddy_ts" FROM ${t} WHERE ${ts} < ${upper} AND ((${ts} = $1::timestamptz AND ${inc} > $2) OR ${ts} > $1::timestamptz) ORDER BY ${ts} ASC, ${inc} ASC LIMIT ${limit}`,
          [last.timestamp ?? '-infinity', last.incrementing ?? -1],
        );
        break;
    }
    if (res.rows.length === 0) return { rows: [], next: last };
    const lastRow = res.rows[res.rows.length - 1] as Record<string, unknown>;
    const next: TableOffset = {};
    if (this.s.incrementing) next.incrementing = lastRow[this.s.incrementing] as number | string;
    if (this.s.timestamp) next.timestamp = lastRow.__eddy_ts as string;
    const rows = res.rows.map((r: Record<string, unknown>) => {
      const { __eddy_ts: _drop, ...rest } = r;
      return rest;
    });
    return { rows, next };
  }
}

export const jdbcSourcePlugin: ConnectorPlugin = {
  className: 'io.confluent.connect.jdbc.JdbcSourceConnector',
  aliases: ['JdbcSourceConnector', 'PostgresSource', 'postgres-source'],
  type: 'SOURCE',
  validate(config) {
    settingsOf(config);
    postgresClientConfig(config);
  },
  createTask(config, host, reporter) {
    return new JdbcSourceTask(config, settingsOf(config), host, reporter);
  },
};
