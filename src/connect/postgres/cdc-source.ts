// Change data capture from PostgreSQL through logical replication (pgoutput), with Debezium's
// PostgreSQL connector settings (database.hostname/port/user/password/dbname, topic.prefix,
// table.include.list, slot.name, publication.name, snapshot.mode, tombstones.on.delete) and
// its change-event envelope: {before, after, source, op, ts_ms} as JSON without schemas, keyed
// by the primary key, on topic <topic.prefix>.<schema>.<table>. A transaction's events are
// in the log before its LSN is acknowledged to PostgreSQL, so the slot never moves past
// anything not durable (at least once: after a crash the last transaction may come again).
// Full before images need REPLICA IDENTITY FULL on the table, as with Debezium.

import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import type { ConnectorConfig } from '../config.js';
import type { ConnectorHost, ConnectorPlugin, ConnectorTask, TaskReporter } from '../contract.js';
import { ensureOutputTopic, jsonRow } from '../source-offsets.js';
import { connectPostgres, quoteIdent } from './connection.js';
import type { ProduceRecord } from '../../log/topic-log.js';

interface Relation {
  schema: string;
  name: string;
  keyColumns: string[];
}

interface Change {
  tag: 'insert' | 'update' | 'delete';
  relation: Relation;
  old?: Record<string, unknown> | null;
  key?: Record<string, unknown> | null;
  new?: Record<string, unknown>;
}

function settingsOf(config: ConnectorConfig) {
  const prefix = config.string('topic.prefix', config.optional('database.server.name') ?? '');
  if (prefix === '') config.string('topic.prefix');
  return {
    client: {
      host: config.string('database.hostname'),
      port: config.int('database.port', 5432, 1),
      user: config.string('database.user'),
      ...(config.optional('database.password') !== undefined ? { password: config.optional('database.password') } : {}),
      database: config.string('database.dbname'),
      application_name: `eddy-cdc-${config.connector}`,
    } satisfies pg.ClientConfig,
    prefix,
    tables: config.list('table.include.list'),
    slot: config.string('slot.name', 'debezium'),
    publication: config.string('publication.name', 'dbz_publication'),
    snapshot: config.choice('snapshot.mode', ['initial', 'never', 'no_data'], 'initial'),
    tombstones: config.bool('tombstones.on.delete', true),
    partitions: config.int('topic.creation.default.partitions', 1, 1),
  };
}

type Settings = ReturnType<typeof settingsOf>;

class CdcSourceTask implements ConnectorTask {
  private readonly seenTopics = new Set<string>();
  /** Primary keys by schema.table (with REPLICA IDENTITY FULL, pgoutput's key columns are all columns). */
  private readonly primaryKeys = new Map<string, string[]>();

  constructor(
    private readonly config: ConnectorConfig,
    private readonly s: Settings,
    private readonly host: ConnectorHost,
    private readonly reporter: TaskReporter,
  ) {}

  topics(): string[] {
    return this.s.tables.length > 0 ? this.s.tables.map((t) => `${this.s.prefix}.${t.includes('.') ? t : `public.${t}`}`) : [...this.seenTopics];
  }

  private topicOf(schema: string, table: string): string {
    const topic = `${this.s.prefix}.${schema}.${table}`;
    this.seenTopics.add(topic);
    return topic;
  }

  private sourceBlock(schema: string, table: string, extra: Record<string, unknown>): Record<string, unknown> {
    return { version: 'eddy', connector: 'postgresql', name: this.s.prefix, ts_ms: Date.now(), snapshot: 'false', db: this.s.client.database, schema, table, ...extra };
  }

  private envelope(op: 'c' | 'u' | 'd' | 'r', before: unknown, after: unknown, source: Record<string, unknown>): Buffer {
    return Buffer.from(JSON.stringify({ before, after, source, op, ts_ms: Date.now() }));
  }

  async run(signal: AbortSignal): Promise<void> {
    const admin = await connectPostgres(this.s.client, signal);
    let slotIsNew = false;
    try {
      await this.ensurePublication(admin);
      const slot = await admin.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [this.s.slot]);
      if (slot.rowCount === 0) {
        await admin.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [this.s.slot]);
        slotIsNew = true;
      }
      const published = await admin.query('SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1', [this.s.publication]);
      for (const r of published.rows) this.primaryKeys.set(`${r.schemaname}.${r.tablename}`, await primaryKeyOf(admin, r.schemaname, r.tablename));
      for (const t of this.topics()) await ensureOutputTopic(this.host.log, t, this.s.partitions);
      if (slotIsNew && this.s.snapshot === 'initial') await this.snapshot(admin);
    } finally {
      await admin.end().catch(() => undefined);
    }
    await this.stream(signal);
  }

  private async ensurePublication(client: pg.Client): Promise<void> {
    const exists = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [this.s.publication]);
    if (exists.rowCount !== 0) return;
    const target = this.s.tables.length > 0 ? `FOR TABLE ${this.s.tables.map((t) => t.split('.').map(quoteIdent).join('.')).join(', ')}` : 'FOR ALL TABLES';
    await client.query(`CREATE PUBLICATION ${quoteIdent(this.s.publication)} ${target}`);
  }

  /** snapshot.mode=initial: the tables' rows as read events (op 'r'), once, when the slot is new. */
  private async snapshot(client: pg.Client): Promise<void> {
    for (const name of this.s.tables) {
      const [schema, table] = name.includes('.') ? name.split('.', 2) : ['public', name];
      const keys = await primaryKeyOf(client, schema!, table!);
      const res = await client.query(`SELECT * FROM ${quoteIdent(schema!)}.${quoteIdent(table!)}`);
      const topic = this.topicOf(schema!, table!);
      const records: ProduceRecord[] = res.rows.map((row) => ({
        key: keyOf(keys, row),
        value: this.envelope('r', null, jsonRow(row), this.sourceBlock(schema!, table!, { snapshot: 'true' })),
      }));
      if (records.length > 0) await this.host.log.produce(topic, records);
    }
  }

  private stream(signal: AbortSignal): Promise<void> {
    const service = new LogicalReplicationService(this.s.client, { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } });
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [this.s.publication] });
    let pending: { topic: string; record: ProduceRecord }[] = [];
    let txId: number | undefined;
    return new Promise<void>((resolve, reject) => {
      const stop = () => void service.stop().finally(resolve);
      signal.addEventListener('abort', stop, { once: true });
      service.on('error', (e: Error) => {
        signal.removeEventListener('abort', stop);
        void service.stop().finally(() => reject(e));
      });
      service.on('start', () => this.reporter.running());
      service.on('data', async (lsn: string, msg: { tag: string; xid?: number }) => {
        if (msg.tag === 'begin') {
          pending = [];
          txId = msg.xid;
        } else if (msg.tag === 'insert' || msg.tag === 'update' || msg.tag === 'delete') {
          pending.push(...this.eventsOf(msg as unknown as Change, lsn, txId));
        } else if (msg.tag === 'commit') {
          const batch = pending;
          pending = [];
          const byTopic = new Map<string, ProduceRecord[]>();
          for (const { topic, record } of batch) {
            let list = byTopic.get(topic);
            if (!list) byTopic.set(topic, (list = []));
            list.push(record);
          }
          try {
            for (const [topic, records] of byTopic) {
              await ensureOutputTopic(this.host.log, topic, this.s.partitions);
              await this.host.log.produce(topic, records);
            }
            await service.acknowledge(lsn);
          } catch (e) {
            service.emit('error', e);
          }
        }
      });
      service.subscribe(plugin, this.s.slot).catch((e: Error) => {
        if (!signal.aborted) service.emit('error', e);
      });
    });
  }

  private eventsOf(c: Change, lsn: string, txId: number | undefined): { topic: string; record: ProduceRecord }[] {
    const { schema, name } = c.relation;
    const topic = this.topicOf(schema, name);
    const source = this.sourceBlock(schema, name, { txId: txId ?? null, lsn });
    const keys = this.primaryKeys.get(`${schema}.${name}`) ?? c.relation.keyColumns;
    switch (c.tag) {
      case 'insert':
        return [{ topic, record: { key: keyOf(keys, c.new!), value: this.envelope('c', null, jsonRow(c.new!), source) } }];
      case 'update': {
        const before = c.old ? jsonRow(c.old) : null;
        return [{ topic, record: { key: keyOf(keys, c.new!), value: this.envelope('u', before, jsonRow(c.new!), source) } }];
      }
      case 'delete': {
        const old = (c.old ?? c.key ?? {}) as Record<string, unknown>;
        const key = keyOf(keys, old);
        const out = [{ topic, record: { key, value: this.envelope('d', jsonRow(old), null, source) } as ProduceRecord }];
        if (this.s.tombstones) out.push({ topic, record: { key, value: null } });
        return out;
      }
    }
  }
}

async function primaryKeyOf(client: pg.Client, schema: string, table: string): Promise<string[]> {
  const res = await client.query(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ($1 || '.' || $2)::regclass AND i.indisprimary`,
    [quoteIdent(schema), quoteIdent(table)],
  );
  return res.rows.map((r) => r.attname as string);
}

/** Debezium's key: a JSON object of the primary-key columns (none: no key). */
function keyOf(keys: string[], row: Record<string, unknown>): Buffer | null {
  if (keys.length === 0) return null;
  const k: Record<string, unknown> = {};
  for (const c of keys) k[c] = row[c];
  return Buffer.from(JSON.stringify(jsonRow(k)));
}

export const cdcSourcePlugin: ConnectorPlugin = {
  className: 'io.debezium.connector.postgresql.PostgresConnector',
  aliases: ['PostgresConnector', 'PostgresCdcSource', 'postgres-cdc'],
  type: 'SOURCE',
  validate(config) {
    settingsOf(config);
  },
  createTask(config, host, reporter) {
    return new CdcSourceTask(config, settingsOf(config), host, reporter);
  },
};
