// `eddy doctor` in real processes against a real `eddy server` process: all well (exit 0),
// a query failed because its sink topic was deleted (exit 1, the cause and the fix), a
// wrong broker address, no server at all (exit 3), a server that wants credentials, and a
// bad command line (exit 2).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/server/auth.js';
import { eventually, ksql, repoRoot } from './harness.js';

const eddy = [process.execPath, '--import', import.meta.resolve('tsx'), join(repoRoot, 'cli', 'eddy.ts')];

interface ServerProcess {
  child: ChildProcess;
  url: string;
  bootstrap: string;
  registry: string;
  dataDir: string;
}

/** `eddy server` on free ports; resolves once it printed where it listens. */
function startServer(dir: string, extraConfig = ''): Promise<ServerProcess> {
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'server.properties');
  writeFileSync(configFile, extraConfig);
  const child = spawn(eddy[0]!, [...eddy.slice(1), 'server', '--port', '0', '--broker-port', '0', '--schema-registry-port', '0', '--data-dir', dataDir, '--config-file', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`eddy server did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const bootstrap = /bootstrap\.servers=([^)\s]+)\)/.exec(out)?.[1];
      const registry = /ksql\.schema\.registry\.url=(http:\/\/[^)\s]+)\)/.exec(out)?.[1];
      if (url && bootstrap && registry) {
        clearTimeout(timer);
        resolve({ child, url, bootstrap, registry, dataDir });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`eddy server exited with ${code}:\n${out}`)));
  });
}

function stopServer(s: ServerProcess | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

function doctor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(eddy[0]!, [...eddy.slice(1), 'doctor', ...args], { timeout: 60_000, cwd: tmpdir(), env: { ...process.env, EDDY_BOOTSTRAP_SERVERS: undefined, EDDY_SCHEMA_REGISTRY_URL: undefined, EDDY_USER: undefined, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('eddy doctor against an eddy server process', { timeout: 180_000 }, () => {
  let dir: string;
  let server: ServerProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eddy-doctor-'));
    server = await startServer(dir);
  });
  after(async () => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  const all = () => [server.url, '--bootstrap-server', server.bootstrap, '--schema-registry', server.registry, '--data-dir', server.dataDir];

  test('all well: every check passes and the exit code is 0', async () => {
    await ksql(server.url, "CREATE STREAM src (v VARCHAR) WITH (kafka_topic='src', partitions=1, value_format='JSON');");
    await ksql(server.url, 'CREATE STREAM copy AS SELECT * FROM src;');
    const r = await doctor(all());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const c of ['server', 'broker', 'schema registry', 'queries', 'disk', 'kafka clients', 'registry clients', 'local data dir']) {
      assert.match(r.stdout, new RegExp(`^✔ ${c} +\\S`, 'm'), `${c} in:\n${r.stdout}`);
    }
    assert.match(r.stdout, /^✔ connectors +0 connectors, 0 failed/m);
    assert.match(r.stdout, /Nothing is wrong/);
    const json = JSON.parse((await doctor([...all(), '--json'])).stdout) as { healthy: boolean; checks: { component: string }[] };
    assert.equal(json.healthy, true);
  });

  test('a query that failed: exit 1, with the cause from the processing log and the fix', async () => {
    const [created] = (await ksql(server.url, 'CREATE STREAM doomed AS SELECT * FROM src;')) as { commandStatus: { queryId: string } }[];
    const id = created!.commandStatus.queryId;
    const admin = await doctorTopicDelete(server.bootstrap, 'DOOMED');
    assert.equal(admin, true);
    await ksql(server.url, "INSERT INTO src (v) VALUES ('x');");
    await eventually(`${id} in ERROR`, async () => {
      const [q] = (await ksql(server.url, 'SHOW QUERIES;')) as { queries: { id: string; state: string }[] }[];
      return q!.queries.find((x) => x.id === id)?.state === 'ERROR' ? true : undefined;
    });
    const r = await eventually('the cause in the report', async () => {
      const out = await doctor(all());
      return out.stdout.includes("topic 'DOOMED' does not exist") ? out : undefined;
    });
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^✖ query ${id} +${id} is ERROR: topic 'DOOMED' does not exist$`, 'm'));
    assert.match(r.stdout, new RegExp(`fix: .*TERMINATE ${id};`));
    assert.match(r.stdout, /^✖ queries +1 persistent queries running, 1 not running/m);
    assert.match(r.stdout, /^✔ processing log|^! processing log +\d+ records failed/m);
    assert.match(r.stdout, /^\d+ problems?(, \d+ warnings?)?\.$/m);
    await ksql(server.url, `TERMINATE ${id};`);
    assert.equal((await doctor(all())).code, 0);
  });

  test('a broker that does not answer, when named, is a problem', async () => {
    const r = await doctor([server.url, '--bootstrap-server', '127.0.0.1:1', '--schema-registry', server.registry]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^✖ kafka clients +Could not reach a Kafka broker at 127\.0\.0\.1:1/m);
  });
});

/** Deletes a topic over the Kafka protocol, as `eddy topic delete` would. */
async function doctorTopicDelete(bootstrap: string, topic: string): Promise<boolean> {
  const kafkajs = (await import('kafkajs')).default;
  const admin = new kafkajs.Kafka({ clientId: 'doctor-test', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
    return true;
  } finally {
    await admin.disconnect();
  }
}

test('eddy doctor with no server: exit 3 (unreachable) and how to start one', async () => {
  const r = await doctor(['http://127.0.0.1:9', '--bootstrap-server', '127.0.0.1:9', '--schema-registry', 'http://127.0.0.1:9']);
  assert.equal(r.code, 3);
  assert.match(r.stdout, /^✖ server +No Eddy server answers at http:\/\/127\.0\.0\.1:9/m);
  assert.match(r.stdout, /fix: Start one with 'eddy server'/);
});

test('eddy doctor against a server with authentication: credentials asked for, then used', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-doctor-auth-'));
  const creds = join(dir, 'users');
  writeFileSync(creds, `carol: ${hashPassword('c-pw')}, read-only\n`);
  const server = await startServer(dir, `authentication.method=BASIC\nauthentication.credentials.file=${creds}\n`);
  try {
    const without = await doctor([server.url, '-b', server.bootstrap, '--schema-registry', server.registry]);
    assert.equal(without.code, 1);
    assert.match(without.stdout, /wants credentials.*\n.*fix: Pass --user user:password/);
    const withUser = await doctor([server.url, '-b', server.bootstrap, '--schema-registry', server.registry], { EDDY_USER: 'carol:c-pw' });
    assert.equal(withUser.code, 0, withUser.stdout);
    assert.match(withUser.stdout, /^✔ server /m);
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('eddy doctor with an unknown flag: exit 2 and the usage', async () => {
  const r = await doctor(['--frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: eddy doctor/);
});
