// The console's JSON endpoints and `/` against a real server: content negotiation at `/`,
// topics with consumer-group lag, the tail decoding every value format, a join's step
// graph, the sampler's rates, health, and authentication on every console route.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/server/auth.js';
import { parseExecutionPlan } from '../../src/server/console/query-graph.js';
import { diskHealth } from '../../src/server/console/health.js';
import { connectorFailed, listConnectors } from '../../src/server/console/connectors.js';
import type { ConsoleBackend } from '../../src/server/console/backend.js';
import { eventually, ksql, produce, startTestServer, type TestServer } from './harness.js';

async function get<T>(url: string, auth?: string): Promise<T> {
  const res = await fetch(url, auth ? { headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } } : {});
  const text = await res.text();
  assert.equal(res.status, 200, `${url}: ${text}`);
  return JSON.parse(text) as T;
}

interface Tail {
  positions: number[];
  valueFormat: string;
  records: { partition: number; offset: number; key: string | null; value: string | null; headers: { key: string; value: string | null }[] }[];
}

describe('console API', { timeout: 120_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await ksql(server.url, "CREATE STREAM items (id INT KEY, name VARCHAR, price DOUBLE) WITH (kafka_topic='items', partitions=1, value_format='JSON');");
  });
  after(async () => server?.close());

  test('GET / gives browsers the page and other clients the redirect to /info', async () => {
    const page = await fetch(server.url + '/', { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /<script type="module" src="\/console\/app.js">/);
    for (const accept of [undefined, '*/*', 'application/json', 'application/vnd.ksql.v1+json']) {
      const res = await fetch(server.url + '/', { redirect: 'manual', headers: accept ? { accept } : {} });
      assert.equal(res.status, 307, `Accept: ${accept}`);
      assert.equal(res.headers.get('location'), '/info');
    }
    const js = await fetch(server.url + '/console/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
  });

  test('the tail decodes every value format, with keys and headers, and reads on from its positions', async () => {
    const formats = ['JSON', 'AVRO', 'PROTOBUF', 'JSON_SR', 'DELIMITED', 'PROTOBUF_NOSR'];
    for (const f of formats) {
      await ksql(server.url, `CREATE STREAM items_${f} WITH (kafka_topic='items_${f.toLowerCase()}', value_format='${f}') AS SELECT * FROM items;`);
    }
    await produce(server.bootstrap, 'items', [{ key: undefined, value: JSON.stringify({ NAME: 'teapot', PRICE: 12.5 }), headers: { origin: 'shop-3' } }]);
    const first = await get<Tail>(`${server.url}/console/api/topics/items/records?from=beginning`);
    assert.equal(first.records.length, 1);
    assert.deepEqual(first.records[0]!.headers, [{ key: 'origin', value: 'shop-3' }]);
    assert.equal(first.records[0]!.key, null);
    assert.deepEqual(first.positions, [1]);
    const expected: Record<string, RegExp> = {
      JSON: /"NAME":"teapot","PRICE":12.5/,
      AVRO: /"NAME":"teapot","PRICE":12.5/,
      PROTOBUF: /"NAME":"teapot","PRICE":12.5/,
      JSON_SR: /"NAME":"teapot","PRICE":12.5/,
      DELIMITED: /"NAME":"teapot","PRICE":12.5/,
      PROTOBUF_NOSR: /"NAME":"teapot","PRICE":12.5/,
    };
    for (const f of formats) {
      const tail = await eventually(`a record in items_${f}`, async () => {
        const t = await get<Tail>(`${server.url}/console/api/topics/items_${f.toLowerCase()}/records?from=beginning`);
        return t.records.length > 0 ? t : undefined;
      });
      assert.match(tail.records[0]!.value ?? '', expected[f]!, `${f}: ${tail.records[0]!.value} (${tail.valueFormat})`);
    }
    // Reading on from the positions gives only what came after, waiting for it.
    const waiting = get<Tail>(`${server.url}/console/api/topics/items/records?positions=${first.positions.join(',')}&wait=3000`);
    await produce(server.bootstrap, 'items', [{ key: undefined, value: JSON.stringify({ NAME: 'kettle', PRICE: 30 }) }]);
    const next = await waiting;
    assert.deepEqual(next.records.map((r) => r.offset), [1]);
    assert.match(next.records[0]!.value!, /kettle/);
  });

  test("a record a declared stream's format cannot read shows PRINT's guess, marked", async () => {
    await ksql(server.url, "CREATE STREAM loose (n INT) WITH (kafka_topic='loose', partitions=1, value_format='JSON');");
    await produce(server.bootstrap, 'loose', [{ value: '{"N": 4}' }, { value: 'plain text' }]);
    const t = await get<Tail & { decodedWith?: string }>(`${server.url}/console/api/topics/loose/records?from=beginning`);
    assert.equal(t.decodedWith, 'LOOSE');
    assert.deepEqual(t.records.map((r) => r.value!.split('  ⚠')[0]), ['{"N":4}', 'plain text']);
    assert.match(t.records[1]!.value!, /⚠ not LOOSE's format/);
    // A query reading it logs the record it cannot read; health counts it as a warning.
    await ksql(server.url, 'CREATE STREAM loose_copy AS SELECT * FROM loose;');
    const log = await eventually('the failed record in health', async () => {
      const h = await get<{ components: { component: string; status: string; message: string; fix?: string }[] }>(`${server.url}/console/api/health`);
      const c = h.components.find((x) => x.component === 'processing log');
      return c?.status === 'warning' ? c : undefined;
    });
    assert.match(log.message, /^1 records failed in the last 5 minutes; the latest \(.*CSAS_LOOSE_COPY.*\): /);
    assert.match(log.fix ?? '', /KSQL_PROCESSING_LOG/);
    const { queries } = (await ksql(server.url, 'SHOW QUERIES;'))[0] as { queries: { id: string }[] };
    const copy = queries.find((q) => q.id.startsWith('CSAS_LOOSE_COPY'))!.id;
    const detail = await get<{ recentErrors: { logger: string; message: string }[] }>(`${server.url}/console/api/queries/${copy}`);
    assert.equal(detail.recentErrors.length, 1);
    assert.match(detail.recentErrors[0]!.logger, new RegExp(copy));
  });

  test('an unknown topic is a 404 that says where to look', async () => {
    const res = await fetch(`${server.url}/console/api/topics/nope/records`);
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { message: string }).message, /Topic 'nope' does not exist/);
  });

  test("topics carry partitions' offsets and each consumer group's lag", async () => {
    await ksql(server.url, 'PAUSE CSAS_ITEMS_JSON_1;');
    await produce(server.bootstrap, 'items', [1, 2, 3].map((i) => ({ value: JSON.stringify({ NAME: `n${i}`, PRICE: i }) })));
    const topic = await eventually('items with its records', async () => {
      const { topics } = await get<{ topics: { name: string; messages: number; partitions: { end: number }[]; consumerGroups: { groupId: string; lag: number }[] }[] }>(`${server.url}/console/api/topics`);
      const t = topics.find((x) => x.name === 'items');
      return t && t.messages === 5 ? t : undefined;
    });
    assert.deepEqual(topic.partitions.map((p) => p.end), [5]);
    const paused = topic.consumerGroups.find((g) => g.groupId.endsWith('query_CSAS_ITEMS_JSON_1'));
    assert.ok(paused, JSON.stringify(topic.consumerGroups));
    assert.equal(paused.lag, 3);
    const health = await get<{ healthy: boolean; components: { component: string; status: string; fix?: string }[] }>(`${server.url}/console/api/health`);
    const q = health.components.find((c) => c.component === 'query CSAS_ITEMS_JSON_1');
    assert.equal(q?.status, 'warning');
    assert.equal(q?.fix, 'RESUME CSAS_ITEMS_JSON_1;');
    assert.equal(health.healthy, true);
    await ksql(server.url, 'RESUME CSAS_ITEMS_JSON_1;');
  });

  test("a join's step graph has both sources under the join, with the query's rates", async () => {
    await ksql(server.url, "CREATE TABLE prices (name VARCHAR PRIMARY KEY, list DOUBLE) WITH (kafka_topic='prices', partitions=1, value_format='JSON');");
    const [created] = (await ksql(server.url, 'CREATE STREAM priced AS SELECT i.name, i.price, p.list FROM items_json i JOIN prices p ON i.name = p.name;')) as { commandStatus: { queryId: string } }[];
    const id = created!.commandStatus.queryId;
    const detail = await get<{ steps: { label: string; parent: number; topic?: string; rate?: number | null }[]; state: string; catchUp?: { processed: number } }>(`${server.url}/console/api/queries/${id}`);
    assert.equal(detail.state, 'RUNNING');
    assert.equal(typeof detail.catchUp?.processed, 'number');
    const labels = detail.steps.map((s) => s.label);
    assert.equal(labels[0], 'SINK');
    const join = labels.indexOf('JOIN');
    assert.ok(join > 0, labels.join());
    const sources = detail.steps.filter((s) => s.label === 'SOURCE');
    assert.deepEqual(sources.map((s) => s.topic).sort(), ['items_json', 'prices']);
    // Each source hangs below the join, through its own steps.
    for (const s of sources) {
      let at = detail.steps.indexOf(s);
      while (at > join) at = detail.steps[at]!.parent;
      assert.equal(at, join);
    }
    const missing = await fetch(`${server.url}/console/api/queries/NO_SUCH_QUERY`);
    assert.equal(missing.status, 404);
  });

  test('the sampler gives rates per topic and per query', async () => {
    await get(`${server.url}/console/api/metrics`);
    const series = await eventually('a rate for items', async () => {
      await produce(server.bootstrap, 'items', Array.from({ length: 10 }, (_, i) => ({ value: JSON.stringify({ NAME: `m${i}`, PRICE: i }) })));
      const s = await get<{ times: number[]; topics: Record<string, (number | null)[]>; queries: Record<string, { in: (number | null)[] }> }>(`${server.url}/console/api/metrics`);
      return s.times.length >= 2 && s.topics.items!.some((x) => (x ?? 0) > 0) && s.queries.CSAS_ITEMS_AVRO_2!.in.some((x) => (x ?? 0) > 0) ? s : undefined;
    });
    for (const xs of Object.values(series.topics)) assert.equal(xs.length, series.times.length);
  });

  test('connectors: the statement failure is reported, not an empty list', async () => {
    const c = await get<{ unavailable?: string; connectors: unknown[] }>(`${server.url}/console/api/connectors`);
    // Until a connector backend is there, SHOW CONNECTORS fails with its reason.
    if (c.unavailable !== undefined) assert.match(c.unavailable, /connect/i);
    else assert.ok(Array.isArray(c.connectors));
  });

  test('schemas list each subject with its versions', async () => {
    const s = await get<{ registry: string; subjects: { subject: string; versions: { version: number; schemaType: string }[] }[] }>(`${server.url}/console/api/schemas`);
    assert.equal(s.registry, 'embedded');
    const avro = s.subjects.find((x) => x.subject === 'items_avro-value');
    assert.deepEqual(avro?.versions.map((v) => [v.version, v.schemaType]), [[1, 'AVRO']]);
    assert.ok(s.subjects.some((x) => x.subject === 'items_protobuf-value'));
  });
});

describe('console with REST authentication', { timeout: 60_000 }, () => {
  test('every console route needs credentials; a read-only user may use the console', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-console-auth-'));
    const creds = join(dir, 'users');
    writeFileSync(creds, `alice: ${hashPassword('a-pw')}, admin\nbob: ${hashPassword('b-pw')}, read-only\n`);
    const server = await startTestServer({ 'authentication.method': 'BASIC', 'authentication.credentials.file': creds });
    t.after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const path of ['/', '/console/', '/console/app.js', '/console/api/topics', '/console/api/health', '/console/api/metrics', '/console/api/schemas', '/console/api/connectors']) {
      const res = await fetch(server.url + path, { headers: { accept: 'text/html' } });
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    }
    const health = await get<{ healthy: boolean }>(`${server.url}/console/api/health`, 'bob:b-pw');
    assert.equal(health.healthy, true);
    await get(`${server.url}/console/api/topics`, 'alice:a-pw');
    const wrong = await fetch(`${server.url}/console/api/topics`, { headers: { authorization: `Basic ${Buffer.from('bob:nope').toString('base64')}` } });
    assert.equal(wrong.status, 401);
  });
});

test('parseExecutionPlan keeps each input under the step that reads it', () => {
  const plan = [
    ' > [ SINK ] | StreamSink: J (STREAM, topic \'J\', key KAFKA, value JSON) | Schema: `A` INT | Logger: Q.J.Sink',
    '\t\t > [ JOIN ] | StreamTableJoin INNER: A = B | Schema: `A` INT | Logger: Q.Join',
    '\t\t\t\t > [ SOURCE ] | StreamSource: L (STREAM, topic \'l\', key KAFKA, value JSON) | Schema: `A` INT | Logger: Q.KsqlTopic.L.Source',
    '\t\t\t\t > [ SOURCE ] | TableSource: R (TABLE, topic \'r\', key KAFKA, value JSON) | Schema: `B` INT | Logger: Q.KsqlTopic.R.Source',
  ].join('\n');
  const steps = parseExecutionPlan(plan);
  assert.deepEqual(steps.map((s) => [s.label, s.parent, s.topic ?? null, s.id]), [
    ['SINK', -1, 'J', 'J.Sink'],
    ['JOIN', 0, null, 'Join'],
    ['SOURCE', 1, 'l', 'KsqlTopic.L.Source'],
    ['SOURCE', 1, 'r', 'KsqlTopic.R.Source'],
  ]);
  assert.equal(steps[1]!.details[0], 'StreamTableJoin INNER: A = B');
});

test('diskHealth: a data dir that is not there is an error saying how to fix it', () => {
  const h = diskHealth('/nonexistent/eddy-data');
  assert.equal(h.status, 'error');
  assert.match(h.fix ?? '', /--data-dir/);
  assert.equal(diskHealth(tmpdir()).status === 'error', false);
});

test("listConnectors reads ksqlDB's connector_list and connector_description shapes, a failed task's trace as the last error", async () => {
  // The entities ksqlDB answers SHOW CONNECTORS and DESCRIBE CONNECTOR with (Kafka Connect's
  // status shape inside): what a connector backend gives the console.
  const entities: Record<string, Record<string, unknown>> = {
    'SHOW CONNECTORS;': {
      '@type': 'connector_list', statementText: 'SHOW CONNECTORS;', warnings: [],
      connectors: [
        { name: 'pg_sink', type: 'SINK', className: 'io.confluent.connect.jdbc.JdbcSinkConnector', state: 'RUNNING (0/1 tasks RUNNING)' },
        { name: 'files', type: 'SOURCE', className: 'FileStreamSource', state: 'RUNNING' },
      ],
    },
    'DESCRIBE CONNECTOR `pg_sink`;': {
      '@type': 'connector_description', statementText: 'DESCRIBE CONNECTOR `pg_sink`;', warnings: [], connectorClass: 'io.confluent.connect.jdbc.JdbcSinkConnector',
      status: { name: 'pg_sink', type: 'sink', connector: { state: 'RUNNING', worker_id: 'eddy' }, tasks: [{ id: 0, state: 'FAILED', worker_id: 'eddy', trace: 'org.postgresql.util.PSQLException: Connection refused\n\tat ...' }] },
      sources: [], topics: ['ORDERS'], errors: [],
    },
    'DESCRIBE CONNECTOR `files`;': {
      '@type': 'connector_description', statementText: 'DESCRIBE CONNECTOR `files`;', warnings: [], connectorClass: 'FileStreamSource',
      status: { name: 'files', type: 'source', connector: { state: 'RUNNING', worker_id: 'eddy' }, tasks: [{ id: 0, state: 'RUNNING', worker_id: 'eddy' }] },
      sources: [], topics: ['lines'], errors: [],
    },
  };
  const backend = { statement: async (sql: string) => entities[sql] ?? Promise.reject(new Error(`unexpected ${sql}`)) } as unknown as ConsoleBackend;
  const answer = await listConnectors(backend);
  assert.equal(answer.unavailable, undefined);
  const [pg, files] = answer.connectors;
  assert.deepEqual([pg!.name, pg!.type, pg!.state, pg!.tasks.map((t) => t.state), pg!.topics], ['pg_sink', 'SINK', 'RUNNING', ['FAILED'], ['ORDERS']]);
  assert.match(pg!.lastError ?? '', /^org.postgresql.util.PSQLException: Connection refused/);
  assert.equal(connectorFailed(pg!), true);
  assert.equal(files!.lastError, undefined);
  assert.equal(connectorFailed(files!), false);
});
