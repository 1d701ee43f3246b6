// HTTP/2 cleartext with prior knowledge on the REST port, beside HTTP/1.1: curl streams
// /query-stream rows, and the npm ksqldb-client (which only speaks HTTP/2) runs DDL,
// inserts, a push query and a pull query against a real `eddy server` child process.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import { startEddyServer, type EddyServerProcess } from '../cli/topic-server.js';
import { missingTool, until } from '../broker/helpers.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const KsqldbClient = require('ksqldb-client') as any;

let server: EddyServerProcess;

before(async () => {
  server = await startEddyServer();
});
after(async () => {
  await server?.stop();
});

function curl(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('HTTP/1.1 and HTTP/2 prior knowledge are both served on the REST port', { timeout: 60_000 }, async () => {
  const h1 = await fetch(new URL('/info', server.url));
  assert.equal(h1.status, 200);
  const session = http2.connect(server.url);
  try {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = session.request({ ':path': '/info', ':method': 'GET' });
      let status = 0;
      let body = '';
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (d) => (body += d));
      req.on('end', () => resolve({ status, body }));
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.match(body, /"KsqlServerInfo"/);
  } finally {
    session.close();
  }
});

test('curl --http2-prior-knowledge streams /query-stream rows of a push query', { timeout: 90_000 }, async (t) => {
  const missing = missingTool('curl', ['--version'], 'apt-get install curl');
  if (missing) {
    if (process.env.CI === 'true') assert.fail(missing);
    return t.skip(missing);
  }
  await server.ksql("CREATE STREAM h2_curl (id INT KEY, v VARCHAR) WITH (kafka_topic='h2_curl', partitions=1, value_format='JSON');");
  await server.ksql("INSERT INTO h2_curl (id, v) VALUES (1, 'one'); INSERT INTO h2_curl (id, v) VALUES (2, 'two');");
  const body = JSON.stringify({ sql: 'SELECT * FROM h2_curl EMIT CHANGES LIMIT 2;', properties: { 'auto.offset.reset': 'earliest' } });
  const run = await curl(['-sS', '-N', '--http2-prior-knowledge', '-w', '\n%{http_version}', '-X', 'POST', `${server.url}/query-stream`, '-d', body], 60_000);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.pop(), '2', 'curl reports the response came over HTTP/2');
  const header = JSON.parse(lines[0]) as { queryId: string; columnNames: string[] };
  assert.deepEqual(header.columnNames, ['ID', 'V']);
  assert.ok(header.queryId);
  assert.deepEqual(lines.slice(1).map((l) => JSON.parse(l)), [
    [1, 'one'],
    [2, 'two'],
  ]);
});

test('npm ksqldb-client runs DDL, inserts, a push query and a pull query over HTTP/2', { timeout: 120_000 }, async () => {
  const url = new URL(server.url);
  const client = new KsqldbClient({ host: `http://${url.hostname}`, port: Number(url.port) });
  await client.connect();
  try {
    const ddl = await client.executeStatement(
      "CREATE STREAM h2_orders (id VARCHAR KEY, amount INT) WITH (kafka_topic='h2_orders', partitions=1, value_format='JSON');",
    );
    assert.equal(ddl.status, 200, JSON.stringify(ddl.error ?? ddl.data));
    const table = await client.executeStatement(
      'CREATE TABLE h2_totals AS SELECT id, SUM(amount) AS total FROM h2_orders GROUP BY id EMIT CHANGES;',
    );
    assert.equal(table.status, 200, JSON.stringify(table.error ?? table.data));

    for (const row of [
      { ID: 'a', AMOUNT: 5 },
      { ID: 'b', AMOUNT: 7 },
      { ID: 'a', AMOUNT: 10 },
    ]) {
      const inserted = await client.insertInto('H2_ORDERS', row);
      assert.equal(inserted.status, 200, JSON.stringify(inserted.error));
    }

    // Push query: rows arrive one by one on the stream; close it by its query id.
    const pushed: Record<string, unknown>[] = [];
    let queryId = '';
    const push = client.streamQuery(
      'SELECT id, amount FROM h2_orders EMIT CHANGES;',
      (data: { metadata?: { queryId: string }; rows?: Record<string, unknown>[] }) => {
        if (data.metadata?.queryId) queryId = data.metadata.queryId;
        for (const r of data.rows ?? []) pushed.push(r);
      },
      { properties: { 'auto.offset.reset': 'earliest' } },
    );
    await until(() => pushed.length >= 3, 'three pushed rows', 60_000);
    assert.deepEqual(pushed, [
      { ID: 'a', AMOUNT: 5 },
      { ID: 'b', AMOUNT: 7 },
      { ID: 'a', AMOUNT: 10 },
    ]);
    assert.ok(queryId, 'the push query has an id');
    const closed = await client.terminatePushQuery(queryId);
    assert.equal(closed.error, undefined, JSON.stringify(closed.error));
    await push;

    // Pull query on the table, once the persistent query has caught up.
    let pulled: Record<string, unknown>[] = [];
    await until(async () => {
      const res = await client.query("SELECT id, total FROM h2_totals WHERE id = 'a';");
      pulled = res.data?.rows ?? [];
      return pulled.length === 1 && pulled[0].TOTAL === 15;
    }, 'the pull query to see total 15', 60_000);
    assert.deepEqual(pulled, [{ ID: 'a', TOTAL: 15 }]);
  } finally {
    await client.disconnect();
  }
});
