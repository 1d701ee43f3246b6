// A real `eddy server` process with a running CSAS and CTAS, killed with SIGKILL while
// records flow in and restarted on the same data directory: the streams, tables and queries
// come back, every input record reaches the output topic (at-least-once: duplicates
// allowed, none missing), and the materialized table holds the latest value of every key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');

interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--no-broker'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}${err}`)), 30000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited });
      }
    });
    child.on('exit', () => reject(new Error(`server exited before listening:\n${out}${err}`)));
  });
}

async function ksql(url: string, sql: string, properties: Record<string, unknown> = {}): Promise<any[]> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${JSON.stringify(body)}`);
  return body as any[];
}

/** Rows of a pull query (a scan that completes), as column arrays. */
async function pull(url: string, sql: string): Promise<unknown[][]> {
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: {} }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  const items = JSON.parse(text) as any[];
  const error = items.find((i) => i.errorMessage);
  if (error) throw new Error(`${sql} → ${JSON.stringify(error)}`);
  return items.filter((i) => i.row).map((i) => i.row.columns as unknown[]);
}

function inserts(from: number, to: number): string {
  let sql = '';
  for (let id = from; id < to; id++) sql += `INSERT INTO readings (id, v) VALUES (${id}, ${id * 10});\n`;
  return sql;
}

async function waitForOutputs(url: string, expected: Set<number>): Promise<Set<number>> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const seen = new Set((await pull(url, 'SELECT id FROM doubled;')).map((r) => Number(r[0])));
    if ([...expected].every((id) => seen.has(id)) || Date.now() > deadline) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('SIGKILL mid-stream: the restarted server has the same sources and running query, and no input is skipped', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-sigkill-'));
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(dataDir);
    await ksql(server.url, "CREATE STREAM readings (id INT KEY, v INT) WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON', PARTITIONS=2);");
    await ksql(server.url, 'CREATE STREAM doubled AS SELECT id, v * 2 AS v2 FROM readings EMIT CHANGES;', {
      'auto.offset.reset': 'earliest',
      'commit.interval.ms': 50,
    });
    await ksql(server.url, "CREATE TABLE settings (name STRING PRIMARY KEY, value STRING) WITH (KAFKA_TOPIC='settings', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await ksql(server.url, "CREATE TABLE shown AS SELECT name, UCASE(value) AS value FROM settings WHERE name <> 'hidden';", {
      'auto.offset.reset': 'earliest',
      'commit.interval.ms': 50,
    });
    await ksql(server.url, "INSERT INTO settings (name, value) VALUES ('color', 'red'); INSERT INTO settings (name, value) VALUES ('hidden', 'x');");

    // Records flow in batches; once the first ones are processed (and their offsets committed,
    // so the restart resumes from a committed position), the server dies while a batch is on its way.
    let next = 0;
    for (; next < 200; next += 20) await ksql(server.url, inserts(next, next + 20));
    await waitForOutputs(server.url, new Set(Array.from({ length: 200 }, (_, id) => id)));
    await new Promise((r) => setTimeout(r, 200));
    await ksql(server.url, "INSERT INTO settings (name, value) VALUES ('size', 'big');");
    const inFlight = ksql(server.url, inserts(next, next + 200)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 30));
    server.child.kill('SIGKILL');
    assert.equal(await server.exited, 'SIGKILL');
    await inFlight;
    next += 200;

    server = await startServerProcess(dataDir);
    const streams = (await ksql(server.url, 'SHOW STREAMS;'))[0].streams.map((s: { name: string }) => s.name).sort();
    assert.deepEqual(streams, ['DOUBLED', 'KSQL_PROCESSING_LOG', 'READINGS']);
    const tables = (await ksql(server.url, 'SHOW TABLES;'))[0].tables.map((t: { name: string }) => t.name);
    assert.deepEqual(tables.sort(), ['SETTINGS', 'SHOWN']);
    const queries = (await ksql(server.url, 'SHOW QUERIES;'))[0].queries as { id: string; statusCount?: Record<string, number> }[];
    assert.deepEqual(queries.map((q) => q.id).sort(), ['CSAS_DOUBLED_1', 'CTAS_SHOWN_3']);
    for (const q of queries) assert.deepEqual(q.statusCount, { RUNNING: 1 }, `${q.id} is running`);

    // More records after the restart.
    await ksql(server.url, inserts(next, next + 50));
    await ksql(server.url, "INSERT INTO settings (name, value) VALUES ('color', 'blue');");

    const inputs = new Set((await pull(server.url, 'SELECT id FROM readings;')).map((r) => Number(r[0])));
    for (let id = 0; id < 200; id++) assert.ok(inputs.has(id), `input ${id}, acknowledged before the kill, is in the log`);
    for (let id = next; id < next + 50; id++) assert.ok(inputs.has(id), `input ${id}, inserted after the restart, is in the log`);
    const outputs = await waitForOutputs(server.url, inputs);
    const missing = [...inputs].filter((id) => !outputs.has(id));
    assert.deepEqual(missing, [], `inputs without an output (of ${inputs.size} inputs)`);
    const extra = [...outputs].filter((id) => !inputs.has(id));
    assert.deepEqual(extra, [], 'outputs without an input');

    // The materialized table has every key, with the latest value, before and after the kill.
    const expectedTable = [
      ['color', 'BLUE'],
      ['size', 'BIG'],
    ];
    let table: unknown[][] = [];
    for (let i = 0; i < 100; i++) {
      table = (await pull(server.url, 'SELECT name, value FROM shown;')).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      if (JSON.stringify(table) === JSON.stringify(expectedTable)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(table, expectedTable);
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
