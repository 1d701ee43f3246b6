// Starting an Engine, the REST server and (optionally) the embedded Kafka broker inside
// this process, for `eddy server` and for the REPL's embedded mode.

import type { EngineApi } from '../src/engine/api.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { startBroker, type Broker } from '../src/broker/index.js';
import { parseAdvertisedListeners } from '../src/broker/listeners.js';
import { brokerSecurityFromConfig } from '../src/broker/security/config.js';
import { EmbeddedLog } from '../src/log/embedded/index.js';
import type { GroupMembership } from '../src/engine/consumer-groups.js';
import { startRegistryServer, type RunningRegistry } from '../src/registry/server.js';
import type { OpenedRegistry } from '../src/registry/open.js';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  host: string;
  config: Record<string, unknown>;
  /** Port of the Kafka-protocol broker over the engine's embedded log; null for none. */
  brokerPort?: number | null;
  /** Port of the embedded schema registry's REST API (on 127.0.0.1); null for none. */
  schemaRegistryPort?: number | null;
  /** When the registry port is taken: fail (eddy server) or go on without serving it (the REPL's embedded server). */
  schemaRegistryOptional?: boolean;
}

export interface EmbeddedServer {
  engine: EngineApi;
  server: RunningServer;
  /** Present when a broker was asked for and the engine runs on the embedded log. */
  broker?: Broker;
  /** Why no broker runs although one was asked for. */
  brokerNote?: string;
  /** The embedded schema registry's REST API, when served. */
  schemaRegistry?: RunningRegistry;
  /** Why no registry is served although one was asked for. */
  schemaRegistryNote?: string;
  close(): Promise<void>;
}

// Loaded by path at run time so this file type-checks while the engine module is being built.
const ENGINE_MODULE = '../src/engine/engine.js';

type OpenedEngine = EngineApi & { log?: unknown; groupMembership?: GroupMembership; schemaRegistry?: OpenedRegistry };

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
  const queriesFile = options.config['ksql.queries.file'];
  if (queriesFile) {
    const { runQueriesFile } = await import('./headless.js');
    try {
      await runQueriesFile(engine as Parameters<typeof runQueriesFile>[0], String(queriesFile), options.config);
    } catch (err) {
      await engine.close();
      throw err;
    }
  }
  let server: RunningServer | undefined;
  let broker: Broker | undefined;
  let brokerNote: string | undefined;
  let registry: RunningRegistry | undefined;
  let registryNote: string | undefined;
  try {
    const closedPaths = queriesFile ? (await import('./headless.js')).STATEMENT_PATHS : undefined;
    server = await startServer(engine, { port: options.port, host: options.host, config: options.config, closedPaths });
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
          security: brokerSecurityFromConfig(options.config),
          logger: (line) => process.stderr.write(`[broker] ${line}\n`),
        });
        engine.groupMembership = broker.groups;
      } else {
        brokerNote = 'No embedded broker: this server uses an external Kafka cluster (bootstrap.servers).';
      }
    }
    if (options.schemaRegistryPort !== undefined && options.schemaRegistryPort !== null) {
      const store = engine.schemaRegistry?.store;
      if (!store) {
        registryNote = `No embedded schema registry: this server uses the one at ${String(options.config['ksql.schema.registry.url'])}.`;
      } else {
        const auth = String(options.config['eddy.schema.registry.basic.auth.user.info'] ?? '');
        try {
          registry = await startRegistryServer(store, { port: options.schemaRegistryPort, host: '127.0.0.1', ...(auth ? { basicAuth: auth } : {}) });
        } catch (err) {
          if (!options.schemaRegistryOptional) throw new Error(`the schema registry cannot listen on port ${options.schemaRegistryPort}: ${(err as Error).message}`);
          registryNote = `The embedded schema registry is not served over HTTP: port ${options.schemaRegistryPort} is taken (${(err as Error).message}).`;
        }
      }
    }
  } catch (err) {
    await registry?.close();
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
    schemaRegistry: registry,
    schemaRegistryNote: registryNote,
    close: () =>
      (closing ??= (async () => {
        await registry?.close();
        await broker?.close();
        await running.close();
        await engine.close();
      })()),
  };
}
