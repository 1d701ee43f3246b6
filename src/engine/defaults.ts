// The parts an Engine uses when the caller does not pass its own: the embedded log in the
// data directory, the built-in function library and the query service.

import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog } from '../log/topic-log.js';
import type { QueryService } from '../runtime/contract.js';
import { EmbeddedLog } from '../log/embedded/index.js';
import { KafkaLog } from '../log/kafka/index.js';
import { isAuthenticationError, kafkaSecurity } from '../log/kafka/security.js';
import { functionRegistry } from '../functions/index.js';

/** The Kafka cluster of the configuration (`bootstrap.servers`), or undefined for the embedded log. */
export function bootstrapServers(config: Record<string, unknown>): string[] | undefined {
  const raw = String(config['bootstrap.servers'] ?? config['ksql.streams.bootstrap.servers'] ?? '').trim();
  const servers = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return servers.length > 0 ? servers : undefined;
}

/** kafkajs errors as process warnings, each distinct message once. */
function quietWarnings(): (level: 'error' | 'warn', message: string) => void {
  const seen = new Set<string>();
  return (level, message) => {
    if (level !== 'error' || seen.has(message) || seen.size > 100) return;
    seen.add(message);
    process.emitWarning(message);
  };
}

/** The Kafka log when `bootstrap.servers` is set, else the embedded log in the data directory. */
export async function defaultLog(dataDir: string, config: Record<string, unknown> = {}): Promise<TopicLog> {
  const brokers = bootstrapServers(config);
  if (!brokers) return EmbeddedLog.open(dataDir);
  const security = kafkaSecurity(config);
  try {
    return await KafkaLog.connect({
      brokers,
      clientId: `eddy-${String(config['ksql.service.id'] ?? 'default_')}`,
      ssl: security.ssl,
      sasl: security.sasl,
      logger: quietWarnings(),
    });
  } catch (e) {
    const where = `the Kafka cluster at ${brokers.join(',')} (bootstrap.servers, ${security.description})`;
    if (isAuthenticationError(e)) {
      throw new Error(`Could not log in to ${where}: ${(e as Error).message}. Check the user and password in sasl.jaas.config and sasl.mechanism.`, { cause: e });
    }
    throw new Error(`Could not connect to ${where}: ${(e as Error).message}`, { cause: e });
  }
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
