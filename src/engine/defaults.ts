// The parts an Engine uses when the caller does not pass its own: the embedded log in the
// data directory, the built-in function library and the query service.

import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog } from '../log/topic-log.js';
import type { QueryService } from '../runtime/contract.js';
import { EmbeddedLog } from '../log/embedded/index.js';
import { KafkaLog } from '../log/kafka/index.js';
import { functionsFor } from '../functions/extensions/index.js';
import { createQueryService } from '../runtime/index.js';

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
  const protocol = String(config['security.protocol'] ?? '').toUpperCase();
  try {
    return await KafkaLog.connect({
      brokers,
      clientId: `eddy-${String(config['ksql.service.id'] ?? 'default_')}`,
      ssl: protocol === 'SSL' || protocol === 'SASL_SSL' ? true : undefined,
      logger: quietWarnings(),
    });
  } catch (e) {
    throw new Error(`Could not connect to the Kafka cluster at ${brokers.join(',')} (bootstrap.servers): ${(e as Error).message}`, { cause: e });
  }
}

/** The built-in functions, with the user-defined ones of `ksql.extension.dir` when it is set. */
export function defaultFunctions(config: Record<string, unknown>): Promise<FunctionRegistry> {
  return functionsFor(config);
}

/** The query service of src/runtime. */
export function defaultQueryService(): QueryService {
  return createQueryService();
}
