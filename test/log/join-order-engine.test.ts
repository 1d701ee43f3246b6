// Issue 16's example on the whole engine, on the embedded log (written through its broker)
// and on the Kafka log (against an embedded broker): 5,000 users, then 15,000 clicks, then
// a stream-table join from earliest. No click is older than its user's row, so every click
// joins: all 15,000 come out, each with its user's country; one click of an unknown user is
// counted in DESCRIBE EXTENDED's statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';
import { startTestBroker, type TestBroker } from '../broker/helpers.js';
import type { TopicLog } from '../../src/log/topic-log.js';
import { CLICKS_DDL, ENRICHED_CSAS, USERS_DDL, clickLines, readTopic, summarize, userLines, waitFor, write } from './join-example.js';
import { ksql } from '../server/rest.js';

const USERS = 5000;
const CLICKS = 15_000;

async function runExample(server: EmbeddedServer, bootstrap: string, read: TopicLog): Promise<void> {
  const url = server.server.url;
  await ksql(url, USERS_DDL);
  await ksql(url, CLICKS_DDL);
  await write('users', userLines(USERS), true, bootstrap, server.engine.log);
  await write('clicks', clickLines(0, CLICKS, USERS), false, bootstrap, server.engine.log);
  // A click of no known user: the inner join drops it, and says so in the statistics.
  await write('clicks', [JSON.stringify({ USER_ID: 'nobody', PAGE: 'lost' })], false, bootstrap, server.engine.log);
  await ksql(url, ENRICHED_CSAS, { 'auto.offset.reset': 'earliest' });
  const seen = await waitFor(
    'ENRICHED has every click',
    async () => summarize(await readTopic(read, 'ENRICHED').catch(() => []), USERS),
    (s) => s.records >= CLICKS,
  );
  // Nothing more arrives after a while either.
  await new Promise((r) => setTimeout(r, 500));
  const final = summarize(await readTopic(read, 'ENRICHED'), USERS);
  assert.deepEqual(final, { records: CLICKS, pages: CLICKS, wrong: 0 }, `first complete view ${JSON.stringify(seen)}`);
  const [described] = (await ksql(url, 'DESCRIBE enriched EXTENDED;')) as { sourceDescription: { statistics: string } }[];
  assert.match(described!.sourceDescription.statistics, /join-unmatched-records: 1 join-null-key-records: 0 join-late-records: 0/);
}

test('a stream-table join from earliest on the embedded log joins every click with its user', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-join-order-'));
  let server: EmbeddedServer | undefined;
  try {
    server = await startEmbedded({ dataDir: dir, port: 0, host: '127.0.0.1', config: {}, brokerPort: 0 });
    assert.ok(server.broker, 'the embedded broker runs');
    await runExample(server, server.broker.address, server.engine.log);
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stream-table join from earliest on the Kafka log joins every click with its user', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-join-order-kafka-'));
  let broker: TestBroker | undefined;
  let server: EmbeddedServer | undefined;
  try {
    broker = await startTestBroker();
    server = await startEmbedded({ dataDir: dir, port: 0, host: '127.0.0.1', config: { 'bootstrap.servers': broker.broker.address }, brokerPort: null });
    await runExample(server, broker.broker.address, broker.log);
  } finally {
    await server?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
