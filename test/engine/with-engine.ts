// An engine on a fresh data directory for one test, closed and removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

export async function withEngine(fn: (e: Engine) => Promise<void>, properties: Record<string, unknown> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-engine-'));
  const engine = await Engine.open({ dataDir: dir, properties });
  try {
    await fn(engine);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
