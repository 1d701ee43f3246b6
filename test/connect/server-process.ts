// A real `eddy server` process for end-to-end connector tests, and the REST calls they make.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
  output: () => string;
}

export function startServerProcess(dataDir: string, args: string[] = ['--no-broker']): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited, output: () => out + err });
      }
    });
    child.on('exit', () => reject(new Error(`server exited before listening:\n${out}${err}`)));
  });
}

export async function ksql(url: string, sql: string, properties: Record<string, unknown> = {}): Promise<any[]> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  return JSON.parse(text) as any[];
}

/** Rows of a pull query or a stream scan, as column arrays. */
export async function pull(url: string, sql: string): Promise<unknown[][]> {
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: {} }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  const items = JSON.parse(text) as any[];
  const error = items.find((i) => i.errorMessage);
  if (error) throw new Error(`${sql} → ${JSON.stringify(error)}`);
  return items.filter((i) => i.row).map((i) => i.row.columns as unknown[]);
}
