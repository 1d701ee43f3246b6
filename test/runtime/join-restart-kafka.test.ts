// Issue 16's example across a SIGKILL on the Kafka log: a real `eddy server` process runs on
// the real Kafka cluster of scripts/kafka-cluster (its own topics and service id per run),
// joins 5,000 users with 15,000 clicks from earliest, is killed while clicks flow in and is
// restarted on the same data directory. Every click, before and after the kill, comes out
// joined with its own user (at-least-once: duplicates allowed, none missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../../src/log/kafka/index.js';
import type { TopicLog } from '../../src/log/topic-log.js';
import { readTopic, summarize, waitFor } from '../log/join-example.js';
import { realKafka } from '../log/real-kafka.js';
import { ksql } from '../server/rest.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const USERS = 5000;
const CLICKS = 15_000;
const CHUNK = 1500;
const { cluster, skip } = realKafka('the join SIGKILL test on the Kafka log');

interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startServerProcess(dataDir: string, configFile: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--config-file', configFile, '--no-schema-registry'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out);
      if (url) {
        clearTimeout(timer);
        resolve({ child, url: url[1]!, exited });
      }
    });
    child.on('exit', () => reject(new Error(`server exited before listening:\n${out}${err}`)));
  });
}

async function produceLines(log: TopicLog, topic: string, lines: string[], keyed: boolean): Promise<void> {
  await log.produce(
    topic,
    lines.map((line) => {
      const [key, value] = keyed ? line.split('|') : [null, line];
      return { key: key === null ? null : Buffer.from(key!), value: Buffer.from(value!) };
    }),
  );
}

const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}|${JSON.stringify({ COUNTRY: `c${i % 50}` })}`);
const clicks = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => JSON.stringify({ USER_ID: `u${(from + j) % USERS}`, PAGE: `p${from + j}` }));

test('on the Kafka log: SIGKILL in the middle of the clicks, and after the restart every click is joined with its user', { timeout: 300_000, skip }, async () => {
  const run = `jrk${Date.now().toString(36)}_`;
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-join-sigkill-kafka-'));
  const configFile = join(dataDir, 'server.properties');
  writeFileSync(configFile, `bootstrap.servers=${cluster!.brokers.join(',')}\nksql.service.id=${run}\n`);
  const log = await KafkaLog.connect({ brokers: cluster!.brokers, clientId: 'eddy-join-restart-test' });
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(join(dataDir, 'data'), configFile);
    await ksql(server.url, `CREATE TABLE users (id VARCHAR PRIMARY KEY, country VARCHAR) WITH (KAFKA_TOPIC='${run}users', VALUE_FORMAT='JSON', PARTITIONS=2);`);
    await ksql(server.url, `CREATE STREAM clicks (user_id VARCHAR, page VARCHAR) WITH (KAFKA_TOPIC='${run}clicks', VALUE_FORMAT='JSON', PARTITIONS=2);`);
    await produceLines(log, `${run}users`, users(USERS), true);
    await produceLines(log, `${run}clicks`, clicks(0, CHUNK), false);
    await ksql(server.url, `CREATE STREAM enriched WITH (KAFKA_TOPIC='${run}enriched') AS SELECT c.user_id, c.page, u.country FROM clicks c JOIN users u ON c.user_id = u.id;`, {
      'auto.offset.reset': 'earliest',
      'commit.interval.ms': 50,
    });
    let next = CHUNK;
    for (; next < CLICKS / 2; next += CHUNK) {
      await produceLines(log, `${run}clicks`, clicks(next, next + CHUNK), false);
      // The kill lands in the middle of the stream: the query has already written some of its output.
      if (next === CHUNK) await waitFor('the first enriched clicks', async () => (await readTopic(log, `${run}enriched`)).length, (n) => n > 0);
    }
    server.child.kill('SIGKILL');
    assert.equal(await server.exited, 'SIGKILL');
    const atKill = summarize(await readTopic(log, `${run}enriched`), USERS);
    console.log(`at the kill: ${next} clicks in, ${atKill.records} enriched out`);
    assert.ok(atKill.records > 0 && atKill.pages < CLICKS, 'the server was killed in the middle of the stream');

    server = await startServerProcess(join(dataDir, 'data'), configFile);
    for (; next < CLICKS; next += CHUNK) await produceLines(log, `${run}clicks`, clicks(next, next + CHUNK), false);
    await waitFor(
      'every click reaches ENRICHED after the restart',
      async () => summarize(await readTopic(log, `${run}enriched`), USERS).pages,
      (n) => n >= CLICKS,
    );
    server.child.kill('SIGKILL');
    await server.exited;
    server = undefined;
    const final = summarize(await readTopic(log, `${run}enriched`), USERS);
    console.log(`after the restart: ${final.records} records for ${final.pages} distinct clicks, ${final.wrong} with a wrong country`);
    assert.equal(final.pages, CLICKS, 'every click is joined');
    assert.equal(final.wrong, 0, 'every click has its own user country');
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await log.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
