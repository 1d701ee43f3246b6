// `eddy server` (or another Node script) as a child process on free ports, for the benches
// that measure a real server from outside: pull (load from a separate process) and restart.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..');

export interface Child {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the child's stdout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export function startChild(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.off('exit', killOnExit));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    output: () => out,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const check = () => {
          const m = pattern.exec(out);
          if (m) done(undefined, m);
        };
        const onExit = () => done(new Error(`child exited before ${pattern}:\n${out}`));
        const done = (err?: Error, m?: RegExpExecArray) => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          child.off('exit', onExit);
          if (err) reject(err);
          else resolve(m!);
        };
        child.stdout!.on('data', check);
        child.once('exit', onExit);
        check();
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** `eddy server` on free ports over `dataDir`; `entry` is cli/eddy.ts (through tsx) or dist/cli/eddy.js. */
export function eddyServerArgs(dataDir: string, entry: 'tsx' | 'dist' = 'tsx'): string[] {
  const main = entry === 'tsx' ? ['--import', 'tsx', 'cli/eddy.ts'] : ['dist/cli/eddy.js'];
  return [...main, 'server', '--port', '0', '--broker-port', '0', '--schema-registry-port', '0', '--host', '127.0.0.1', '--data-dir', dataDir];
}

export async function startEddy(dataDir: string, entry: 'tsx' | 'dist' = 'tsx'): Promise<{ proc: Child; url: string; broker: string }> {
  const proc = startChild(eddyServerArgs(dataDir, entry));
  const m = await proc.waitFor(/listening on (http:\/\/\S+)/);
  const b = await proc.waitFor(/bootstrap\.servers=([^)\s]+)\)/);
  return { proc, url: m[1]!, broker: b[1]! };
}

export async function post(url: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  return { status: res.status, text: await res.text() };
}

export async function ksql(url: string, sql: string, properties: Record<string, unknown> = {}): Promise<void> {
  const r = await post(url, '/ksql', { ksql: sql, streamsProperties: properties });
  if (r.status !== 200) throw new Error(`${sql} answered ${r.status}: ${r.text}`);
}

/** The rows of a pull query (column arrays). */
export async function pullRows(url: string, sql: string): Promise<unknown[][]> {
  const r = await post(url, '/query', { ksql: sql, streamsProperties: {} });
  if (r.status !== 200) throw new Error(`${sql} answered ${r.status}: ${r.text}`);
  return (JSON.parse(r.text) as { row?: { columns: unknown[] } }[]).filter((e) => e.row).map((e) => e.row!.columns);
}

/** Produces `count` JSON rows {V, NAME} keyed k<i> to `topic` through the embedded broker. */
export async function produceRows(broker: string, topic: string, count: number): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'eddy-bench', brokers: [broker], logLevel: logLevel.NOTHING });
  // One request in flight keeps the batches in order: the last key arrives last.
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const batch = 5000;
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < count; i += batch) {
      const messages = [];
      for (let j = i; j < Math.min(count, i + batch); j++) messages.push({ key: `k${j}`, value: `{"V":${j},"NAME":"name-${j}"}` });
      inFlight.push(producer.send({ topic, messages, acks: 1 }));
      if (inFlight.length >= 4) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
}

/** Median and spread (min, max) of some figures. */
export function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]! };
}
