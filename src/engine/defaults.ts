// The parts an Engine uses when the caller does not pass its own: the embedded log in the
// data directory, the built-in function library and the query service.

import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog } from '../log/topic-log.js';
import type { QueryService } from '../runtime/contract.js';
import { EmbeddedLog } from '../log/embedded/index.js';

export async function defaultLog(dataDir: string): Promise<TopicLog> {
  return EmbeddedLog.open(dataDir);
}

// Modules other helpers are still building are loaded by path at run time, so the engine
// type-checks and runs DDL before they land.
const FUNCTIONS_MODULE = '../functions/index.js';
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

/** The built-in function library (src/functions `functionRegistry`). */
export async function defaultFunctions(): Promise<FunctionRegistry> {
  const mod = await tryImport(FUNCTIONS_MODULE);
  const registry = mod?.functionRegistry as FunctionRegistry | undefined;
  if (registry) return registry;
  return new MissingFunctionLibrary();
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

/** Used only while src/functions has not landed: every lookup says so. */
class MissingFunctionLibrary implements FunctionRegistry {
  private fail(): never {
    throw new Error('The function library (src/functions) is not available in this build.');
  }
  kindOf(): undefined {
    return undefined;
  }
  resolveScalar(): never {
    return this.fail();
  }
  resolveTable(): never {
    return this.fail();
  }
  resolveAggregate(): never {
    return this.fail();
  }
  describe(): undefined {
    return undefined;
  }
  list(): [] {
    return [];
  }
}
