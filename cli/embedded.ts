// Starting an Engine and the REST server inside this process, for `eddy server` and for the
// REPL's embedded mode.

import type { EngineApi } from '../src/engine/api.js';
import { startServer, type RunningServer } from '../src/server/server.js';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  host: string;
  config: Record<string, unknown>;
}

export interface EmbeddedServer {
  engine: EngineApi;
  server: RunningServer;
  close(): Promise<void>;
}

// Loaded by path at run time so this file type-checks while the engine module is being built.
const ENGINE_MODULE = '../src/engine/engine.js';

async function openEngine(dataDir: string, properties: Record<string, unknown>): Promise<EngineApi> {
  let mod: { Engine?: { open(o: { dataDir: string; properties: Record<string, unknown> }): Promise<EngineApi> } };
  try {
    mod = (await import(ENGINE_MODULE)) as typeof mod;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error('This build of Eddy has no engine yet (src/engine/engine.ts is missing), so no server can start.');
    }
    throw err;
  }
  if (!mod.Engine) throw new Error('src/engine/engine.ts does not export Engine.');
  return mod.Engine.open({ dataDir, properties });
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const engine = await openEngine(options.dataDir, options.config);
  let server: RunningServer;
  try {
    server = await startServer(engine, { port: options.port, host: options.host, config: options.config });
  } catch (err) {
    await engine.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    engine,
    server,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await engine.close();
      })()),
  };
}
