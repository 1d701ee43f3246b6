// The REST API over TLS, configured as ksqlDB is (`listeners=https://…`, ssl.keystore.*):
// a real `eddy server` child process serves HTTPS/1.1 and HTTP/2 (ALPN h2) on one port,
// curl streams /query-stream over h2, the eddy CLI connects trusting the CA through
// NODE_EXTRA_CA_CERTS, and plain HTTP gets no answer. In process: PKCS12 stores, a refused
// password, a JKS store, and client certificates required by ssl.client.authentication.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import http2 from 'node:http2';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { makeCerts, type TestCerts } from '../broker/security-helpers.js';
import { missingTool } from '../broker/helpers.js';
import { restTlsFromConfig } from '../../src/server/tls.js';
import { startServer } from '../../src/server/server.js';
import { ScriptedEngine } from './scripted-engine.js';

const made = makeCerts();
const why = typeof made === 'string' ? made : undefined;
if (why && process.env.CI === 'true') throw new Error(why);
const skip = why ?? false;
let certs: TestCerts;
let keystore: string;
let child: ChildProcess | undefined;
let url = '';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function httpsGet(target: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const req = https.get(target, { ca: fs.readFileSync(certs.ca), agent: false, ...options }, (res) => {
      const alpn = (res.socket as import('node:tls').TLSSocket).alpnProtocol ?? false;
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, alpn }));
    });
    req.on('error', reject);
  });
}

before(async () => {
  if (why) return;
  certs = made as TestCerts;
  keystore = path.join(certs.dir, 'keystore.pem');
  fs.writeFileSync(keystore, fs.readFileSync(certs.key, 'utf8') + fs.readFileSync(certs.cert, 'utf8'));
  const props = path.join(certs.dir, 'server.properties');
  fs.writeFileSync(props, `listeners=https://127.0.0.1:8088\nssl.keystore.location=${keystore}\n`);
  child = spawn(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--broker-port', '0', '--no-schema-registry', '--data-dir', path.join(certs.dir, 'data'), '--config-file', props], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`eddy server did not start: ${out} ${err}`)), 60_000);
    child!.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child!.on('exit', (code) => reject(new Error(`eddy server exited with ${code}: ${out} ${err}`)));
  });
});

after(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  if (!why) fs.rmSync(certs.dir, { recursive: true, force: true });
});

test('listeners=https:// serves HTTPS/1.1 and HTTP/2 by ALPN on one port, and plain HTTP gets no answer', { skip, timeout: 60_000 }, async () => {
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/, 'the server prints an https url');
  const h1 = await httpsGet(`${url}/info`);
  assert.equal(h1.status, 200);
  assert.match(h1.body, /"KsqlServerInfo"/);

  const session = http2.connect(url, { ca: fs.readFileSync(certs.ca) });
  try {
    assert.equal(await new Promise((r) => session.once('connect', () => r(session.alpnProtocol))), 'h2');
    const status = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': '/info', ':method': 'GET' });
      req.on('response', (h) => resolve(Number(h[':status'])));
      req.on('error', reject);
      req.resume();
      req.end();
    });
    assert.equal(status, 200);
  } finally {
    session.close();
  }

  await assert.rejects(fetch(url.replace('https:', 'http:') + '/info', { signal: AbortSignal.timeout(5000) }), 'cleartext HTTP is not answered on a TLS port');
  await assert.rejects(httpsGet(`${url}/info`, { ca: undefined, rejectUnauthorized: true }), /self-signed|unable to verify|certificate/i, 'an untrusted CA is refused');
});

test('curl --http2 over TLS streams /query-stream rows; the eddy CLI connects trusting the CA', { skip, timeout: 120_000 }, async (t) => {
  const missing = missingTool('curl', ['--version'], 'apt-get install curl');
  if (missing) {
    if (process.env.CI === 'true') assert.fail(missing);
    return t.skip(missing);
  }
  const ksql = (sql: string) =>
    run('curl', ['-sS', '--cacert', certs.ca, '-X', 'POST', `${url}/ksql`, '-H', 'content-type: application/vnd.ksql.v1+json', '-d', JSON.stringify({ ksql: sql, streamsProperties: {} })]);
  const ddl = await ksql("CREATE STREAM tls_s (id INT KEY, v VARCHAR) WITH (kafka_topic='tls_s', partitions=1, value_format='JSON');");
  assert.equal(ddl.code, 0, ddl.stderr);
  assert.match(ddl.stdout, /Stream created/);
  const ins = await ksql("INSERT INTO tls_s (id, v) VALUES (1, 'one'); INSERT INTO tls_s (id, v) VALUES (2, 'two');");
  assert.equal(ins.code, 0, ins.stderr);

  const body = JSON.stringify({ sql: 'SELECT * FROM tls_s EMIT CHANGES LIMIT 2;', properties: { 'auto.offset.reset': 'earliest' } });
  const r = await run('curl', ['-sS', '-N', '--http2', '--cacert', certs.ca, '-w', '\n%{http_version}', '-X', 'POST', `${url}/query-stream`, '-d', body]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.pop(), '2', 'ALPN chose HTTP/2');
  assert.deepEqual(JSON.parse(lines[0]!).columnNames, ['ID', 'V']);
  assert.deepEqual(lines.slice(1).map((l) => JSON.parse(l)), [
    [1, 'one'],
    [2, 'two'],
  ]);

  const cli = await run(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', url, '-e', 'SHOW STREAMS;'], { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca });
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /TLS_S/);
});

test('PKCS12 keystores load with ssl.keystore.password; a wrong password, a JKS store or a missing file say what to fix', { skip }, () => {
  const p12 = path.join(certs.dir, 'keystore.p12');
  const exported = spawnSync('openssl', ['pkcs12', '-export', '-inkey', certs.key, '-in', certs.cert, '-out', p12, '-passout', 'pass:s3cret'], { encoding: 'utf8' });
  assert.equal(exported.status, 0, exported.stderr);
  const https1 = { listeners: 'https://127.0.0.1:8088', 'ssl.keystore.location': p12 };
  const ok = restTlsFromConfig({ ...https1, 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.password': 's3cret' });
  assert.ok(ok?.pfx, 'a PKCS12 store');
  assert.ok(restTlsFromConfig({ ...https1, 'ssl.keystore.password': 's3cret' })?.pfx, 'the type is recognised from the file');
  assert.throws(() => restTlsFromConfig({ ...https1, 'ssl.keystore.password': 'wrong' }), /cannot load the keystore .*keystore\.p12.*ssl\.keystore\.password/);

  const jks = path.join(certs.dir, 'keystore.jks');
  fs.writeFileSync(jks, Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
  assert.throws(() => restTlsFromConfig({ listeners: 'https://0.0.0.0:8088', 'ssl.keystore.location': jks }), /Java KeyStore.*keytool -importkeystore/);
  assert.throws(() => restTlsFromConfig({ listeners: 'https://0.0.0.0:8088' }), /needs ssl\.keystore\.location/);
  assert.throws(() => restTlsFromConfig({ listeners: 'https://0.0.0.0:8088', 'ssl.keystore.location': certs.cert }), /no PEM private key/);
  assert.throws(() => restTlsFromConfig({ listeners: 'https://0.0.0.0:8088', 'ssl.keystore.location': keystore, 'ssl.keystore.type': 'JKS' }), /must be PEM or PKCS12/);
  assert.equal(restTlsFromConfig({ listeners: 'http://0.0.0.0:8088', 'ssl.keystore.location': keystore }), undefined, 'http listeners stay plain');
});

test('ssl.client.authentication=REQUIRED refuses a client without a certificate the truststore signed', { skip, timeout: 60_000 }, async () => {
  const d = certs.dir;
  const mk = (args: string[]) => assert.equal(spawnSync('openssl', args, { encoding: 'utf8' }).status, 0, `openssl ${args.join(' ')}`);
  mk(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=client', '-keyout', path.join(d, 'client.key'), '-out', path.join(d, 'client.csr')]);
  mk(['x509', '-req', '-in', path.join(d, 'client.csr'), '-CA', certs.ca, '-CAkey', path.join(d, 'ca.key'), '-CAcreateserial', '-days', '1', '-out', path.join(d, 'client.pem')]);
  const server = await startServer(new ScriptedEngine(), {
    port: 0,
    config: { listeners: 'https://127.0.0.1:0', 'ssl.keystore.location': keystore, 'ssl.client.authentication': 'REQUIRED', 'ssl.truststore.location': certs.ca },
  });
  try {
    assert.match(server.url, /^https:/);
    await assert.rejects(httpsGet(`${server.url}/info`), 'no client certificate: the handshake fails');
    const withCert = await httpsGet(`${server.url}/info`, { cert: fs.readFileSync(path.join(d, 'client.pem')), key: fs.readFileSync(path.join(d, 'client.key')), ALPNProtocols: ['http/1.1'] } as https.RequestOptions);
    assert.equal(withCert.status, 200);
    assert.equal(withCert.alpn, 'http/1.1');
  } finally {
    await server.close();
  }
});
