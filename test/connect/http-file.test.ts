// The HTTP sink against a real local HTTP server (retries with backoff, batching, the
// dead-letter topic after the limit) and the file source and sink, in an in-process engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Engine } from '../../src/engine/engine.js';
import { eventually } from './services.js';

async function withEngine(fn: (engine: Engine, run: (sql: string) => Promise<any[]>, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-httpfile-'));
  const engine = await Engine.open({ dataDir: join(dir, 'data') });
  try {
    await fn(engine, (sql) => engine.execute(sql, { properties: { 'auto.offset.reset': 'earliest' }, variables: {} }) as Promise<any[]>, dir);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let b = '';
    req.on('data', (d) => (b += d));
    req.on('end', () => resolve(b));
  });
}

async function webhook(handler: (n: number, body: string) => number) {
  const calls: { at: number; body: string; status: number }[] = [];
  const server = createServer(async (req, res) => {
    const b = await body(req);
    const status = handler(calls.length, b);
    calls.push({ at: Date.now(), body: b, status });
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls, close: () => new Promise((r) => server.close(r)) };
}

test('HTTP sink: batches, retries a failing endpoint with backoff, then succeeds', async () => {
  const hook = await webhook((n) => (n < 2 ? 503 : 200));
  try {
    await withEngine(async (_engine, run) => {
      await run(`CREATE STREAM clicks (id INT, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);`);
      await run(`INSERT INTO clicks (id, page) VALUES (1, 'a'); INSERT INTO clicks (id, page) VALUES (2, 'b'); INSERT INTO clicks (id, page) VALUES (3, 'c');`);
      await run(
        `CREATE SINK CONNECTOR hook WITH ('connector.class'='io.confluent.connect.http.HttpSinkConnector', 'topics'='clicks', 'http.api.url'='${hook.url}', 'request.body.format'='json', 'batch.max.size'='10', 'max.retries'='5', 'retry.backoff.ms'='100');`,
      );
      await eventually('a delivered batch', async () => (hook.calls.some((c) => c.status === 200) ? true : undefined));
      assert.deepEqual(hook.calls.map((c) => c.status), [503, 503, 200]);
      assert.deepEqual(JSON.parse(hook.calls[2]!.body), [
        { ID: 1, PAGE: 'a' },
        { ID: 2, PAGE: 'b' },
        { ID: 3, PAGE: 'c' },
      ]);
      assert.ok(hook.calls[1]!.at - hook.calls[0]!.at >= 90, 'first retry after retry.backoff.ms');
      assert.ok(hook.calls[2]!.at - hook.calls[1]!.at >= 180, 'the backoff doubles');
      const [d] = await run('DESCRIBE CONNECTOR hook;');
      assert.equal(d.status.connector.state, 'RUNNING');
      assert.match(d.lastError.message, /attempt 2 of 6: HTTP 503/);
    });
  } finally {
    await hook.close();
  }
});

test('HTTP sink: after max.retries the batch goes to the dead-letter topic and the sink goes on', async () => {
  const hook = await webhook((_n, b) => (b.includes('poison') ? 500 : 200));
  try {
    await withEngine(async (engine, run) => {
      await run(`CREATE STREAM events (id INT, v STRING) WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON', PARTITIONS=1);`);
      await run(`INSERT INTO events (id, v) VALUES (1, 'poison');`);
      await run(
        `CREATE SINK CONNECTOR hook2 WITH ('connector.class'='HttpSinkConnector', 'topics'='events', 'http.api.url'='${hook.url}', 'max.retries'='2', 'retry.backoff.ms'='20', 'reporter.error.topic.name'='events_dlq');`,
      );
      const dlq = await eventually('the dead letter', async () => {
        const recs = (await engine.log.describeTopic('events_dlq')) ? await engine.log.fetch([{ topic: 'events_dlq', partition: 0, offset: 0 }], { maxRecords: 10 }) : [];
        return recs.length > 0 ? recs : undefined;
      });
      assert.equal(hook.calls.length, 3, 'one attempt and max.retries=2 retries');
      assert.deepEqual(JSON.parse(dlq[0]!.value!.toString()), { ID: 1, V: 'poison' });
      const header = (k: string) => dlq[0]!.headers.find((h) => h.key === k)?.value?.toString();
      assert.equal(header('__connect.errors.topic'), 'events');
      assert.equal(header('__connect.errors.offset'), '0');
      assert.match(header('__connect.errors.exception.message')!, /HTTP 500/);
      await run(`INSERT INTO events (id, v) VALUES (2, 'fine');`);
      await eventually('the next record delivered', async () => (hook.calls.some((c) => c.status === 200 && c.body.includes('fine')) ? true : undefined));
      const [d] = await run('DESCRIBE CONNECTOR hook2;');
      assert.match(d.lastError.message, /sent to dead-letter topic events_dlq/);
    });
  } finally {
    await hook.close();
  }
});

test('file source follows a file (JSON lines, bad lines skipped) and the file sink writes JSON rows', async () => {
  await withEngine(async (engine, run, dir) => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, '{"id":1,"name":"ann"}\nnot json\n');
    await run(`CREATE SOURCE CONNECTOR file_in WITH ('connector.class'='FileStreamSource', 'file'='${input}', 'topic'='people', 'format'='json');`);
    await run(`CREATE STREAM people (id INT, name STRING) WITH (KAFKA_TOPIC='people', VALUE_FORMAT='JSON');`);
    await run(`CREATE STREAM shouting AS SELECT id, UCASE(name) AS name FROM people;`);
    await run(`CREATE SINK CONNECTOR file_out WITH ('connector.class'='FileStreamSink', 'file'='${output}', 'topics'='SHOUTING', 'format'='json');`);
    appendFileSync(input, '{"id":2,"name":"bob"}\n{"id":3,');
    const lines = () => (existsSync(output) ? readFileSync(output, 'utf8').trim().split('\n').filter(Boolean) : []);
    await eventually('two rows out', async () => (lines().length === 2 ? true : undefined));
    appendFileSync(input, '"name":"cy"}\n');
    await eventually('three rows out', async () => (lines().length === 3 ? true : undefined));
    assert.deepEqual(lines().map((l) => JSON.parse(l)), [
      { ID: 1, NAME: 'ANN' },
      { ID: 2, NAME: 'BOB' },
      { ID: 3, NAME: 'CY' },
    ]);
    await engine.processingLog.flush();
    const logged = await engine.log.fetch([{ topic: engine.processingLog.topic, partition: 0, offset: 0 }], { maxRecords: 100 });
    assert.ok(logged.some((r) => /is not JSON; skipped/.test(r.value?.toString() ?? '')), 'the bad line is in the processing log');
  });
});
