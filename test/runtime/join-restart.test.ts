// Issue 16's example across a SIGKILL: a real `eddy server` (with its broker, written to
// with kcat when installed) runs the stream-table join of 5,000 users and 15,000 clicks;
// the server is killed while clicks flow in and restarted on the same data directory. The
// table side comes back from the join's state store, so every click, before and after the
// kill, comes out joined with its user (at-least-once: duplicates allowed, none missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import { CLICKS_DDL, ENRICHED_CSAS, USERS_DDL, clickLines, kcatInstalled, readTopic, summarize, userLines, waitFor, write } from '../log/join-example.js';
import { ksql } from '../server/rest.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const USERS = 5000;
const CLICKS = 15_000;
const CHUNK = 1500;

interface ServerProcess {
  child: ChildProcess;
  url: string;
  bootstrap: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--broker-port', '0'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out);
      const broker = /bootstrap\.servers=([^)\s]+)/.exec(out);
      if (url && broker) {
        clearTimeout(timer);
        resolve({ child, url: url[1]!, bootstrap: broker[1]!, exited });
      }
    });
    child.on('exit', () => reject(new Error(`server exited before listening:\n${out}${err}`)));
  });
}

/** The data directory's log, opened while no server runs. */
async function withLog<T>(dataDir: string, fn: (log: EmbeddedLog) => Promise<T>): Promise<T> {
  const log = await EmbeddedLog.open(dataDir, { maintenanceIntervalMs: 0 });
  try {
    return await fn(log);
  } finally {
    await log.close();
  }
}

const skip = !kcatInstalled && process.env.CI !== 'true' ? 'kcat is not installed; install it with: apt-get install kcat' : false;

test('SIGKILL in the middle of the clicks: after the restart every click is joined with its user', { timeout: 300_000, skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-join-sigkill-'));
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(dataDir);
    await ksql(server.url, USERS_DDL);
    await ksql(server.url, CLICKS_DDL);
    // Only kcat can write to the server's broker from outside its process.
    const unused = {
      produce: async () => {
        throw new Error('kcat is not installed; install it with: apt-get install kcat');
      },
    } as never;
    await write('users', userLines(USERS), true, server.bootstrap, unused);
    await write('clicks', clickLines(0, CHUNK, USERS), false, server.bootstrap, unused);
    await ksql(server.url, ENRICHED_CSAS, { 'auto.offset.reset': 'earliest', 'commit.interval.ms': 50 });
    let next = CHUNK;
    for (; next < CLICKS / 2; next += CHUNK) await write('clicks', clickLines(next, next + CHUNK, USERS), false, server.bootstrap, unused);
    server.child.kill('SIGKILL');
    assert.equal(await server.exited, 'SIGKILL');

    const atKill = await withLog(dataDir, async (log) => ({
      clicks: (await readTopic(log, 'clicks')).length,
      enriched: summarize(await readTopic(log, 'ENRICHED'), USERS),
    }));
    assert.equal(atKill.clicks, next, 'every acknowledged click is in the log');
    console.log(`at the kill: ${atKill.clicks} clicks in, ${atKill.enriched.records} enriched out`);

    server = await startServerProcess(dataDir);
    for (; next < CLICKS; next += CHUNK) await write('clicks', clickLines(next, next + CHUNK, USERS), false, server.bootstrap, unused);
    await waitFor(
      'every click reaches ENRICHED after the restart',
      async () => {
        const res = await fetch(`${server!.url}/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ksql: 'SELECT page FROM enriched;', streamsProperties: {} }),
        });
        const items = (await res.json()) as { row?: { columns: unknown[] } }[];
        return new Set(items.filter((i) => i.row).map((i) => i.row!.columns[0])).size;
      },
      (n) => n >= CLICKS,
    );
    server.child.kill('SIGKILL');
    await server.exited;
    server = undefined;
    const final = await withLog(dataDir, async (log) => summarize(await readTopic(log, 'ENRICHED'), USERS));
    console.log(`after the restart: ${final.records} records for ${final.pages} distinct clicks, ${final.wrong} with a wrong country`);
    assert.equal(final.pages, CLICKS, 'every click is joined');
    assert.equal(final.wrong, 0, 'every click has its own user country');
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
