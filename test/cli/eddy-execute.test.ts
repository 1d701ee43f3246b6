// `eddy URL -e` and `eddy URL -f` as a user runs them: a child process against a server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { ScriptedEngine } from '../server/scripted-engine.js';

let engine: ScriptedEngine;
let server: RunningServer;

before(async () => {
  engine = new ScriptedEngine();
  engine.onQuery = (s) =>
    setImmediate(() => {
      s.push({ row: ['a', 1] });
      s.push({ row: ['b', 2] });
      s.finish('Limit Reached');
    });
  server = await startServer(engine, { port: 0, host: '127.0.0.1' });
});
after(() => server.close());

function eddy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', ...args], { timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('eddy -e runs statements and queries, printing tables', async () => {
  const r = await eddy(
    server.url,
    '-e',
    "SET 'auto.offset.reset'='earliest'; CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s'); SELECT * FROM s EMIT CHANGES LIMIT 2;",
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Successfully changed local property 'auto.offset.reset' to 'earliest'/);
  assert.match(r.stdout, /Stream created/);
  assert.match(r.stdout, /\|K +\|V +\|/);
  assert.match(r.stdout, /\|a +\|1 +\|/);
  assert.match(r.stdout, /\|b +\|2 +\|/);
  assert.match(r.stdout, /Limit Reached/);
  const call = engine.executed.at(-1)!;
  assert.deepEqual(call.context.properties, { 'auto.offset.reset': 'earliest' });
});

test('eddy -e exits 1 and prints the error', async () => {
  const r = await eddy(server.url, '-e', 'BOGUS STATEMENT;');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /mismatched input 'BOGUS'/);
});

test('exit codes: 2 for a bad command line, 1 for a failed statement, 0 when all ran', async () => {
  const ok = "CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s');";
  const usage = await eddy(server.url, '-e', ok, '--output', 'BOGUS');
  assert.equal(usage.code, 2, usage.stderr);
  assert.match(usage.stderr, /--output must be TABULAR, VERTICAL or JSON/);
  const failed = await eddy(server.url, '-e', `${ok} BOGUS;`);
  assert.equal(failed.code, 1, failed.stderr);
  const ran = await eddy(server.url, '-e', ok);
  assert.equal(ran.code, 0, ran.stderr);
});

test('eddy -f runs a file with DEFINE variables sent as sessionVariables', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-f-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, "-- a script\nDEFINE topic = 'orders';\nCREATE STREAM o (v INT)\n  WITH (kafka_topic='${topic}');\n");
  const r = await eddy(server.url, '-f', file, '--output', 'JSON');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"@type":"currentStatus"/);
  for (const line of r.stdout.trim().split("\n")) JSON.parse(line);
  const call = engine.executed.at(-1)!;
  assert.deepEqual(call.context.variables, { topic: 'orders' });
  assert.match(call.sql, /kafka_topic='\$\{topic\}'/);
});

test('eddy -f on a missing file fails with a clear message', async () => {
  const r = await eddy(server.url, '-f', '/nonexistent/x.sql');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot read script '\/nonexistent\/x.sql'/);
});

test('eddy --output JSON writes only JSON, one object per line, statuses included', async () => {
  const r = await eddy(
    server.url,
    '--output',
    'JSON',
    '-e',
    "SET 'auto.offset.reset'='earliest'; CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s'); SELECT * FROM s EMIT CHANGES LIMIT 2;",
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(parsed.at(-1), { finalMessage: 'Limit Reached' });
  assert.ok(parsed.some((p) => p.row !== undefined));
  assert.ok(parsed.some((p) => p['@type'] === 'cli_message'));
});
