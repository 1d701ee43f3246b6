// The Kafka client (kafkajs and the Kafka log's modules) loads only where a Kafka log is
// used: a server on the embedded log runs its queries without it, and a Kafka log is still
// told from the others.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBroker } from '../broker/helpers.js';
import { KafkaLog } from '../../src/log/kafka/index.js';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import { isKafkaLog } from '../../src/log/kafka/is-kafka-log.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('an engine on the embedded log runs an aggregation and a pull query without loading kafkajs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-lazy-'));
  try {
    // A process of its own: this test process has loaded the Kafka log itself.
    const script = `
      import { createRequire } from 'node:module';
      import { Engine } from './src/engine/engine.ts';
      import './src/server/server.ts';
      const e = await Engine.open({ dataDir: ${JSON.stringify(dir)} });
      const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };
      await e.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');", ctx);
      await e.execute("INSERT INTO S (K, V) VALUES ('a', 1);", ctx);
      await e.execute('CREATE TABLE T AS SELECT K, SUM(V) AS TOTAL FROM S GROUP BY K;', ctx);
      await e.drain();
      const answer = [];
      for await (const item of (await e.query('SELECT * FROM T;', ctx)).items) answer.push(item);
      await e.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/node_modules/kafkajs/'));
      console.log(JSON.stringify({ loaded: loaded.length, answer: JSON.stringify(answer).includes('"a",1') }));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const last = r.stdout.trim().split('\n').pop()!;
    assert.deepEqual(JSON.parse(last), { loaded: 0, answer: true }, r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Kafka log is told from the embedded log without instanceof', async () => {
  const tb = await startTestBroker();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-lazy-'));
  const kafka = await KafkaLog.connect({ brokers: [tb.broker.address], clientId: 'lazy-test' });
  const embedded = await EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
  try {
    assert.equal(isKafkaLog(kafka), true);
    assert.equal(isKafkaLog(embedded), false);
  } finally {
    await kafka.close();
    await embedded.close();
    await tb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
