// GET /metrics on a real `eddy server` child: Prometheus text with REST requests by
// endpoint and status and embedded-broker requests by API.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startEddyServer, type EddyServerProcess } from '../cli/topic-server.js';

let server: EddyServerProcess;
before(async () => {
  server = await startEddyServer();
});
after(async () => {
  await server?.stop();
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

test('/metrics counts REST requests by endpoint and status and broker requests by API', { timeout: 90_000 }, async () => {
  await server.ksql("CREATE STREAM m_s (id INT KEY, v VARCHAR) WITH (kafka_topic='m_s', partitions=1, value_format='JSON');");
  await server.ksql("INSERT INTO m_s (id, v) VALUES (1, 'a');");
  const bad = await fetch(new URL('/ksql', server.url), { method: 'POST', body: JSON.stringify({ ksql: 'NOT SQL;' }) });
  assert.equal(bad.status, 400);
  const kafka = new Kafka({ brokers: [server.broker], logLevel: logLevel.NOTHING, clientId: 'metrics-test' });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'm_s', messages: [{ key: null, value: '{"V":"b"}' }] });
  await producer.disconnect();

  const res = await fetch(new URL('/metrics', server.url));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /# TYPE eddy_rest_requests_total counter/);
  assert.ok((sample(text, 'eddy_rest_requests_total', { endpoint: '/ksql', method: 'POST', status: '200' }) ?? 0) >= 2, text);
  assert.equal(sample(text, 'eddy_rest_requests_total', { endpoint: '/ksql', method: 'POST', status: '400' }), 1);
  assert.ok((sample(text, 'eddy_broker_requests_total', { api: 'Produce', outcome: 'ok' }) ?? 0) >= 1, 'broker Produce counted');
  assert.ok((sample(text, 'eddy_broker_requests_total', { api: 'Metadata', outcome: 'ok' }) ?? 0) >= 1, 'broker Metadata counted');
  assert.ok((sample(text, 'eddy_broker_bytes_total', { direction: 'in' }) ?? 0) > 0);
  assert.match(text, /^eddy_process_cpu_user_seconds_total /m);
});
