// The built-in PostgreSQL sources in an in-process engine against a real PostgreSQL: the JDBC
// source's four modes, and change data capture through logical replication (pgoutput) with
// Debezium's envelope: INSERT, UPDATE and DELETE become records with before and after images.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Engine } from '../../src/engine/engine.js';
import { eventually, freshDatabase, postgresService } from './services.js';

const service = postgresService();
after(() => service.stop());

async function topicValues(engine: Engine, topic: string): Promise<{ key: unknown; value: any }[]> {
  const d = await engine.log.describeTopic(topic);
  if (!d) return [];
  const out: { key: unknown; value: any }[] = [];
  for (let p = 0; p < d.partitions; p++) {
    const records = await engine.log.fetch([{ topic, partition: p, offset: 0 }], { maxRecords: 10_000 });
    for (const r of records) out.push({ key: r.key ? JSON.parse(r.key.toString()) : null, value: r.value ? JSON.parse(r.value.toString()) : null });
  }
  return out;
}

async function setUp(): Promise<{ engine: Engine; db: pg.Client; info: Awaited<ReturnType<typeof freshDatabase>>; run: (sql: string) => Promise<any[]>; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pgsource-'));
  const engine = await Engine.open({ dataDir: dir });
  const info = await freshDatabase(service.url);
  const db = new pg.Client({ connectionString: info.url });
  await db.connect();
  return {
    engine,
    db,
    info,
    run: (sql) => engine.execute(sql, { properties: {}, variables: {} }) as Promise<any[]>,
    close: async () => {
      await engine.close();
      await db.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('JDBC source modes: bulk, incrementing, timestamp, timestamp+incrementing', { skip: service.skip }, async () => {
  const { engine, db, info, run, close } = await setUp();
  try {
    await db.query(`CREATE TABLE items (id SERIAL PRIMARY KEY, name TEXT, updated TIMESTAMP NOT NULL DEFAULT clock_timestamp())`);
    await db.query(`INSERT INTO items (name) VALUES ('a'), ('b'), ('c')`);
    const base = `'connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url'='${info.jdbc}', 'connection.user'='${info.user}', 'table.whitelist'='items', 'poll.interval.ms'='100'`;
    await run(`CREATE SOURCE CONNECTOR src_bulk WITH (${base}, 'mode'='bulk', 'topic.prefix'='bulk_');`);
    await run(`CREATE SOURCE CONNECTOR src_inc WITH (${base}, 'mode'='incrementing', 'incrementing.column.name'='id', 'topic.prefix'='inc_', 'batch.max.rows'='2');`);
    await run(`CREATE SOURCE CONNECTOR src_ts WITH (${base}, 'mode'='timestamp', 'timestamp.column.name'='updated', 'topic.prefix'='ts_');`);
    await run(`CREATE SOURCE CONNECTOR src_tsinc WITH (${base}, 'mode'='timestamp+incrementing', 'timestamp.column.name'='updated', 'incrementing.column.name'='id', 'topic.prefix'='tsinc_');`);
    const names = async (topic: string) => (await topicValues(engine, topic)).map((r) => r.value.name as string);
    await eventually('the first three rows everywhere', async () => {
      for (const t of ['inc_items', 'ts_items', 'tsinc_items']) if ((await names(t)).length !== 3) return undefined;
      return (await names('bulk_items')).length >= 6 ? true : undefined;
    });
    await db.query(`INSERT INTO items (name) VALUES ('d'), ('e')`);
    await db.query(`UPDATE items SET name = 'A', updated = clock_timestamp() WHERE id = 1`);
    await eventually('the new and updated rows', async () => {
      return (await names('inc_items')).length === 5 && (await names('ts_items')).length === 6 && (await names('tsinc_items')).length === 6 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await names('inc_items'), ['a', 'b', 'c', 'd', 'e'], 'incrementing sees new rows once, not updates');
    assert.deepEqual(await names('ts_items'), ['a', 'b', 'c', 'd', 'e', 'A'], 'timestamp sees new and updated rows once');
    assert.deepEqual(await names('tsinc_items'), ['a', 'b', 'c', 'd', 'e', 'A']);
    const bulk = await names('bulk_items');
    assert.ok(bulk.length % 1 === 0 && bulk.includes('A') && bulk.slice(0, 3).join() === 'a,b,c', 'bulk copies the whole table each poll');
    const row = (await topicValues(engine, 'inc_items'))[0]!.value;
    assert.equal(row.id, 1);
    assert.match(row.updated, /^\d{4}-\d\d-\d\dT/);

    // A restarted task resumes after the stored offset: nothing read twice.
    await run('DROP CONNECTOR src_inc;');
    await db.query(`INSERT INTO items (name) VALUES ('f')`);
    await run(`CREATE SOURCE CONNECTOR src_inc WITH (${base}, 'mode'='incrementing', 'incrementing.column.name'='id', 'topic.prefix'='inc_');`);
    await eventually('f', async () => ((await names('inc_items')).length === 6 ? true : undefined));
    assert.deepEqual(await names('inc_items'), ['a', 'b', 'c', 'd', 'e', 'f']);
    const [d] = await run('DESCRIBE CONNECTOR src_inc;');
    assert.equal(d.status.type, 'source');
    assert.deepEqual(d.topics, ['inc_items']);
  } finally {
    await close();
  }
});

test('CDC: INSERT, UPDATE and DELETE become Debezium change events with before and after images', { skip: service.skip }, async () => {
  const { engine, db, info, run, close } = await setUp();
  const u = new URL(info.url.replace(/^postgres:/, 'http:'));
  const slot = `eddy_${Math.random().toString(36).slice(2, 8)}`;
  try {
    await db.query(`CREATE TABLE orders (id INT PRIMARY KEY, status TEXT, total NUMERIC(10,2))`);
    await db.query(`ALTER TABLE orders REPLICA IDENTITY FULL`);
    await db.query(`INSERT INTO orders VALUES (1, 'new', 10.50)`);
    await run(
      `CREATE SOURCE CONNECTOR cdc WITH ('connector.class'='io.debezium.connector.postgresql.PostgresConnector', 'database.hostname'='${u.hostname}', 'database.port'='${u.port}', 'database.user'='${info.user}', 'database.dbname'='${u.pathname.slice(1)}', 'topic.prefix'='pg', 'table.include.list'='public.orders', 'slot.name'='${slot}', 'publication.name'='${slot}_pub');`,
    );
    await eventually('the CDC connector to run', async () => {
      const [d] = await run('DESCRIBE CONNECTOR cdc;');
      if (d.status.connector.state === 'FAILED') throw new Error(d.status.connector.trace);
      return (await topicValues(engine, 'pg.public.orders')).length === 1 && d.status.connector.state === 'RUNNING' ? true : undefined;
    });
    // Give the replication stream a moment to start before changing rows.
    await new Promise((r) => setTimeout(r, 500));
    await db.query(`INSERT INTO orders VALUES (2, 'new', 20.00)`);
    await db.query(`UPDATE orders SET status = 'paid' WHERE id = 2`);
    await db.query(`DELETE FROM orders WHERE id = 1`);
    const events = await eventually('five records', async () => {
      const v = await topicValues(engine, 'pg.public.orders');
      return v.length >= 5 ? v : undefined;
    });
    const summary = events.map((e) => [e.key, e.value?.op ?? null, e.value?.before ?? null, e.value?.after ?? null]);
    assert.deepEqual(summary, [
      [{ id: 1 }, 'r', null, { id: 1, status: 'new', total: '10.50' }],
      [{ id: 2 }, 'c', null, { id: 2, status: 'new', total: '20.00' }],
      [{ id: 2 }, 'u', { id: 2, status: 'new', total: '20.00' }, { id: 2, status: 'paid', total: '20.00' }],
      [{ id: 1 }, 'd', { id: 1, status: 'new', total: '10.50' }, null],
      [{ id: 1 }, null, null, null],
    ]);
    const source = events[1]!.value.source;
    assert.equal(source.connector, 'postgresql');
    assert.equal(source.table, 'orders');
    assert.equal(source.schema, 'public');
    assert.equal(typeof events[1]!.value.ts_ms, 'number');
    assert.match(source.lsn, /^[0-9A-F]+\/[0-9A-F]+$/);

    // The events are queryable as a stream over the topic.
    await run(`CREATE STREAM order_changes (before STRUCT<id INT, status STRING>, after STRUCT<id INT, status STRING>, op STRING) WITH (KAFKA_TOPIC='pg.public.orders', VALUE_FORMAT='JSON');`);
    await run('DROP CONNECTOR cdc;');
  } finally {
    await close();
    const admin = new pg.Client({ connectionString: info.url });
    await admin.connect();
    await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]).catch(() => undefined);
    await admin.end();
  }
});
