// The REST calls end-to-end tests make against a running server, and a server for a test file.
import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { startServer, type RunningServer } from '../../src/server/server.js';

/** POST /ksql; resolves with the entities, rejects with the status and body on any other status. */
export async function ksql(url: string, sql: string, properties: Record<string, unknown> = {}): Promise<unknown[]> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  return JSON.parse(text) as unknown[];
}

/**
 * A REST server on 127.0.0.1 over a real engine on a fresh data directory, started before the
 * file's tests and closed after them; read `url` and `engine` inside the tests.
 */
export function serverForFile(): { readonly url: string; readonly engine: Engine } {
  let dataDir: string;
  let engine: Engine;
  let server: RunningServer;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'eddy-rest-'));
    engine = await Engine.open({ dataDir });
    server = await startServer(engine, { port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await server.close();
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get url() {
      return server.url;
    },
    get engine() {
      return engine;
    },
  };
}
