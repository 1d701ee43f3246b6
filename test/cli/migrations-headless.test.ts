// Headless mode as a user runs it: `eddy server` with ksql.queries.file runs the file at start
// (and again on every start) and has no statement endpoints; ksqlDB's messages on bad files.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'eddy-headless-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  url?: string;
  out: string;
  code?: number | null;
  stop(): Promise<void>;
}

/** Starts `eddy server`; resolves once it listens, or with its output once it exits. */
function server(dataDir: string, configFile?: string): Promise<Run> {
  const args = ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--no-broker', '--host', '127.0.0.1', '--data-dir', dataDir, ...(configFile ? ['--config-file', configFile] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let out = '';
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    process.off('exit', kill);
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ out: out + '\n(timed out)', stop }), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url && /\n/.test(out.slice(out.indexOf(url)))) {
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ url, out, stop });
        }, 200);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ out, code, stop });
    });
  });
}

const post = async (url: string, path: string, ksql: string) => {
  const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/vnd.ksql.v1+json' }, body: JSON.stringify({ ksql, streamsProperties: {} }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('headless: the queries file runs at every start and the statement endpoints are gone', { timeout: 180_000 }, async () => {
  const sql = file('pipeline.sql', "SET 'auto.offset.reset' = 'earliest';\nCREATE STREAM hs (id STRING KEY, v INT) WITH (kafka_topic='hs', value_format='JSON', partitions=1);\nCREATE STREAM hs_big AS SELECT * FROM hs WHERE v > 1;\n");
  const config = file('headless.properties', `ksql.queries.file=${sql}\n`);
  const data = join(dir, 'data');
  for (let start = 0; start < 2; start++) {
    const s = await server(data, config);
    try {
      assert.ok(s.url, s.out);
      assert.match(s.out, new RegExp(`Server \\S+ started with query file ${sql.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}. Interactive mode is disabled.`));
      for (const path of ['/ksql', '/query', '/query-stream']) {
        const r = await post(s.url!, path, 'SHOW STREAMS;');
        assert.equal(r.status, 404, path);
        assert.match(String(r.body.message), /Interactive mode is disabled/);
      }
      assert.equal((await fetch(new URL('/info', s.url))).status, 200);
    } finally {
      await s.stop();
    }
  }
  // Without the file the same data dir shows what the file made.
  const s = await server(data);
  try {
    const r = await post(s.url!, '/ksql', 'SHOW QUERIES;');
    const queries = (r.body as unknown as { queries: { queryString: string }[] }[])[0]!.queries;
    assert.deepEqual(queries.map((q) => q.queryString), ['CREATE STREAM hs_big AS SELECT * FROM hs WHERE v > 1;']);
  } finally {
    await s.stop();
  }
});

test('headless: ksqlDB refuses files with other statements or without a persistent query', { timeout: 120_000 }, async () => {
  const select = file('select.sql', "CREATE STREAM q (id STRING KEY, v INT) WITH (kafka_topic='q', value_format='JSON', partitions=1);\nSELECT * FROM q EMIT CHANGES;\n");
  const r1 = await server(join(dir, 'd1'), file('c1.properties', `ksql.queries.file=${select}\n`));
  await r1.stop();
  assert.equal(r1.code, 1, r1.out);
  assert.match(
    r1.out,
    /Unsupported statement. Only the following statements are supporting in standalone mode:\nCREAETE STREAM AS SELECT\nCREATE STREAM\nCREATE TABLE\nCREATE TABLE AS SELECT\nINSERT INTO\nREGISTER TYPE\nSET\nUNSET\nStatement: SELECT \* FROM q EMIT CHANGES; \(line 2:1\)/,
  );
  const ddl = file('ddl.sql', "CREATE STREAM q (id STRING KEY, v INT) WITH (kafka_topic='q', value_format='JSON', partitions=1);\n");
  const r2 = await server(join(dir, 'd2'), file('c2.properties', `ksql.queries.file=${ddl}\n`));
  await r2.stop();
  assert.equal(r2.code, 1, r2.out);
  assert.match(r2.out, /The SQL file does not contain any persistent queries. i.e. it contains no 'INSERT INTO', 'CREATE TABLE x AS SELECT' or 'CREATE STREAM x AS SELECT' style statements./);
  const r3 = await server(join(dir, 'd3'), file('c3.properties', `ksql.queries.file=${join(dir, 'missing.sql')}\n`));
  await r3.stop();
  assert.equal(r3.code, 1);
  assert.match(r3.out, /Could not read the query file: .*missing.sql. Details: /);
});
