// The PostgreSQL sink, with the JDBC sink connector's settings (connection.url/user/password,
// topics, table.name.format, insert.mode, pk.mode, pk.fields, delete.enabled, auto.create,
// auto.evolve, batch.size, errors.tolerance). Each batch of records and the offsets after it
// are committed in one PostgreSQL transaction, and a (re)started task resumes from the
// offsets stored there: exactly once across crashes of the server or of PostgreSQL.
//
// Eddy's default for a table's topic (when insert.mode is not set): upsert by the record key,
// tombstones delete, since that keeps the PostgreSQL table equal to the ksql table.

import { TopicSinkTask } from '../topic-sink-task.js';
import type pg from 'pg';
import type { ConnectorHost, ConnectorPlugin, TaskReporter } from '../contract.js';
import type { ConnectorConfig } from '../config.js';
import { ConnectorConfigError } from '../config.js';
import { TopicDecoder, sourceOfTopic, type DecodedRecord } from '../topic-records.js';
import { connectPostgres, postgresClientConfig } from './connection.js';
import { SinkOffsets } from './offsets.js';
import { TableWriter, type InsertMode, type PkMode, type TableSettings } from './table-writer.js';

const POLL_WAIT_MS = 200;

interface SinkSettings {
  topics: string[];
  batchSize: number;
  tolerateErrors: boolean;
  offsetsTable: string;
  tables: (topic: string, isTable: boolean) => TableSettings;
}

function settingsOf(config: ConnectorConfig): SinkSettings {
  const topics = config.list('topics');
  if (topics.length === 0) config.string('topics');
  const format = config.string('table.name.format', '${topic}');
  const explicitMode = config.has('insert.mode');
  const insertMode = config.choice<InsertMode>('insert.mode', ['insert', 'upsert', 'update'], 'insert');
  const pkMode = config.choice<PkMode>('pk.mode', ['none', 'kafka', 'record_key', 'record_value'], 'none');
  const pkFields = config.list('pk.fields');
  const deleteEnabled = config.bool('delete.enabled', false);
  const autoCreate = config.bool('auto.create', false);
  const autoEvolve = config.bool('auto.evolve', false);
  return {
    topics,
    batchSize: config.int('batch.size', 3000, 1),
    tolerateErrors: config.choice('errors.tolerance', ['none', 'all'], 'none') === 'all',
    offsetsTable: config.string('offsets.table.name', 'eddy_connect_offsets'),
    tables: (topic, isTable) => {
      const tableDefaults = isTable && !explicitMode;
      return {
        connector: config.connector,
        table: format.replace(/\$\{topic\}/g, topic),
        insertMode: tableDefaults ? 'upsert' : insertMode,
        pkMode: tableDefaults && !config.has('pk.mode') ? 'record_key' : pkMode,
        pkFields,
        deleteEnabled: tableDefaults && !config.has('delete.enabled') ? true : deleteEnabled,
        autoCreate,
        autoEvolve,
      };
    },
  };
}

class PostgresSinkTask extends TopicSinkTask {
  constructor(
    private readonly config: ConnectorConfig,
    private readonly settings: SinkSettings,
    private readonly host: ConnectorHost,
    private readonly reporter: TaskReporter,
  ) {
    super();
  }

  topics(): string[] {
    return this.settings.topics;
  }

  async run(signal: AbortSignal): Promise<void> {
    const name = this.config.connector;
    const writers = new Map<string, { decoder: TopicDecoder; writer: TableWriter }>();
    for (const topic of this.settings.topics) {
      const source = sourceOfTopic(this.host.catalog, name, topic);
      const decoder = new TopicDecoder(source);
      writers.set(topic, { decoder, writer: new TableWriter(this.settings.tables(topic, source.sourceType === 'TABLE'), decoder.keyColumns, decoder.valueColumns) });
    }
    const client = await connectPostgres(postgresClientConfig(this.config), signal);
    try {
      const offsets = new SinkOffsets(name, this.settings.offsetsTable);
      await offsets.ensureTable(client);
      for (const { writer } of writers.values()) await writer.ensure(client);
      const reader = await this.openReader(this.host.log, name, this.settings.topics, await offsets.load(client));
      this.reporter.running();
      while (!signal.aborted) {
        const records = await reader.poll(this.settings.batchSize, POLL_WAIT_MS);
        if (signal.aborted) break;
        const positions = reader.snapshot();
        if (records.length === 0 && samePositions(positions, this.committed)) continue;
        const byTopic = new Map<string, DecodedRecord[]>();
        for (const r of records) {
          const decoded = this.decode(writers.get(r.topic)!.decoder, r);
          if (!decoded) continue;
          let list = byTopic.get(r.topic);
          if (!list) byTopic.set(r.topic, (list = []));
          list.push(decoded);
        }
        await inTransaction(client, async () => {
          await offsets.lockAndCheck(client, this.committed);
          for (const [topic, list] of byTopic) await writers.get(topic)!.writer.write(client, list);
          await offsets.store(client, positions);
        });
        this.committed = positions;
        this.reporter.running();
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private decode(decoder: TopicDecoder, r: Parameters<TopicDecoder['decode']>[0]): DecodedRecord | undefined {
    try {
      return decoder.decode(r);
    } catch (e) {
      const where = `${r.topic}[${r.partition}]@${r.offset}`;
      if (!this.settings.tolerateErrors) {
        throw new Error(`cannot decode record ${where} as ${decoder.source.name}: ${(e as Error).message}. Set 'errors.tolerance'='all' to skip such records.`, { cause: e });
      }
      this.reporter.recordError(new Error(`skipped record ${where}: ${(e as Error).message}`, { cause: e }), where);
      return undefined;
    }
  }
}

function samePositions(a: Map<string, number>, b: Map<string, number>): boolean {
  for (const [k, v] of a) if ((b.get(k) ?? 0) !== v) return false;
  return true;
}

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export const postgresSinkPlugin: ConnectorPlugin = {
  className: 'io.confluent.connect.jdbc.JdbcSinkConnector',
  aliases: ['JdbcSinkConnector', 'PostgresSink', 'postgres-sink'],
  type: 'SINK',
  validate(config) {
    const settings = settingsOf(config);
    postgresClientConfig(config);
    for (const topic of settings.topics) {
      if (/[\s"]/.test(topic)) throw new ConnectorConfigError(`Connector ${config.connector}: invalid topic name '${topic}' in 'topics'`);
    }
  },
  createTask(config, host, reporter) {
    return new PostgresSinkTask(config, settingsOf(config), host, reporter);
  },
};
