// `eddy server` as a child process (the real CLI) on an external Kafka cluster, with the
// server configuration in a properties file, for the tests that run Eddy against real Kafka.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EddyOnCluster {
  child: ChildProcess;
  url: string;
  /** Runs statements on /ksql and returns the entities (throws on an error status). */
  ksql(sql: string, streamsProperties?: Record<string, unknown>): Promise<Record<string, any>[]>;
  /** Rows of a pull query or a LIMITed push query. */
  rows(sql: string, streamsProperties?: Record<string, unknown>): Promise<unknown[][]>;
  stop(): Promise<void>;
}

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

function propertiesText(config: Record<string, string>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** Starts the server; resolves when it listens, or with how it exited when it stops first. */
export async function startEddyOnCluster(config: Record<string, string>, timeoutMs = 90_000): Promise<EddyOnCluster | Exited> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-on-cluster-'));
  const configFile = join(dir, 'server.properties');
  writeFileSync(configFile, propertiesText(config));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/eddy.ts', 'server', '--no-broker', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(dir, 'data'), '--config-file', configFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const cleanup = () => {
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  const started = await new Promise<string | Exited>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eddy server did not start within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  if (typeof started !== 'string') {
    cleanup();
    return started;
  }
  const url = started;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(new URL(path, url), {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
    return text;
  };
  return {
    child,
    url,
    ksql: async (sql, streamsProperties = {}) => JSON.parse(await post('/ksql', { ksql: sql, streamsProperties })) as Record<string, any>[],
    rows: async (sql, streamsProperties = {}) => {
      const items = JSON.parse(await post('/query', { ksql: sql, streamsProperties })) as Record<string, any>[];
      const error = items.find((i) => i.errorMessage);
      if (error) throw new Error(`${sql} → ${JSON.stringify(error)}`);
      return items.filter((i) => i.row).map((i) => i.row.columns as unknown[]);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}

export function isRunning(s: EddyOnCluster | Exited): s is EddyOnCluster {
  return 'url' in s;
}

/** Probes until done (a query may still be starting); fails with the last value seen. */
export async function eventually<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch((e: Error) => e);
    if (!(v instanceof Error) && done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last seen ${v instanceof Error ? v.message : JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A name no earlier run on the same cluster used. */
export function unique(base: string): string {
  return `${base}_${process.pid}_${Date.now().toString(36)}`;
}
