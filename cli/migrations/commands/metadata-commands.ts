// initialize-metadata and destroy-metadata.

import type { MigrationConfig } from '../config.js';
import { MigrationError } from '../errors.js';
import type { Log } from '../log.js';
import { createStreamSql, createTableSql } from '../metadata.js';
import type { Json, RestClient } from '../rest.js';

export async function initializeMetadata(config: MigrationConfig, client: RestClient, log: Log): Promise<number> {
  log.info('Initializing migrations metadata');
  const steps: [string, string, string][] = [
    ['stream', config.streamName, createStreamSql(config.streamName, config.streamTopic, config.replicas)],
    ['table', config.tableName, createTableSql(config.tableName, config.streamName, config.tableTopic)],
  ];
  for (const [type, name, sql] of steps) {
    log.info(`Creating ${type}: ${name}`);
    try {
      await client.executeStatement(sql);
    } catch (err) {
      log.error(`Failed to create ${type} ${name}: ${(err as Error).message}`);
      return 1;
    }
  }
  log.info('Migrations metadata initialized successfully');
  return 0;
}

/** Fails like ksql-migrations when the metadata stream or table is missing. */
export async function requireMetadata(config: MigrationConfig, client: RestClient): Promise<void> {
  for (const [type, name] of [
    ['stream', config.streamName],
    ['table', config.tableName],
  ] as const) {
    try {
      await client.executeStatement(`DESCRIBE ${name};`);
    } catch (err) {
      throw new MigrationError(
        `Failed to verify existence of migrations metadata ${type} '${name}'. Did you run \`eddy migrations initialize-metadata\`? Error message: ${(err as Error).message}`,
      );
    }
  }
}

export async function destroyMetadata(config: MigrationConfig, client: RestClient, log: Log): Promise<number> {
  log.info('Cleaning migrations metadata stream and table from ksqlDB server');
  try {
    if (!(await sourceExists(client, config.tableName, true))) log.info('Metadata table does not exist. Skipping cleanup.');
    else {
      await terminateWriter(client, config.tableName, log);
      await dropSource(client, config.tableName, true, log);
    }
    if (!(await sourceExists(client, config.streamName, false))) log.info('Metadata stream does not exist. Skipping cleanup.');
    else await dropSource(client, config.streamName, false, log);
  } catch (err) {
    log.error((err as Error).message);
    return 1;
  }
  log.info('Migrations metadata cleaned successfully');
  return 0;
}

async function sourceExists(client: RestClient, name: string, isTable: boolean): Promise<boolean> {
  try {
    const entities = await client.executeStatement(isTable ? 'LIST TABLES;' : 'LIST STREAMS;');
    const list = (entities[0]?.[isTable ? 'tables' : 'streams'] ?? []) as Json[];
    return list.some((s) => String(s.name).toUpperCase() === name.toUpperCase());
  } catch (err) {
    throw new MigrationError(`Failed to check for presence of metadata ${isTable ? 'table' : 'stream'} '${name}': ${(err as Error).message}`);
  }
}

async function terminateWriter(client: RestClient, table: string, log: Log): Promise<void> {
  let description: Json;
  try {
    description = (await client.executeStatement(`DESCRIBE ${table};`))[0]?.sourceDescription as Json;
  } catch (err) {
    throw new MigrationError(`Failed to describe metadata table '${table}': ${(err as Error).message}`);
  }
  const queries = ((description?.writeQueries ?? []) as Json[]).map((q) => String(q.id));
  if (queries.length === 0) {
    log.info('Found 0 queries writing to the metadata table');
    return;
  }
  if (queries.length > 1) throw new MigrationError(`Found multiple queries writing to the metadata table. Query IDs: '${queries.join("', '")}'.`);
  log.info(`Found 1 query writing to the metadata table. Query ID: ${queries[0]}`);
  log.info(`Terminating query with ID: ${queries[0]}`);
  try {
    await client.executeStatement(`TERMINATE ${queries[0]};`);
  } catch (err) {
    throw new MigrationError(`Failed to terminate query populating metadata table. Query ID: ${queries[0]}. Error: ${(err as Error).message}`);
  }
}

async function dropSource(client: RestClient, name: string, isTable: boolean, log: Log): Promise<void> {
  const type = isTable ? 'table' : 'stream';
  log.info(`Dropping migrations metadata ${type}: ${name}`);
  try {
    await client.executeStatement(`DROP ${type.toUpperCase()} ${name} DELETE TOPIC;`);
  } catch (err) {
    throw new MigrationError(`Failed to drop metadata ${type} '${name}': ${(err as Error).message}`);
  }
}
