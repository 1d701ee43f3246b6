// The parts an Engine uses when the caller does not pass its own: the embedded log in the
// data directory, the built-in function library and the query service.

import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog } from '../log/topic-log.js';
import type { QueryService } from '../runtime/contract.js';
import { EmbeddedLog } from '../log/embedded/index.js';
import { isAuthenticationError, kafkaSecurity } from '../log/kafka/security.js';
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
  const security = kafkaSecurity(config);
  // Imported here: a server on the embedded log never loads the Kafka client.
  const { KafkaLog } = await import('../log/kafka/index.js');
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

/** The built-in functions, with the user-defined ones of `ksql.extension.dir` when it is set. */
export function defaultFunctions(config: Record<string, unknown>): Promise<FunctionRegistry> {
  return functionsFor(config);
}

/** The query service of src/runtime. */
export function defaultQueryService(): QueryService {
  return createQueryService();
}
