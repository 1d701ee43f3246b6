// The parts an Engine uses when the caller does not pass its own: the embedded log in the
// data directory, the built-in function library and the query service.

import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog } from '../log/topic-log.js';
import type { QueryService } from '../runtime/contract.js';
import { EmbeddedLog } from '../log/embedded/index.js';
import { functionRegistry } from '../functions/index.js';

export async function defaultLog(dataDir: string): Promise<TopicLog> {
  return EmbeddedLog.open(dataDir);
}

// The query service is loaded by path at run time, so the engine type-checks and runs DDL
// before src/runtime lands.
const RUNTIME_MODULE = '../runtime/index.js';

async function tryImport(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/** The built-in function library. */
export function defaultFunctions(): FunctionRegistry {
  return functionRegistry;
}

/**
 * The query service of src/runtime. TODO(queries): import it statically once
 * src/runtime/index.ts lands; until then CSAS/CTAS/INSERT INTO/SELECT fail with a clear error.
 */
export async function defaultQueryService(): Promise<QueryService | undefined> {
  const mod = await tryImport(RUNTIME_MODULE);
  if (!mod) return undefined;
  const factory = mod.createQueryService as (() => QueryService) | undefined;
  if (typeof factory === 'function') return factory();
  const instance = mod.queryService as QueryService | undefined;
  return instance;
}
