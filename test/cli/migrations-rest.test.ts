// The migrations tool's REST transport: basic auth, --headers, and TLS with a PEM trust store
// against a real HTTPS listener on 127.0.0.1 (a self-signed certificate made with openssl).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { RestClient } from '../../cli/migrations/rest.js';

const noOpenssl = spawnSync('openssl', ['version']).status === 0 ? undefined : 'openssl is not installed (apt-get install openssl)';
if (noOpenssl && process.env.CI === 'true') throw new Error(noOpenssl);

let dir: string;
let server: Server;
let url: string;
const seen: Record<string, string | undefined>[] = [];

before(async () => {
  if (noOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'eddy-migrations-tls-'));
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  assert.equal(made.status, 0, String(made.stderr));
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    seen.push({ authorization: req.headers.authorization, tenant: req.headers['x-tenant'] as string | undefined });
    if (req.headers.authorization !== 'Basic ' + Buffer.from('alice:s3cret').toString('base64')) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Unauthorized' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ KsqlServerInfo: { version: '7.5.0', ksqlServiceId: 'tls_' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  if (noOpenssl) return;
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('basic auth, custom headers and a PEM trust store reach an HTTPS server', { skip: noOpenssl }, async () => {
  const client = new RestClient({ url, username: 'alice', password: 's3cret', trustStore: join(dir, 'cert.pem'), headers: { 'X-Tenant': 'shop' } });
  assert.deepEqual(await client.serverInfo(), { version: '7.5.0', kafkaClusterId: undefined, ksqlServiceId: 'tls_' });
  assert.deepEqual(seen.at(-1), { authorization: 'Basic ' + Buffer.from('alice:s3cret').toString('base64'), tenant: 'shop' });
});

test('a wrong password, and an untrusted certificate, fail with the reason', { skip: noOpenssl }, async () => {
  await assert.rejects(new RestClient({ url, username: 'alice', password: 'nope', trustStore: join(dir, 'cert.pem') }).serverInfo(), /Failed to query https:\/\/127\.0\.0\.1:\d+\/info: Unauthorized/);
  await assert.rejects(new RestClient({ url, username: 'alice', password: 's3cret' }).serverInfo(), /Failed to query .*\/info: Could not connect to https:\/\/127\.0\.0\.1:\d+: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);
});
