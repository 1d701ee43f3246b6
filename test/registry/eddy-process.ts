// `eddy server` as a child process with its embedded broker and schema registry on free
// ports, for the registry's end-to-end tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');

export interface EddyProcess {
  child: ChildProcess;
  url: string;
  broker?: string;
  /** The embedded registry's URL, when it serves one. */
  registry?: string;
  stdout(): string;
  ksql(sql: string, properties?: Record<string, unknown>): Promise<any[]>;
  /** A push query with LIMIT, or a pull query: the response rows as column arrays. */
  rows(sql: string): Promise<unknown[][]>;
  /** The text /query answers (PRINT). */
  queryText(sql: string): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startEddy(dataDir: string, properties: Record<string, string> = {}, timeoutMs = 60_000): Promise<EddyProcess> {
  const configFile = join(dataDir, '..', `${dataDir.split('/').pop()}.properties`);
  writeFileSync(configFile, Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--broker-port', '0', '--schema-registry-port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--config-file', configFile],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.off('exit', killOnExit));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eddy server did not start within ${timeoutMs} ms:\n${out}${err}`));
    }, timeoutMs);
    const check = () => {
      if (/listening on http/.test(out) && /(Schema Registry listening on|No embedded schema registry)/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`eddy server exited before it started:\n${out}${err}`)));
  });
  const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
    return text;
  };
  return {
    child,
    url,
    broker: /Embedded Kafka broker listening on (\S+)/.exec(out)?.[1],
    registry: /Embedded Schema Registry listening on (\S+)/.exec(out)?.[1],
    stdout: () => out + err,
    ksql: async (sql, props = {}) => JSON.parse(await post('/ksql', { ksql: sql, streamsProperties: props })) as any[],
    rows: async (sql) => {
      const text = await post('/query', { ksql: sql, streamsProperties: { 'auto.offset.reset': 'earliest' } });
      const parsed = JSON.parse(text) as { row?: { columns: unknown[] } }[];
      return parsed.filter((e) => e.row).map((e) => e.row!.columns);
    },
    queryText: (sql) => post('/query', { ksql: sql, streamsProperties: {} }),
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

export async function registryGet(registry: string, path: string, auth?: string): Promise<any> {
  const res = await fetch(registry + path, { headers: auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

export async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
