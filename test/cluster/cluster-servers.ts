// Several `eddy server` processes (the real CLI) of one Eddy cluster on the real Kafka
// cluster of scripts/kafka-cluster: each on its own loopback port (its advertised listener,
// for forwarded pull queries) and its own data directory, which a restart keeps.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ClusterServer {
  name: string;
  url: string;
  dataDir: string;
  child: ChildProcess | null;
  output: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Defines a server (port, data directory, configuration) without starting it. */
export async function defineServer(root: string, name: string, config: Record<string, string>): Promise<ClusterServer> {
  const port = await freePort();
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  const props = { ...config, 'eddy.cluster.enabled': 'true', 'ksql.advertised.listener': url, listeners: url };
  writeFileSync(join(dataDir, 'server.properties'), Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n'));
  return { name, url, dataDir, child: null, output: '' };
}

/** Starts (or restarts) the server; resolves once it listens. */
export async function startServer(s: ClusterServer, timeoutMs = 90_000): Promise<void> {
  const port = new URL(s.url).port;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/eddy.ts', 'server', '--no-broker', '--no-schema-registry', '--port', port, '--host', '127.0.0.1', '--data-dir', join(s.dataDir, 'data'), '--config-file', join(s.dataDir, 'server.properties')],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDDY_CLUSTER_DEBUG: '1' } },
  );
  s.child = child;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.stdout!.on('data', (d) => (s.output = (s.output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (s.output = (s.output + d).slice(-20_000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${s.name} did not start: ${s.output}`)), timeoutMs);
    const check = () => {
      if (/listening on http/.test(s.output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${s.name} exited with ${code}: ${s.output}`));
    });
  });
}

export async function killServer(s: ClusterServer, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const child = s.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
  s.child = null;
}

async function post(url: string, path: string, body: unknown, timeoutMs = 60_000): Promise<string> {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
  return text;
}

export async function ksql(s: ClusterServer, sql: string, streamsProperties: Record<string, unknown> = {}): Promise<Record<string, any>[]> {
  return JSON.parse(await post(s.url, '/ksql', { ksql: sql, streamsProperties })) as Record<string, any>[];
}

/** Rows of a pull query; rejects with the error message the server sent. */
export async function pull(s: ClusterServer, sql: string, streamsProperties: Record<string, unknown> = {}): Promise<unknown[][]> {
  const items = JSON.parse(await post(s.url, '/query', { ksql: sql, streamsProperties }, 20_000)) as Record<string, any>[];
  const error = items.find((i) => i.errorMessage);
  if (error) throw new Error(String(error.errorMessage.message));
  return items.filter((i) => i.row).map((i) => i.row.columns as unknown[]);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Probes until done; fails with the last value seen. */
export async function eventually<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch((e: Error) => e);
    if (!(v instanceof Error) && done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last seen ${v instanceof Error ? v.message : JSON.stringify(v)}`);
    await sleep(250);
  }
}
