// How the runner reaches the engine: Engine.open({dataDir, properties}) from src/engine, plus
// the parts of it the runner reads (catalog, log with append notifications, drain). Loaded
// dynamically so the runner's pure parts (loading, expansion, comparison) work on their own.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DataSource } from '../../src/catalog/model.js';
import type { KsqlEntity, QueryStream, RequestContext } from '../../src/engine/api.js';
import type { LogRecord, TopicLog } from '../../src/log/topic-log.js';
import { conformanceLog, freshKafkaLog, withAppendNotifications } from './kafka-backend.js';

export interface EngineUnderTest {
  execute(sql: string, ctx: RequestContext): Promise<KsqlEntity[]>;
  query(sql: string, ctx: RequestContext): Promise<QueryStream>;
  drain(): Promise<void>;
  close(): Promise<void>;
  catalog: { listSources(type?: 'STREAM' | 'TABLE'): DataSource[]; getSource(name: string): DataSource | undefined };
  runningQuery(id: string): { state: string; error?: Error | null } | undefined;
  log: TopicLog & { onAppend(listener: (topic: string, records: LogRecord[]) => void): () => void };
}

interface EngineClass {
  open(options: { dataDir: string; properties: Record<string, unknown>; log?: TopicLog }): Promise<EngineUnderTest>;
}

/** With `--log kafka`, engines open on a KafkaLog against this worker's embedded broker. */
function onConfiguredLog(engine: EngineClass): EngineClass {
  if (conformanceLog() !== 'kafka') return engine;
  return {
    async open(options) {
      const { log, onAppend } = await freshKafkaLog();
      try {
        return withAppendNotifications(await engine.open({ ...options, log }), onAppend);
      } catch (e) {
        await log.close();
        throw e;
      }
    },
  };
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let engineClass: Promise<EngineClass> | undefined;

/** The Engine class of src/engine; rejects with a clear message when it is not built yet. */
export function loadEngine(): Promise<EngineClass> {
  engineClass ??= (async () => {
    for (const candidate of ['src/engine/index.ts', 'src/engine/engine.ts']) {
      const file = join(repoRoot, candidate);
      if (!existsSync(file)) continue;
      const mod = (await import(pathToFileURL(file).href)) as { Engine?: EngineClass };
      if (mod.Engine && typeof mod.Engine.open === 'function') return onConfiguredLog(mod.Engine);
    }
    throw new Error('engine not available: src/engine does not export Engine.open yet');
  })();
  return engineClass;
}

export interface ServerModule {
  startServer(engine: unknown, options: { port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }>;
}

/** The REST server of src/server when it exists, else undefined (REST cases then call the engine directly). */
export async function loadServer(): Promise<ServerModule | undefined> {
  const file = join(repoRoot, 'src/server/server.ts');
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as Partial<ServerModule>;
  return typeof mod.startServer === 'function' ? (mod as ServerModule) : undefined;
}
