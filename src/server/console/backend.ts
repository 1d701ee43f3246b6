// What the console's endpoints read: the engine through its public API (statements), and,
// when the engine offers them, its log, consumer groups, schema registry and data dir. An
// engine without one of these (a test double, a future remote engine) leaves that part of
// the console empty with a message instead of failing.

import type { EngineApi, KsqlEntity } from '../../engine/api.js';
import type { TopicLog } from '../../log/topic-log.js';
import type { ConsumerGroupInfo } from '../../engine/consumer-groups.js';
import type { SchemaRegistry } from '../../registry/client.js';
import type { DataSource } from '../../catalog/model.js';

export interface ConsoleBackend {
  engine: EngineApi;
  config: Record<string, unknown>;
  log?: TopicLog;
  consumerGroups?: () => Promise<ConsumerGroupInfo[]>;
  registry?: () => SchemaRegistry | undefined;
  dataDir?: string;
  /** The stream or table declared over a topic, whose formats decode its records exactly. */
  sourceOf?: (topic: string) => DataSource | undefined;
  /** Runs one statement as an admin would (the console's own reads), and gives its entity. */
  statement(sql: string): Promise<KsqlEntity>;
}

interface EngineExtras {
  log?: TopicLog;
  consumerGroups?: () => Promise<ConsumerGroupInfo[]>;
  schemaRegistry?: { client: SchemaRegistry };
  dataDir?: string;
  catalog?: { listSources(): DataSource[] };
}

export function consoleBackend(engine: EngineApi, config: Record<string, unknown>): ConsoleBackend {
  const extras = engine as EngineApi & EngineExtras;
  return {
    engine,
    config,
    log: extras.log,
    consumerGroups: typeof extras.consumerGroups === 'function' ? () => extras.consumerGroups!() : undefined,
    registry: () => extras.schemaRegistry?.client,
    dataDir: typeof extras.dataDir === 'string' ? extras.dataDir : undefined,
    sourceOf: extras.catalog ? (topic) => extras.catalog!.listSources().find((s) => s.topic === topic) : undefined,
    statement: async (sql) => {
      const entities = await engine.execute(sql, { properties: {}, variables: {} });
      const first = entities[0];
      if (!first) throw new Error(`${sql} returned no entity`);
      return first;
    },
  };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Resolves like `work`, or rejects after `ms` with a message naming what took too long. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
