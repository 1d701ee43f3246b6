// HTTP basic authentication on a real `eddy server` child: 401 without or with wrong
// credentials on every endpoint, an admin may change the catalog, a read-only user may
// query and SHOW but gets 403 on CREATE and on /inserts-stream. API keys (bearer tokens, or
// basic auth as key id and key) carry the same roles.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashApiKey, hashPassword, newApiKey, parseApiKeys, parseCredentials } from '../../src/server/auth.js';
import { stopChild } from '../broker/helpers.js';

let child: ChildProcess;
let url = '';
let dir = '';
const adminKey = newApiKey();
const readerKey = newApiKey();

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-auth-'));
  const creds = path.join(dir, 'users.txt');
  fs.writeFileSync(creds, `# users\nalice: ${hashPassword('wonderland')}, admin\nbob: ${hashPassword('builder')}, read-only\n`);
  const props = path.join(dir, 'server.properties');
  const keys = path.join(dir, 'api-keys.txt');
  fs.writeFileSync(keys, `ci-admin: ${hashApiKey(adminKey)}, admin\ndash: ${hashApiKey(readerKey)}, read-only\n`);
  fs.writeFileSync(props, `authentication.method=BASIC\nauthentication.realm=EddyTest\nauthentication.credentials.file=${creds}\nauthentication.api.keys.file=${keys}\n`);
  child = spawn(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--broker-port', '0', '--data-dir', path.join(dir, 'data'), '--config-file', props], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const start = Date.now();
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (Date.now() - start > 60_000 || child.exitCode !== null) throw new Error(`eddy server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  url = /listening on (http:\/\/\S+)/.exec(out)![1];
});

after(async () => {
  if (child) await stopChild(child);
  fs.rmSync(dir, { recursive: true, force: true });
});

const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

async function call(pathname: string, auth: string | undefined, body?: unknown): Promise<{ status: number; text: string; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const res = await fetch(new URL(pathname, url), { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

test('no credentials or a wrong password get 401 on every endpoint', { timeout: 60_000 }, async () => {
  for (const [p, body] of [['/info', undefined], ['/ksql', { ksql: 'SHOW STREAMS;' }], ['/query-stream', { sql: 'SELECT 1 FROM x;' }], ['/inserts-stream', { target: 'X' }], ['/close-query', { queryId: 'q' }], ['/healthcheck', undefined]] as const) {
    const none = await call(p, undefined, body);
    assert.equal(none.status, 401, `${p} without credentials`);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm="EddyTest"/);
    assert.equal(JSON.parse(none.text).error_code, 40100);
    assert.equal((await call(p, basic('alice', 'wrong'), body)).status, 401, `${p} with a wrong password`);
  }
  assert.equal((await call('/info', basic('alice', 'wonderland'))).status, 200);
});

test('admin creates and inserts; read-only queries and SHOWs but gets 403 on CREATE and inserts', { timeout: 90_000 }, async () => {
  const admin = basic('alice', 'wonderland');
  const reader = basic('bob', 'builder');
  const created = await call('/ksql', admin, { ksql: "CREATE STREAM auth_s (id INT KEY, v VARCHAR) WITH (kafka_topic='auth_s', partitions=1, value_format='JSON');" });
  assert.equal(created.status, 200, created.text);
  assert.equal((await call('/ksql', admin, { ksql: "INSERT INTO auth_s (id, v) VALUES (1, 'x');" })).status, 200);

  const show = await call('/ksql', reader, { ksql: 'SHOW STREAMS; DESCRIBE auth_s;' });
  assert.equal(show.status, 200, show.text);
  assert.match(show.text, /AUTH_S/);
  const push = await call('/query-stream', reader, { sql: 'SELECT * FROM auth_s EMIT CHANGES LIMIT 1;', properties: { 'auto.offset.reset': 'earliest' } });
  assert.equal(push.status, 200, push.text);
  assert.match(push.text, /\[1,"x"\]/);

  const create = await call('/ksql', reader, { ksql: "CREATE STREAM auth_t (id INT KEY) WITH (kafka_topic='auth_t', partitions=1, value_format='JSON');" });
  assert.equal(create.status, 403, create.text);
  assert.equal(JSON.parse(create.text).error_code, 40300);
  const mixed = await call('/ksql', reader, { ksql: 'SHOW STREAMS; DROP STREAM auth_s;' });
  assert.equal(mixed.status, 403, 'one changing statement forbids the request');
  assert.equal((await call('/inserts-stream', reader, { target: 'AUTH_S' })).status, 403);
  const still = await call('/ksql', admin, { ksql: 'SHOW STREAMS;' });
  assert.match(still.text, /AUTH_S/, 'the read-only requests changed nothing');
});

test('API keys: a read-only key can SELECT and gets 403 on CREATE; a wrong or unknown key gets 401', { timeout: 90_000 }, async () => {
  const admin = `Bearer ${adminKey}`;
  const reader = `Bearer ${readerKey}`;
  assert.equal((await call('/info', 'Bearer eddy_not-a-key')).status, 401);
  assert.equal((await call('/info', basic('dash', adminKey))).status, 401, 'a key under another key id');
  assert.equal((await call('/info', undefined)).status, 401);
  const created = await call('/ksql', admin, { ksql: "CREATE STREAM key_s (id INT KEY, v VARCHAR) WITH (kafka_topic='key_s', partitions=1, value_format='JSON');" });
  assert.equal(created.status, 200, created.text);
  assert.equal((await call('/ksql', basic('ci-admin', adminKey), { ksql: "INSERT INTO key_s (id, v) VALUES (7, 'k');" })).status, 200);
  const push = await call('/query-stream', reader, { sql: 'SELECT * FROM key_s EMIT CHANGES LIMIT 1;', properties: { 'auto.offset.reset': 'earliest' } });
  assert.equal(push.status, 200, push.text);
  assert.match(push.text, /\[7,"k"\]/);
  const create = await call('/ksql', reader, { ksql: "CREATE STREAM key_t (id INT KEY) WITH (kafka_topic='key_t', partitions=1, value_format='JSON');" });
  assert.equal(create.status, 403, create.text);
  assert.equal((await call('/ksql', basic('dash', readerKey), { ksql: 'DROP STREAM key_s;' })).status, 403);
});

function eddyCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', url, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('the eddy CLI logs in with -u/-p, EDDY_PASSWORD or --api-key, and says how when it is refused', { timeout: 120_000 }, async () => {
  const refused = await eddyCli(['-e', 'SHOW STREAMS;']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /HTTP 401 .*--user NAME --password PW/, refused.stderr);
  const basicLogin = await eddyCli(['-u', 'bob', '-p', 'builder', '-e', 'SHOW STREAMS;']);
  assert.equal(basicLogin.code, 0, basicLogin.stderr);
  assert.match(basicLogin.stdout, /Stream Name/i);
  const envLogin = await eddyCli(['--user', 'alice', '-e', 'SHOW TOPICS;'], { EDDY_PASSWORD: 'wonderland' });
  assert.equal(envLogin.code, 0, envLogin.stderr);
  const keyLogin = await eddyCli(['--api-key', readerKey, '-e', "CREATE STREAM cli_t (id INT KEY) WITH (kafka_topic='cli_t', partitions=1, value_format='JSON');"]);
  assert.equal(keyLogin.code, 1, 'a read-only key cannot CREATE');
  assert.match(keyLogin.stderr + keyLogin.stdout, /read-only/);
});

test('a malformed API keys line is refused with its file and line', () => {
  assert.throws(() => parseApiKeys('ci: eddy_plainkey, admin\n', 'keys.txt'), /keys\.txt:1: expected 'key-id: sha256\$<hash>, admin\|read-only'/);
});

test('a malformed credentials line is refused with its file and line', () => {
  assert.throws(() => parseCredentials('alice: plain-text-password, admin\n', 'users.txt'), /users\.txt:1: expected 'user: scrypt\$<salt>\$<hash>, admin\|read-only'/);
});
