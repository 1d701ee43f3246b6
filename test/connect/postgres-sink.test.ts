// The built-in PostgreSQL sink in an in-process engine against a real PostgreSQL: a stream's
// records become inserted rows, a table's become upserts by key and its tombstones deletes,
// auto.create and auto.evolve shape the table, and a failure shows in DESCRIBE CONNECTOR.
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

async function withEngine(fn: (engine: Engine, run: (sql: string) => Promise<any[]>, db: pg.Client) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pgsink-'));
  const engine = await Engine.open({ dataDir: dir });
  database = await freshDatabase(service.url);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    await fn(engine, (sql) => engine.execute(sql, { properties: { 'auto.offset.reset': 'earliest' }, variables: {} }) as Promise<any[]>, db);
  } finally {
    await engine.close();
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

let database: { url: string; jdbc: string } | undefined;

function jdbcUrl(): string {
  return database!.jdbc;
}

test('a stream inserts rows, a table upserts and deletes by key, with auto.create', { skip: service.skip }, async () => {
  await withEngine(async (engine, run, db) => {
    await db.query('DROP TABLE IF EXISTS "PAYMENTS", "BALANCES", eddy_connect_offsets');
    await run(`CREATE STREAM payments (id INT KEY, account STRING, amount DECIMAL(10,2), at TIMESTAMP, tags ARRAY<STRING>) WITH (KAFKA_TOPIC='PAYMENTS', VALUE_FORMAT='AVRO', PARTITIONS=2);`);
    await run(`CREATE TABLE balances AS SELECT account, SUM(amount) AS total, COUNT(*) AS n FROM payments GROUP BY account HAVING SUM(amount) > 0;`);
    const [created] = await run(
      `CREATE SINK CONNECTOR pay_sink WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSinkConnector', 'connection.url'='${jdbcUrl()}', 'connection.user'='eddy', 'topics'='PAYMENTS,BALANCES', 'pk.mode'='record_key', 'auto.create'='true', 'batch.size'='7');`,
    );
    assert.equal(created['@type'], 'connector_info');
    assert.equal(created.info.name, 'PAY_SINK');
    assert.equal(created.info.type, 'sink');
    let sql = '';
    for (let i = 0; i < 20; i++) sql += `INSERT INTO payments (id, account, amount, at, tags) VALUES (${i}, 'acct${i % 3}', ${i}.50, '2023-11-14T22:13:20.000', ARRAY['t${i}']);\n`;
    sql += `INSERT INTO payments (id, account, amount, at, tags) VALUES (100, 'acct0', -1000.00, '2023-11-14T22:13:20.000', ARRAY['refund']);`;
    await run(sql);

    const rows = await eventually('21 payment rows', async () => {
      const [d] = await run('DESCRIBE CONNECTOR pay_sink;');
      if (d.status.connector.state === 'FAILED') throw new Error(d.status.connector.trace);
      const r = await db.query('SELECT "ID", "ACCOUNT", "AMOUNT"::text AS amount, "AT"::text AS at, "TAGS" FROM "PAYMENTS" ORDER BY "ID"').catch(() => undefined);
      return r && r.rows.length === 21 ? r.rows : undefined;
    });
    assert.deepEqual(rows[3], { ID: 3, ACCOUNT: 'acct0', amount: '3.50', at: '2023-11-14 22:13:20', TAGS: ['t3'] });

    // acct0's total went below zero: its row in the ksql table is deleted (a tombstone), so in PostgreSQL too.
    const balances = await eventually('balances without acct0', async () => {
      const r = await db.query('SELECT "ACCOUNT", "TOTAL"::text AS total, "N" FROM "BALANCES" ORDER BY "ACCOUNT"').catch(() => undefined);
      return r && r.rows.length === 2 ? r.rows : undefined;
    });
    const expected = (acct: number) => {
      const ids = Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 3 === acct);
      return { ACCOUNT: `acct${acct}`, total: ids.reduce((s, i) => s + i + 0.5, 0).toFixed(2), N: String(ids.length) };
    };
    assert.deepEqual(balances, [expected(1), expected(2)]);
    const key = await db.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '"BALANCES"'::regclass AND i.indisprimary`);
    assert.deepEqual(key.rows.map((r) => r.attname), ['ACCOUNT'], "a table's rows are keyed by the record key");

    const [described] = await run('DESCRIBE CONNECTOR pay_sink;');
    assert.equal(described['@type'], 'connector_description');
    assert.equal(described.connectorClass, 'io.confluent.connect.jdbc.JdbcSinkConnector');
    assert.equal(described.status.connector.state, 'RUNNING');
    assert.equal(described.status.tasks[0].state, 'RUNNING');
    assert.deepEqual(described.topics, ['PAYMENTS', 'BALANCES']);
    assert.deepEqual(described.sources.map((s: any) => s.name).sort(), ['BALANCES', 'PAYMENTS']);
    const lag = await eventually('no lag', async () => {
      const [d] = await run('DESCRIBE CONNECTOR pay_sink;');
      return d.lag.every((l: any) => l.lag === 0) ? d.lag : undefined;
    });
    assert.equal(lag.length, 4);

    const [list] = await run('SHOW SINK CONNECTORS;');
    assert.deepEqual(list.connectors, [{ name: 'PAY_SINK', type: 'sink', className: 'io.confluent.connect.jdbc.JdbcSinkConnector', state: 'RUNNING' }]);
    const [sources] = await run('LIST SOURCE CONNECTORS;');
    assert.deepEqual(sources.connectors, []);
    const [dropped] = await run('DROP CONNECTOR pay_sink;');
    assert.deepEqual(dropped, { '@type': 'drop_connector', statementText: 'DROP CONNECTOR pay_sink;', connectorName: 'PAY_SINK', warnings: [] });
    const [gone] = await run('DROP CONNECTOR IF EXISTS pay_sink;');
    assert.equal(gone['@type'], 'warning_entity');
  });
});

test('auto.evolve adds columns; a missing table without auto.create fails in DESCRIBE CONNECTOR and the processing log', { skip: service.skip }, async () => {
  await withEngine(async (engine, run, db) => {
    await db.query('DROP TABLE IF EXISTS "EVENTS", "NOPE", eddy_connect_offsets');
    await db.query('CREATE TABLE "EVENTS" ("V" TEXT)');
    await run(`CREATE STREAM events (k STRING KEY, v STRING, n INT) WITH (KAFKA_TOPIC='EVENTS', VALUE_FORMAT='JSON', PARTITIONS=1);`);
    await run(`CREATE STREAM nope (v STRING) WITH (KAFKA_TOPIC='NOPE', VALUE_FORMAT='JSON', PARTITIONS=1);`);
    await run(`INSERT INTO events (k, v, n) VALUES ('a', 'x', 1); INSERT INTO nope (v) VALUES ('y');`);
    await run(`CREATE SINK CONNECTOR ev WITH ('connector.class'='JdbcSinkConnector', 'connection.url'='${jdbcUrl()}?user=eddy', 'topics'='EVENTS', 'auto.evolve'='true');`);
    await run(`CREATE SINK CONNECTOR broken WITH ('connector.class'='JdbcSinkConnector', 'connection.url'='${jdbcUrl()}', 'connection.user'='eddy', 'topics'='NOPE');`);
    const rows = await eventually('the evolved row', async () => {
      const r = await db.query('SELECT "V", "N" FROM "EVENTS"').catch(async (e) => {
        const [d] = await run('DESCRIBE CONNECTOR ev;');
        throw new Error(`${e.message}; EV: ${JSON.stringify(d.status)}`);
      });
      return r.rows.length === 1 ? r.rows : undefined;
    });
    assert.deepEqual(rows, [{ V: 'x', N: 1 }]);
    const failed = await eventually('BROKEN to fail', async () => {
      const [d] = await run('DESCRIBE CONNECTOR broken;');
      return d.status.connector.state === 'FAILED' ? d : undefined;
    });
    assert.match(failed.status.connector.trace, /table "NOPE" does not exist and auto.create is false/);
    assert.match(failed.status.tasks[0].trace, /auto.create/);
    assert.match(failed.lastError.message, /auto.create/);
    await engine.processingLog.flush();
    const logged = await engine.log.fetch([{ topic: engine.processingLog.topic, partition: 0, offset: 0 }], { maxRecords: 100 });
    assert.ok(logged.some((r) => /BROKEN.*auto\.create/.test(r.value?.toString() ?? '')), 'the failure is in the processing log');
    // The other connector and the server keep working.
    const [list] = await run('SHOW CONNECTORS;');
    assert.deepEqual(list.connectors.map((c: any) => [c.name, c.state]), [['BROKEN', 'FAILED'], ['EV', 'RUNNING']]);
  });
});

test('configuration errors are refused at CREATE with the setting named', { skip: service.skip }, async () => {
  await withEngine(async (_engine, run) => {
    await run(`CREATE STREAM s1 (v STRING) WITH (KAFKA_TOPIC='S1', VALUE_FORMAT='JSON', PARTITIONS=1);`);
    await assert.rejects(run(`CREATE SINK CONNECTOR c1 WITH ('connector.class'='JdbcSinkConnector', 'topics'='S1');`), /missing required configuration 'connection.url'/);
    await assert.rejects(
      run(`CREATE SINK CONNECTOR c1 WITH ('connector.class'='JdbcSinkConnector', 'connection.url'='${jdbcUrl()}', 'topics'='S1', 'insert.mode'='merge');`),
      /'insert.mode': 'merge' is not one of insert, upsert, update/,
    );
    await assert.rejects(run(`CREATE SOURCE CONNECTOR c1 WITH ('connector.class'='JdbcSinkConnector');`), /is a sink connector; create it with CREATE SINK CONNECTOR/);
    await assert.rejects(run(`CREATE SINK CONNECTOR c1 WITH ('connector.class'='com.example.Nope');`), /unknown connector.class 'com.example.Nope'.*ksql.connect.url/);
    await run(`CREATE SINK CONNECTOR c1 WITH ('connector.class'='JdbcSinkConnector', 'connection.url'='${jdbcUrl()}', 'topics'='S1', 'auto.create'='true');`);
    await assert.rejects(run(`CREATE SINK CONNECTOR c1 WITH ('connector.class'='JdbcSinkConnector', 'connection.url'='${jdbcUrl()}', 'topics'='S1');`), /Connector C1 already exists/);
    const [w] = await run(`CREATE SINK CONNECTOR IF NOT EXISTS c1 WITH ('connector.class'='JdbcSinkConnector');`);
    assert.equal(w['@type'], 'warning_entity');
    await assert.rejects(run('DESCRIBE CONNECTOR nope;'), /Connector NOPE does not exist/);
    const [plugins] = await run('SHOW CONNECTOR PLUGINS;');
    assert.equal(plugins['@type'], 'connector_plugins_list');
    assert.deepEqual(
      plugins.connectorsPlugins.filter((p: any) => p.className.includes('jdbc')),
      [
        { className: 'io.confluent.connect.jdbc.JdbcSinkConnector', type: 'sink', version: 'built-in' },
        { className: 'io.confluent.connect.jdbc.JdbcSourceConnector', type: 'source', version: 'built-in' },
      ],
    );
  });
});
