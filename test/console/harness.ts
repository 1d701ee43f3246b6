// What the console's tests share: an Eddy server in this process with its broker and
// registry, REST and Kafka-protocol helpers, the built console, and headless Chromium
// (Debian's package, driven by playwright-core) with a folder for its screenshots.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.EDDY_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots the browser tests take, kept by CI as artefacts. */
export const ARTIFACTS = join(repoRoot, 'test-artifacts', 'console');

/** false when the browser tests can run; else why not (a skip outside CI, a failure under CI=true). */
export function browserMissing(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const why = `headless Chromium not found at ${CHROMIUM}: install Debian's package (apt-get update && apt-get install -y chromium) or set EDDY_CHROMIUM`;
  if (process.env.CI === 'true') throw new Error(why);
  return why;
}

/** Builds the console when this checkout has not (npm install builds it). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(repoRoot, 'dist', 'console', 'index.html'))) return;
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build-console.mjs')], { stdio: 'inherit' });
}

export interface TestServer {
  embedded: EmbeddedServer;
  url: string;
  bootstrap: string;
  close(): Promise<void>;
}

export async function startTestServer(config: Record<string, unknown> = {}): Promise<TestServer> {
  ensureConsoleBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-console-'));
  const embedded = await startEmbedded({
    dataDir: join(dir, 'data'),
    port: 0,
    host: '127.0.0.1',
    config: { 'eddy.console.sample.interval.ms': 500, ...config },
    brokerPort: 0,
    schemaRegistryPort: 0,
  });
  return {
    embedded,
    url: embedded.server.url,
    bootstrap: embedded.broker!.address,
    close: async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function ksql(url: string, sql: string, auth?: string): Promise<unknown[]> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) },
    body: JSON.stringify({ ksql: sql, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  return JSON.parse(text) as unknown[];
}

/** Produces records over the Kafka protocol to the embedded broker, as an application would. */
export async function produce(bootstrap: string, topic: string, messages: { key?: string; value: string; headers?: Record<string, string> }[]): Promise<void> {
  const kafka = new kafkajs.Kafka({ clientId: 'console-test', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name}.png`);
}

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms${last ? ` (${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
