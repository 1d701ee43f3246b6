// The whole engine on the Kafka log (bootstrap.servers) against an embedded broker: DDL,
// INSERT VALUES, persistent queries (one exactly_once_v2), pull and push queries, PRINT,
// and a second server with an empty data directory that gets its catalog back from the
// command topic in Kafka and resumes its queries from the offsets committed there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from '../broker/helpers.js';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';
import { KafkaLog } from '../../src/log/kafka/index.js';
import type { LogRecord } from '../../src/log/topic-log.js';

async function post(url: string, path: string, sql: string, properties: Record<string, unknown> = {}): Promise<any[]> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  return JSON.parse(text) as any[];
}

async function rows(url: string, sql: string): Promise<unknown[][]> {
  const items = await post(url, '/query', sql, { 'auto.offset.reset': 'earliest' });
  const error = items.find((i) => i.errorMessage);
  if (error) throw new Error(`${sql} → ${JSON.stringify(error)}`);
  return items.filter((i) => i.row).map((i) => i.row.columns as unknown[]);
}

/** Probes until done: a query may still be starting (its table not yet queryable). */
async function eventually<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await probe().catch((e: Error) => e);
    if (!(v instanceof Error) && done(v)) return v;
    if (Date.now() > deadline) assert.fail(`${what}: last seen ${v instanceof Error ? v.message : JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the engine runs on a Kafka cluster given by bootstrap.servers', async () => {
  const broker = await startTestBroker();
  const dirs = [mkdtempSync(join(tmpdir(), 'eddy-kafka-a-')), mkdtempSync(join(tmpdir(), 'eddy-kafka-b-'))];
  const config = { 'bootstrap.servers': broker.broker.address };
  let server: EmbeddedServer | undefined;
  try {
    server = await startEmbedded({ dataDir: dirs[0]!, port: 0, host: '127.0.0.1', config, brokerPort: 9092 });
    assert.equal(server.broker, undefined, 'no embedded broker beside an external cluster');
    assert.ok(server.engine.log instanceof KafkaLog);
    let url = server.server.url;
    await post(url, '/ksql', "CREATE STREAM clicks (id INT KEY, page VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=3);");
    await post(url, '/ksql', 'CREATE STREAM loud AS SELECT id, UCASE(page) AS page FROM clicks EMIT CHANGES;', { 'auto.offset.reset': 'earliest' });
    await post(url, '/ksql', 'CREATE STREAM exact AS SELECT id, page FROM clicks EMIT CHANGES;', {
      'auto.offset.reset': 'earliest',
      'processing.guarantee': 'exactly_once_v2',
    });
    await post(url, '/ksql', "CREATE TABLE pages (id INT PRIMARY KEY, title VARCHAR) WITH (KAFKA_TOPIC='pages', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await post(url, '/ksql', 'CREATE TABLE titles AS SELECT id, title FROM pages;', { 'auto.offset.reset': 'earliest' });
    await post(url, '/ksql', "INSERT INTO clicks (id, page) VALUES (1, 'home'); INSERT INTO clicks (id, page) VALUES (2, 'cart');");
    await post(url, '/ksql', "INSERT INTO pages (id, title) VALUES (7, 'Seven');");

    // The topics live in the broker's log, with the sink sized like its source.
    const loud = await eventually(
      'outputs in the LOUD topic of the broker',
      async () => {
        const recs: LogRecord[] = [];
        for (let p = 0; p < 3; p++) recs.push(...(await broker.log.fetch([{ topic: 'LOUD', partition: p, offset: 0 }]).catch(() => [])));
        return recs.map((r) => JSON.parse(r.value!.toString()).PAGE as string).sort();
      },
      (v) => v.length === 2,
    );
    assert.deepEqual(loud, ['CART', 'HOME']);
    assert.equal((await broker.log.describeTopic('LOUD'))?.partitions, 3);
    // exactly_once_v2 on Kafka: outputs in committed transactions, offsets committed with them
    const exact = await eventually(
      'outputs of the exactly-once query',
      async () => {
        const recs: LogRecord[] = [];
        for (let p = 0; p < 3; p++) recs.push(...(await broker.log.fetch([{ topic: 'EXACT', partition: p, offset: 0 }], { readCommitted: true }).catch(() => [])));
        return recs.map((r) => JSON.parse(r.value!.toString()).PAGE as string).sort();
      },
      (v) => v.length === 2,
    );
    assert.deepEqual(exact, ['cart', 'home']);
    assert.ok(!existsSync(join(dirs[0]!, 'topics')), 'nothing written to an embedded log in the data dir');

    assert.deepEqual(await eventually('pull query on TITLES', () => rows(url, 'SELECT * FROM titles WHERE id = 7;'), (r) => r.length === 1), [[7, 'Seven']]);
    assert.deepEqual((await rows(url, 'SELECT page FROM loud EMIT CHANGES LIMIT 2;')).map((r) => r[0]).sort(), ['CART', 'HOME']);
    const printed = await (
      await fetch(`${url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ksql: "PRINT 'clicks' FROM BEGINNING LIMIT 2;" }) })
    ).text();
    assert.match(printed, /key: 1, value: {"PAGE":"home"}/);
    assert.match(printed, /key: 2, value: {"PAGE":"cart"}/);
    await server.close();
    server = undefined;

    // A new server with an empty data dir: the catalog comes back from Kafka and the query resumes.
    server = await startEmbedded({ dataDir: dirs[1]!, port: 0, host: '127.0.0.1', config, brokerPort: null });
    url = server.server.url;
    const streams = (await post(url, '/ksql', 'SHOW STREAMS;'))[0].streams.map((s: { name: string }) => s.name).sort();
    assert.deepEqual(streams, ['CLICKS', 'EXACT', 'KSQL_PROCESSING_LOG', 'LOUD']);
    await post(url, '/ksql', "INSERT INTO clicks (id, page) VALUES (3, 'faq');");
    const after = await eventually(
      'the restarted query processes new input',
      async () => (await rows(url, 'SELECT page FROM loud;')).map((r) => r[0] as string).sort(),
      (v) => v.includes('FAQ'),
    );
    assert.deepEqual(after, ['CART', 'FAQ', 'HOME'], 'input before the restart is not processed again');
    const exactAfter = await eventually(
      'the restarted exactly-once query processes new input',
      async () => (await rows(url, 'SELECT page FROM exact;')).map((r) => r[0] as string).sort(),
      (v) => v.includes('faq'),
    );
    assert.deepEqual(exactAfter, ['cart', 'faq', 'home']);
  } finally {
    await server?.close();
    await broker.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
