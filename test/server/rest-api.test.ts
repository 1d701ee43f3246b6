// The REST layer over a scripted engine: shapes, codes, framing and disconnects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { ScriptedEngine, type ControlledStream } from './scripted-engine.js';

let engine: ScriptedEngine;
let server: RunningServer;

before(async () => {
  engine = new ScriptedEngine();
  server = await startServer(engine, { port: 0, host: '127.0.0.1', config: { 'ksql.properties.overrides.denylist': 'ksql.streams.num.stream.threads' } });
});
after(async () => {
  await server.close();
});

const mediaType = (res: Response) => res.headers.get('content-type')?.split(';')[0];

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

function feed(rows: unknown[][], final: string): void {
  engine.onQuery = (s: ControlledStream) => {
    setImmediate(() => {
      for (const row of rows) s.push({ row });
      s.finish(final);
    });
  };
}

test('/ksql runs statements and returns the entities', async () => {
  const res = await post('/ksql', { ksql: 'CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic=\'s\');', streamsProperties: { 'auto.offset.reset': 'earliest' }, sessionVariables: { x: 'y' } });
  assert.equal(res.status, 200);
  assert.equal(mediaType(res), 'application/vnd.ksql.v1+json');
  const body = (await res.json()) as { '@type': string; commandId: string }[];
  assert.equal(body[0]!['@type'], 'currentStatus');
  assert.equal(body[0]!.commandId, 'stream/S/create');
  const call = engine.executed.at(-1)!;
  assert.deepEqual(call.context.properties, { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(call.context.variables, { x: 'y' });
});

test('/ksql answers application/json when asked for it', async () => {
  const res = await post('/ksql', { ksql: 'SHOW PROPERTIES;' }, { accept: 'application/json' });
  assert.equal(res.status, 200);
  assert.equal(mediaType(res), 'application/json');
  const body = (await res.json()) as { '@type': string }[];
  assert.equal(body[0]!['@type'], 'properties');
});

test('/ksql statement failure is a statement_error with earlier entities', async () => {
  const res = await post('/ksql', { ksql: 'CREATE STREAM a (v INT) WITH (kafka_topic=\'a\'); BOGUS THING;' });
  assert.equal(res.status, 400);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body['@type'], 'statement_error');
  assert.equal(body.error_code, 40001);
  assert.equal(body.statementText, 'BOGUS THING;');
  assert.equal((body.entities as unknown[]).length, 1);
});

test('/ksql refuses SELECT and PRINT with 40002', async () => {
  for (const ksql of ['SELECT * FROM s EMIT CHANGES;', "CREATE STREAM b (v INT) WITH (kafka_topic='b'); PRINT 'b';"]) {
    const before = engine.executed.length;
    const res = await post('/ksql', { ksql });
    assert.equal(res.status, 400);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['@type'], 'statement_error');
    assert.equal(body.error_code, 40002);
    assert.match(String(body.message), /\/query/);
    assert.equal(engine.executed.length, before, 'nothing runs when one statement is for /query');
  }
});

test('bad request bodies are generic 40000 errors', async () => {
  let res = await post('/ksql', '{not json');
  assert.equal(res.status, 400);
  let body = (await res.json()) as Record<string, unknown>;
  assert.deepEqual([body['@type'], body.error_code], ['generic_error', 40000]);
  res = await post('/ksql', { sql: 'x' });
  body = (await res.json()) as Record<string, unknown>;
  assert.equal(res.status, 400);
  assert.match(String(body.message), /ksql/);
  res = await post('/ksql', { ksql: 'SHOW PROPERTIES;', streamsProperties: { 'ksql.service.id': 'x' } });
  assert.equal(res.status, 400);
  assert.match(String(((await res.json()) as { message: string }).message), /ksql\.service\.id/);
});

test('unknown paths are 404 with error 40400', async () => {
  const res = await fetch(server.url + '/nope');
  assert.equal(res.status, 404);
  const body = (await res.json()) as Record<string, unknown>;
  assert.deepEqual([body['@type'], body.error_code], ['generic_error', 40400]);
});

test('an unacceptable Accept type is refused with 406', async () => {
  const res = await post('/ksql', { ksql: 'SHOW PROPERTIES;' }, { accept: 'text/html' });
  assert.equal(res.status, 406);
  assert.equal(((await res.json()) as { error_code: number }).error_code, 40600);
});

test('GET /info, /, /healthcheck, /status and /is_valid_property', async () => {
  let res = await fetch(server.url + '/info');
  assert.deepEqual(await res.json(), { KsqlServerInfo: engine.info() });
  res = await fetch(server.url + '/', { redirect: 'manual' });
  assert.equal(res.status, 307);
  assert.equal(res.headers.get('location'), '/info');
  res = await fetch(server.url + '/healthcheck');
  let health = (await res.json()) as { isHealthy: boolean; details: { commandRunner: { isHealthy: boolean } } };
  assert.equal(res.status, 200);
  assert.equal(health.isHealthy, true);
  assert.equal(health.details.commandRunner.isHealthy, true);
  engine.isHealthy = false;
  res = await fetch(server.url + '/healthcheck');
  health = (await res.json()) as typeof health;
  engine.isHealthy = true;
  assert.equal(res.status, 503);
  assert.equal(health.isHealthy, false);

  await post('/ksql', { ksql: "CREATE STREAM st (v INT) WITH (kafka_topic='st');" });
  res = await fetch(server.url + '/status');
  const all = (await res.json()) as { commandStatuses: Record<string, string> };
  assert.equal(all.commandStatuses['stream/ST/create'], 'SUCCESS');
  res = await fetch(server.url + '/status/stream/ST/create');
  assert.deepEqual(await res.json(), { status: 'SUCCESS', message: 'Stream created' });
  res = await fetch(server.url + '/status/stream/NOPE/create');
  assert.equal(res.status, 404);

  res = await fetch(server.url + '/is_valid_property/auto.offset.reset');
  assert.equal(await res.json(), true);
  for (const name of ['ksql.service.id', 'num.stream.threads', 'nonsense']) {
    res = await fetch(server.url + '/is_valid_property/' + name);
    assert.equal(res.status, 400, name);
  }
});

test('/query streams a JSON array: header, rows, finalMessage', async () => {
  feed([['a', 1], ['b', 2]], 'Limit Reached');
  const res = await post('/query', { ksql: 'SELECT * FROM s EMIT CHANGES LIMIT 2;' });
  assert.equal(res.status, 200);
  const body = JSON.parse(await res.text()) as unknown[];
  assert.deepEqual(body, [
    { header: { queryId: engine.streams.at(-1)!.header.queryId, schema: '`K` STRING KEY, `V` INTEGER' } },
    { row: { columns: ['a', 1] } },
    { row: { columns: ['b', 2] } },
    { finalMessage: 'Limit Reached' },
  ]);
});

test('/query reports an unknown source as a statement_error before streaming', async () => {
  const res = await post('/query', { ksql: 'SELECT * FROM UNKNOWN_SOURCE EMIT CHANGES;' });
  assert.equal(res.status, 400);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body['@type'], 'statement_error');
  assert.match(String(body.message), /does not exist/);
});

test('/query refuses statements that are not queries', async () => {
  const res = await post('/query', { ksql: "CREATE STREAM c (v INT) WITH (kafka_topic='c');" });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error_code: number }).error_code, 40000);
});

test('/query sends mid-stream errors and tombstones in its framing', async () => {
  engine.onQuery = (s) =>
    setImmediate(() => {
      s.push({ row: ['a', 1], tombstone: true });
      s.push({ errorMessage: { '@type': 'generic_error', error_code: 50000, message: 'boom' } });
      s.finish('Query Completed');
    });
  const res = await post('/query', { ksql: 'SELECT * FROM s;' });
  const body = JSON.parse(await res.text()) as unknown[];
  assert.deepEqual(body.slice(1), [
    { row: { columns: ['a', 1], tombstone: true } },
    { errorMessage: { '@type': 'generic_error', error_code: 50000, message: 'boom' } },
    { finalMessage: 'Query Completed' },
  ]);
});

test('PRINT on /query is written as text lines', async () => {
  engine.onQuery = (s) =>
    setImmediate(() => {
      s.push({ row: ['Key format: KAFKA_STRING'] });
      s.push({ row: ['Value format: JSON'] });
      s.finish('Limit Reached');
    });
  const res = await post('/query', { ksql: "PRINT 's' FROM BEGINNING LIMIT 1;" });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'Key format: KAFKA_STRING\nValue format: JSON\n');
});

test('/query-stream: delimited by default, a JSON array with application/json, /query framing with v1+json', async () => {
  feed([['a', 1], ['b', 2]], 'Limit Reached');
  let res = await post('/query-stream', { sql: 'SELECT * FROM s EMIT CHANGES LIMIT 2;', properties: {} }, { accept: '' });
  assert.equal(mediaType(res), 'application/vnd.ksqlapi.delimited.v1');
  const queryId = engine.streams.at(-1)!.header.queryId;
  assert.equal(
    await res.text(),
    JSON.stringify({ queryId, columnNames: ['K', 'V'], columnTypes: ['STRING', 'INTEGER'] }) + '\n["a",1]\n["b",2]\n',
  );

  feed([['a', 1]], 'Limit Reached');
  res = await post('/query-stream', { sql: 'SELECT * FROM s EMIT CHANGES LIMIT 1;' }, { accept: 'application/json' });
  assert.equal(mediaType(res), 'application/json');
  assert.deepEqual(JSON.parse(await res.text()), [
    { queryId: engine.streams.at(-1)!.header.queryId, columnNames: ['K', 'V'], columnTypes: ['STRING', 'INTEGER'] },
    ['a', 1],
  ]);

  feed([['a', 1]], 'Limit Reached');
  res = await post('/query-stream', { sql: 'SELECT * FROM s EMIT CHANGES LIMIT 1;' }, {
    accept: 'application/json;q=0.5, application/vnd.ksql.v1+json',
  });
  assert.equal(mediaType(res), 'application/vnd.ksql.v1+json');
  const framed = JSON.parse(await res.text()) as unknown[];
  assert.deepEqual(framed.at(-1), { finalMessage: 'Limit Reached' });
});

test('/query-stream drops tombstones and refuses PRINT unless delimited', async () => {
  engine.onQuery = (s) =>
    setImmediate(() => {
      s.push({ row: ['gone', null], tombstone: true });
      s.push({ row: ['kept', 3] });
      s.finish('Query Completed');
    });
  let res = await post('/query-stream', { sql: 'SELECT * FROM s;' });
  const lines = (await res.text()).trim().split('\n');
  assert.deepEqual(lines.slice(1), ['["kept",3]']);

  res = await post('/query-stream', { sql: "PRINT 's';" }, { accept: 'application/json' });
  assert.equal(res.status, 406);
});

/** Opens a push query, reads its first chunk, then hangs up. */
function openAndDisconnect(path: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', (chunk: Buffer) => {
        req.destroy();
        resolve(chunk.toString());
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end(JSON.stringify(body));
  });
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('a client disconnect stops the engine query (/query and /query-stream)', async () => {
  engine.onQuery = () => {};
  for (const [path, body] of [
    ['/query', { ksql: 'SELECT * FROM s EMIT CHANGES;' }],
    ['/query-stream', { sql: 'SELECT * FROM s EMIT CHANGES;' }],
  ] as const) {
    const first = await openAndDisconnect(path, body);
    assert.match(first, /queryId|header/);
    const stream = engine.streams.at(-1)!;
    await waitFor(() => stream.closed, `query of ${path} to close`);
  }
});

test('/close-query stops a running push query; unknown ids are errors', async () => {
  engine.onQuery = (s) => setImmediate(() => s.push({ row: ['a', 1] }));
  const res = await post('/query-stream', { sql: 'SELECT * FROM s EMIT CHANGES;' });
  const stream = engine.streams.at(-1)!;
  const reader = res.body!.getReader();
  await reader.read();
  const closeRes = await post('/close-query', { queryId: stream.header.queryId });
  assert.equal(closeRes.status, 200);
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  assert.ok(stream.closed);
  assert.ok(text.includes('["a",1]') || text === '');
  const bad = await post('/close-query', { queryId: 'transient_NOPE_1' });
  assert.equal(bad.status, 400);
});

test('/inserts-stream acknowledges each row and reports bad rows', async () => {
  const before = engine.inserted.length;
  const body = ['{"target":"S","properties":{}}', '{"K":"a","V":1}', 'not json', '{"K":"b","V":2}'].join('\n') + '\n';
  let res = await fetch(server.url + '/inserts-stream', { method: 'POST', headers: { 'content-type': 'application/vnd.ksqlapi.delimited.v1' }, body });
  assert.equal(res.status, 200);
  const acks = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(acks[0], { status: 'ok', seq: 0 });
  assert.equal(acks[1]!.status, 'error');
  assert.equal(acks[1]!.seq, 1);
  assert.deepEqual(acks[2], { status: 'ok', seq: 2 });
  assert.deepEqual(engine.inserted.slice(before).map((r) => r.row), [{ K: 'a', V: 1 }, { K: 'b', V: 2 }]);

  res = await fetch(server.url + '/inserts-stream', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: '{"target":"other"}\n{"V":1}\n',
  });
  const arr = (await res.json()) as Record<string, unknown>[];
  assert.equal(arr[0]!.status, 'error');
  assert.match(String(arr[0]!.message), /unknown stream/);

  res = await fetch(server.url + '/inserts-stream', { method: 'POST', body: 'garbage\n' });
  assert.equal(res.status, 400);
});

test('close() ends open push queries instead of waiting for them', async () => {
  const local = await startServer(engine, { port: 0, host: '127.0.0.1' });
  engine.onQuery = () => {};
  const res = await fetch(local.url + '/query', { method: 'POST', body: JSON.stringify({ ksql: 'SELECT * FROM s EMIT CHANGES;' }) });
  const reader = res.body!.getReader();
  await reader.read();
  const stream = engine.streams.at(-1)!;
  await local.close();
  assert.ok(stream.closed);
});
