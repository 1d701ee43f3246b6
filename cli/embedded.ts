// Starting an Engine, the REST server and (optionally) the embedded Kafka broker inside
// this process, for `eddy server` and for the REPL's embedded mode.

import type { EngineApi } from '../src/engine/api.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { startBroker, type Broker } from '../src/broker/index.js';
import { parseAdvertisedListeners } from '../src/broker/listeners.js';
import { EmbeddedLog } from '../src/log/embedded/index.js';
import type { GroupMembership } from '../src/engine/consumer-groups.js';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  host: string;
  config: Record<string, unknown>;
  /** Port of the Kafka-protocol broker over the engine's embedded log; null for none. */
  brokerPort?: number | null;
}

export interface EmbeddedServer {
  engine: EngineApi;
  server: RunningServer;
  /** Present when a broker was asked for and the engine runs on the embedded log. */
  broker?: Broker;
  /** Why no broker runs although one was asked for. */
  brokerNote?: string;
  close(): Promise<void>;
}

// Loaded by path at run time so this file type-checks while the engine module is being built.
const ENGINE_MODULE = '../src/engine/engine.js';

type OpenedEngine = EngineApi & { log?: unknown; groupMembership?: GroupMembership };

async function openEngine(dataDir: string, properties: Record<string, unknown>): Promise<OpenedEngine> {
  let mod: { Engine?: { open(o: { dataDir: string; properties: Record<string, unknown> }): Promise<OpenedEngine> } };
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
  let server: RunningServer | undefined;
  let broker: Broker | undefined;
  let brokerNote: string | undefined;
  try {
    server = await startServer(engine, { port: options.port, host: options.host, config: options.config });
    if (options.brokerPort !== undefined && options.brokerPort !== null) {
      if (engine.log instanceof EmbeddedLog) {
        const wildcard = options.host === '0.0.0.0' || options.host === '::';
        const configured = options.config['advertised.listeners'];
        const advertised = configured ? parseAdvertisedListeners(String(configured)) : undefined;
        broker = await startBroker({
          log: engine.log,
          port: options.brokerPort,
          host: options.host,
          advertisedHost: advertised?.host ?? (wildcard ? 'localhost' : options.host),
          advertisedPort: advertised?.port,
          logger: (line) => process.stderr.write(`[broker] ${line}\n`),
        });
        engine.groupMembership = broker.groups;
      } else {
        brokerNote = 'No embedded broker: this server uses an external Kafka cluster (bootstrap.servers).';
      }
    }
  } catch (err) {
    await server?.close();
    await engine.close();
    throw err;
  }
  const running = server;
  let closing: Promise<void> | undefined;
  return {
    engine,
    server: running,
    broker,
    brokerNote,
    close: () =>
      (closing ??= (async () => {
        await broker?.close();
        await running.close();
        await engine.close();
      })()),
  };
}
