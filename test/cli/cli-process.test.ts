// The `eddy` command as scripts and supervisors see it: an unreachable url is an error
// (and leaves no data dir behind), a closed pipe ends a command quietly with exit 0, and a
// SIGTERM to the npm process of `npm exec … eddy server` stops the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { PtySession, hasScriptTool } from './pty.js';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded } from '../../cli/embedded.js';
import type { EmbeddedLog } from '../../src/log/embedded/index.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const eddyCli = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'cli', 'eddy.ts')}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function sh(command: string, cwd: string, timeout = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, timeout, env: { ...process.env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const portFree = async (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

test('an explicit url that does not answer is an error and creates no data dir', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'eddy-unreachable-'));
  try {
    const port = await freePort();
    const r = await sh(`${eddyCli} -e 'SHOW STREAMS;' http://127.0.0.1:${port}`, cwd);
    assert.equal(r.code, 3, `exit code 3 says the server was unreachable: ${r.stdout}`);
    assert.match(r.stderr, new RegExp(`Could not reach the server at http://127.0.0.1:${port}`));
    assert.match(r.stderr, /--embedded/);
    assert.deepEqual(readdirSync(cwd), [], 'nothing was created in the current folder');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('eddy topic consume … | head -1 exits 0 with nothing on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-epipe-'));
  const server = await startEmbedded({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', config: {}, brokerPort: 0 });
  try {
    const log = (server.engine as unknown as { log: EmbeddedLog }).log;
    await log.createTopic('many', { partitions: 1 });
    const records = Array.from({ length: 20000 }, (_, i) => ({ key: null, value: Buffer.from(`line ${i} ${'x'.repeat(60)}`) }));
    await log.produce('many', records);
    const r = await sh(`set -o pipefail; ${eddyCli} topic consume many --from-beginning --exit -b ${server.broker!.address} | head -1`, dir);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^line 0 x+\n$/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('eddy topic produce of a large file shows its progress on a terminal', { skip: !hasScriptTool() && 'needs util-linux script (apt-get install bsdutils)', timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-produce-progress-'));
  const server = await startEmbedded({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', config: {}, brokerPort: 0 });
  try {
    const log = (server.engine as unknown as { log: EmbeddedLog }).log;
    await log.createTopic('bulk', { partitions: 1 });
    const file = join(dir, 'bulk.txt');
    writeFileSync(file, Array.from({ length: 60_000 }, (_, i) => `record ${i} ${'y'.repeat(40)}`).join('\n') + '\n');
    const pty = new PtySession(`${eddyCli} topic produce bulk --file ${file} -b ${server.broker!.address}`, {}, dir, 80, 24);
    try {
      const shown = await pty.waitFor(/Produced 60000 records to topic 'bulk'/, 0, 90_000);
      assert.match(shown, /Produced [\d,]+ records, \d+% of the file \([\d,]+ records\/s\)/);
      assert.equal(await pty.exited, 0);
    } finally {
      pty.kill();
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM to the npm process of `npm exec … eddy server` frees the ports within 5 s', { timeout: 120_000 }, async () => {
  const npm = await sh('npm --version', repoRoot);
  if (npm.code !== 0) {
    assert.ok(process.env.CI !== 'true', 'npm is missing');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'eddy-npm-sigterm-'));
  const [port, brokerPort] = [await freePort(), await freePort()];
  // `npm exec -c` runs the command the way `npx eddy server` runs the bin: npm → sh → node.
  const npmProcess = spawn('npm', ['exec', '-c', `${eddyCli} server --host 127.0.0.1 --port ${port} --broker-port ${brokerPort} --data-dir ${join(dir, 'data')}`], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npmProcess.stdout!.on('data', (d) => (out += d));
  npmProcess.stderr!.on('data', (d) => (out += d));
  try {
    for (let i = 0; i < 600 && !/Embedded Kafka broker listening/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /listening on http:\/\/127\.0\.0\.1/);
    assert.equal(await portFree(port), false);
    const sent = Date.now();
    npmProcess.kill('SIGTERM');
    let freed = false;
    while (Date.now() - sent < 5000 && !freed) {
      freed = (await portFree(port)) && (await portFree(brokerPort));
      if (!freed) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(freed, `the server's ports were still taken 5 s after SIGTERM; output: ${out}`);
    process.stdout.write(`# ports freed ${Date.now() - sent} ms after SIGTERM to npm\n`);
  } finally {
    npmProcess.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

