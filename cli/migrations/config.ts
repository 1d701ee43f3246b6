// ksql-migrations.properties: the keys ksql-migrations reads, their defaults, and where the
// migrations directory is.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parsePropertiesText } from '../../src/config/index.js';
import { MigrationError } from './errors.js';
import { RestClient, type RestOptions } from './rest.js';

export const CONFIG_FILE_NAME = 'ksql-migrations.properties';
export const MIGRATIONS_DIR = 'migrations';

export const KEYS = {
  serverUrl: 'ksql.server.url',
  username: 'ksql.auth.basic.username',
  password: 'ksql.auth.basic.password',
  streamName: 'ksql.migrations.stream.name',
  tableName: 'ksql.migrations.table.name',
  streamTopic: 'ksql.migrations.stream.topic.name',
  tableTopic: 'ksql.migrations.table.topic.name',
  replicas: 'ksql.migrations.topic.replicas',
  dirOverride: 'ksql.migrations.dir.override',
  trustStore: 'ssl.truststore.location',
  trustStorePassword: 'ssl.truststore.password',
  keyStore: 'ssl.keystore.location',
  keyStorePassword: 'ssl.keystore.password',
  keyPassword: 'ssl.key.password',
  keyAlias: 'ssl.key.alias',
  alpn: 'ssl.alpn',
  verifyHost: 'ssl.verify.host',
} as const;

/** The commented-out keys `new-project` writes, in ksql-migrations' groups and order. */
export const CONFIG_GROUPS: [string, [string, string][]][] = [
  [
    'Migrations metadata configs',
    [
      [KEYS.streamName, 'MIGRATION_EVENTS'],
      [KEYS.tableName, 'MIGRATION_SCHEMA_VERSIONS'],
      [KEYS.streamTopic, 'ksql-service-idksql_MIGRATION_EVENTS'],
      [KEYS.tableTopic, 'ksql-service-idksql_MIGRATION_SCHEMA_VERSIONS'],
      [KEYS.replicas, '1'],
    ],
  ],
  [
    'TLS configs',
    [
      [KEYS.trustStore, ''],
      [KEYS.trustStorePassword, ''],
      [KEYS.keyStore, ''],
      [KEYS.keyStorePassword, ''],
      [KEYS.keyPassword, ''],
      [KEYS.keyAlias, ''],
      [KEYS.alpn, 'false'],
      [KEYS.verifyHost, 'true'],
    ],
  ],
  ['ksqlDB server authentication configs', [[KEYS.username, ''], [KEYS.password, '']]],
  ['Migrations directory configs', [[KEYS.dirOverride, '']]],
];

export interface MigrationConfig {
  file: string;
  serverUrl: string;
  streamName: string;
  tableName: string;
  streamTopic: string;
  tableTopic: string;
  replicas: number;
  migrationsDir: string;
  rest: RestOptions;
}

export function readConfigProperties(file: string): Record<string, string> {
  if (!existsSync(file)) throw new MigrationError(`Migrations config file not found: ${file}`);
  return parsePropertiesText(readFileSync(file, 'utf8'));
}

/**
 * Loads the config like ksql-migrations: ksql.server.url is required, and the default topic
 * names take the server's service id, so the server is asked for /info.
 */
export async function loadConfig(file: string, headers?: Record<string, string>): Promise<{ config: MigrationConfig; client: RestClient }> {
  const props = readConfigProperties(file);
  const serverUrl = props[KEYS.serverUrl];
  if (!serverUrl) throw new MigrationError(`Missing required property: ${KEYS.serverUrl}`);
  try {
    new URL(serverUrl);
  } catch {
    throw new MigrationError(`Invalid ${KEYS.serverUrl}: '${serverUrl}' is not a URL`);
  }
  const rest: RestOptions = {
    url: serverUrl,
    username: props[KEYS.username] || undefined,
    password: props[KEYS.password] || undefined,
    trustStore: props[KEYS.trustStore] || undefined,
    keyStore: props[KEYS.keyStore] || undefined,
    keyPassword: props[KEYS.keyPassword] || props[KEYS.keyStorePassword] || undefined,
    alpn: (props[KEYS.alpn] ?? 'false').toLowerCase() === 'true',
    verifyHost: (props[KEYS.verifyHost] ?? 'true').toLowerCase() === 'true',
    headers,
  };
  const client = new RestClient(rest);
  const { ksqlServiceId } = await client.serverInfo();
  const streamName = props[KEYS.streamName] || 'MIGRATION_EVENTS';
  const tableName = props[KEYS.tableName] || 'MIGRATION_SCHEMA_VERSIONS';
  const replicas = Number(props[KEYS.replicas] ?? 1);
  if (!Number.isInteger(replicas) || replicas < 1) throw new MigrationError(`Invalid value ${props[KEYS.replicas]} for configuration ${KEYS.replicas}: must be a positive integer`);
  const override = props[KEYS.dirOverride];
  return {
    config: {
      file,
      serverUrl,
      streamName,
      tableName,
      streamTopic: props[KEYS.streamTopic] || `${ksqlServiceId}ksql_${streamName}`,
      tableTopic: props[KEYS.tableTopic] || `${ksqlServiceId}ksql_${tableName}`,
      replicas,
      migrationsDir: migrationsDirOf(file, override),
      rest,
    },
    client,
  };
}

/** `ksql.migrations.dir.override`, or `migrations/` beside the config file. */
export function migrationsDirOf(configFile: string, override?: string): string {
  if (override) return resolve(override);
  return join(dirname(resolve(configFile)), MIGRATIONS_DIR);
}
