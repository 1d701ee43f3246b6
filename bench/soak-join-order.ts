// `npm run soak -- join-order [--users N] [--clicks M] [--bootstrap HOST:PORT]`: issue 16's
// example at scale, on the embedded log or, with --bootstrap (e.g. $EDDY_KAFKA_BOOTSTRAP from
// scripts/kafka-cluster start), on the Kafka log against that cluster — N users (default 1,000,000), then M clicks (default 3,000,000, click n for
// user n mod N), then the stream-table join from earliest. Passes when every click comes out
// joined with its own user's country (it gives up after 10 minutes without a new output:
// the 1M users are all joined into the table state before the first click); prints the counts
// and how long each phase took.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded } from '../cli/embedded.js';
import type { TopicLog } from '../src/log/topic-log.js';

function textOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function ksql(url: string, sql: string, properties: Record<string, unknown> = {}): Promise<void> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
  });
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${await res.text()}`);
}

async function produceAll(log: TopicLog, topic: string, count: number, make: (n: number) => { key: Buffer | null; value: Buffer }): Promise<void> {
  for (let n = 0; n < count; n += 10_000) {
    const batch = [];
    for (let i = n; i < Math.min(count, n + 10_000); i++) batch.push(make(i));
    await log.produce(topic, batch);
  }
}

/** Scans the output topic from `from` on; returns records seen and how many had the wrong country. */
async function scan(log: TopicLog, topic: string, from: number[], users: number, pages: Uint8Array): Promise<{ records: number; wrong: number }> {
  let records = 0;
  let wrong = 0;
  for (let p = 0; p < from.length; p++) {
    for (;;) {
      const batch = await log.fetch([{ topic, partition: p, offset: from[p]! }], { maxRecords: 20_000 });
      if (batch.length === 0) break;
      for (const r of batch) {
        const v = JSON.parse(r.value!.toString()) as { PAGE: string; COUNTRY: string | null };
        const n = Number(v.PAGE.slice(1));
        pages[n] = 1;
        if (v.COUNTRY !== `c${(n % users) % 50}`) wrong++;
        records++;
      }
      from[p] = batch[batch.length - 1]!.offset + 1;
    }
  }
  return { records, wrong };
}

export async function runJoinOrderSoak(args: string[]): Promise<boolean> {
  const users = option(args, 'users', 1_000_000);
  const clicks = option(args, 'clicks', 3_000_000);
  const bootstrap = textOption(args, 'bootstrap');
  const dir = mkdtempSync(join(tmpdir(), 'eddy-soak-join-'));
  // On a shared cluster every run gets its own topics and service id, so earlier runs' records never count.
  const run = bootstrap ? `soak${Date.now().toString(36)}_` : '';
  const config = bootstrap ? { 'bootstrap.servers': bootstrap, 'ksql.service.id': `${run}eddy` } : {};
  const server = await startEmbedded({ dataDir: dir, port: 0, host: '127.0.0.1', config, brokerPort: null });
  console.log(bootstrap ? `on the Kafka log at ${bootstrap}` : 'on the embedded log');
  try {
    const url = server.server.url;
    const log = server.engine.log;
    await ksql(url, `CREATE TABLE users (id VARCHAR PRIMARY KEY, country VARCHAR) WITH (KAFKA_TOPIC='${run}users', VALUE_FORMAT='JSON', PARTITIONS=2);`);
    await ksql(url, `CREATE STREAM clicks (user_id VARCHAR, page VARCHAR) WITH (KAFKA_TOPIC='${run}clicks', VALUE_FORMAT='JSON', PARTITIONS=2);`);
    let t = Date.now();
    await produceAll(log, `${run}users`, users, (i) => ({ key: Buffer.from(`u${i}`), value: Buffer.from(JSON.stringify({ COUNTRY: `c${i % 50}` })) }));
    await produceAll(log, `${run}clicks`, clicks, (n) => ({ key: null, value: Buffer.from(JSON.stringify({ USER_ID: `u${n % users}`, PAGE: `p${n}` })) }));
    console.log(`wrote ${users} users and ${clicks} clicks in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    // The server closed the idle keep-alive connection meanwhile: open a fresh one with a harmless statement.
    await ksql(url, 'SHOW STREAMS;').catch(() => ksql(url, 'SHOW STREAMS;'));
    await ksql(url, `CREATE STREAM enriched WITH (KAFKA_TOPIC='${run}ENRICHED') AS SELECT c.user_id, c.page, u.country FROM clicks c JOIN users u ON c.user_id = u.id;`, {
      'auto.offset.reset': 'earliest',
    });
    console.log(`the CSAS was answered after ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const pages = new Uint8Array(clicks);
    const from = [0, 0];
    let records = 0;
    let wrong = 0;
    let lastGrowth = Date.now();
    while (records < clicks && Date.now() - lastGrowth < 600_000) {
      await new Promise((r) => setTimeout(r, 2000));
      const seen = await scan(log, `${run}ENRICHED`, from, users, pages).catch(() => ({ records: 0, wrong: 0 }));
      if (seen.records > 0) lastGrowth = Date.now();
      records += seen.records;
      wrong += seen.wrong;
      console.log(`… ${records} enriched after ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
    let distinct = 0;
    for (const x of pages) distinct += x;
    const secs = (Date.now() - t) / 1000;
    console.log(`join-order soak: ${records} records out for ${clicks} clicks (${distinct} distinct, ${wrong} with a wrong country) in ${secs.toFixed(1)} s`);
    return records === clicks && distinct === clicks && wrong === 0;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
