// Starts `eddy server` as a child process (the real CLI) on free ports over a fresh data
// directory, for interop tests that must run against what a user runs.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EddyServerProcess {
  child: ChildProcess;
  /** REST url, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Kafka bootstrap address of the embedded broker, e.g. 127.0.0.1:40124 */
  broker: string;
  dataDir: string;
  /** Runs statements on /ksql and returns the entities (throws on an error status). */
  ksql(sql: string, streamsProperties?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  /** Runs a PRINT or a LIMITed SELECT on /query and returns the response text. */
  query(sql: string, streamsProperties?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

export async function startEddyServer(timeoutMs = 60_000): Promise<EddyServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-server-proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--broker-port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a server behind, even when a test times out before its after() hook runs.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const started = await new Promise<{ url: string; broker: string }>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`eddy server did not start within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`)), timeoutMs);
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const broker = /Embedded Kafka broker listening on (\S+)/.exec(out)?.[1];
      if (url && broker) done(undefined, { url, broker });
    };
    const onExit = (code: number | null) => done(new Error(`eddy server exited with ${code} before it started; stdout: ${out} stderr: ${err}`));
    function done(e: Error | undefined, v?: { url: string; broker: string }) {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', onExit);
      if (e) {
        child.kill('SIGKILL');
        reject(e);
      } else resolve(v!);
    }
    child.stdout!.on('data', check);
    child.on('exit', onExit);
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(new URL(path, started.url), {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
    return text;
  };
  return {
    child,
    ...started,
    dataDir,
    ksql: async (sql, streamsProperties = {}) => JSON.parse(await post('/ksql', { ksql: sql, streamsProperties })) as Record<string, unknown>[],
    query: (sql, streamsProperties = {}) => post('/query', { ksql: sql, streamsProperties }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { until } from '../broker/helpers.js';
