// Per-query metrics on a real `eddy server`: while a CSAS works through 20,000 input
// records, /metrics shows its consumed count rising to the input count (and its produced
// count to what passed the filter); pull queries are counted and timed; promtool (Debian's
// prometheus package) accepts the text.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { startEddyServer, type EddyServerProcess } from '../cli/topic-server.js';

const INPUT = 20_000;
let server: EddyServerProcess;
before(async () => {
  server = await startEddyServer();
});
after(async () => {
  await server?.stop();
});

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const scrape = async () => (await fetch(new URL('/metrics', server.url))).text();

test('/metrics: a CSAS consumed count rises to the input count; pull queries counted; promtool accepts it', { timeout: 180_000 }, async (t) => {
  await server.ksql("CREATE STREAM mq_in (id INT KEY, v INT) WITH (kafka_topic='mq_in', partitions=2, value_format='JSON');");
  const kafka = new Kafka({ brokers: [server.broker], logLevel: logLevel.NOTHING, clientId: 'metrics-query-test' });
  const producer = kafka.producer();
  await producer.connect();
  for (let base = 0; base < INPUT; base += 2000) {
    await producer.send({ topic: 'mq_in', messages: Array.from({ length: 2000 }, (_, i) => ({ key: null, value: JSON.stringify({ V: base + i }) })) });
  }
  await producer.disconnect();
  const created = await server.ksql('CREATE STREAM mq_out AS SELECT id, v FROM mq_in WHERE v % 4 = 0 EMIT CHANGES;', { 'auto.offset.reset': 'earliest' });
  const queryId = /CSAS_MQ_OUT_\d+/.exec(JSON.stringify(created))?.[0];
  assert.ok(queryId, JSON.stringify(created));

  const seen: number[] = [];
  const deadline = Date.now() + 120_000;
  for (;;) {
    const v = sample(await scrape(), 'eddy_query_records_consumed_total', { query_id: queryId }) ?? 0;
    if (seen.length === 0 || v !== seen[seen.length - 1]) seen.push(v);
    if (v >= INPUT || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(seen[seen.length - 1], INPUT, `consumed went ${seen.join(" → ")}`);
  t.diagnostic(`consumed samples: ${seen.join(' → ')}`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], 'the count only rises');
  const text = await scrape();
  assert.equal(sample(text, 'eddy_query_records_produced_total', { query_id: queryId }), INPUT / 4);

  const pull = await fetch(new URL('/query', server.url), { method: 'POST', body: JSON.stringify({ ksql: 'SELECT * FROM mq_out LIMIT 1;', streamsProperties: {} }) });
  await pull.text();
  const after = await scrape();
  assert.ok((sample(after, 'eddy_transient_queries_total', { kind: 'pull' }) ?? 0) >= 1, 'a pull query is counted');
  assert.ok((sample(after, 'eddy_pull_query_duration_seconds_count') ?? 0) >= 1, 'and timed');

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (promtool.error) {
    if (process.env.CI === 'true') assert.fail('promtool is missing; install it with: apt-get install prometheus');
    return;
  }
  const check = spawnSync('promtool', ['check', 'metrics'], { input: after, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
  t.diagnostic(`promtool check metrics: exit ${check.status}, ${after.split('\n').filter((l) => l && !l.startsWith('#')).length} samples`);
});
