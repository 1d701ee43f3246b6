// The migrations metadata: the MIGRATION_EVENTS stream (one row per state change) and the
// MIGRATION_SCHEMA_VERSIONS table (the latest row per version_key), with ksqlDB's names and
// columns so a project can move between Eddy and ksqlDB. Eddy adds the states UNDOING and
// UNDONE, and rows keyed `U<version>` that hold an undo file's checksum.

import type { MigrationConfig } from './config.js';
import { MigrationError } from './errors.js';
import type { RestClient } from './rest.js';

export const NONE_VERSION = '<none>';
export const CURRENT_KEY = 'CURRENT';
export const EMPTY_ERROR_REASON = 'N/A';
export type MigrationState = 'PENDING' | 'RUNNING' | 'MIGRATED' | 'ERROR' | 'UNDOING' | 'UNDONE';

const COLUMNS = ['VERSION_KEY', 'VERSION', 'NAME', 'STATE', 'CHECKSUM', 'STARTED_ON', 'COMPLETED_ON', 'PREVIOUS', 'ERROR_REASON'];

export interface VersionInfo {
  version: number;
  checksum: string;
  previous: string;
  state: MigrationState;
  name: string;
  startedOn: string;
  completedOn: string;
  errorReason: string;
}

export function createStreamSql(name: string, topic: string, replicas: number): string {
  return (
    `CREATE STREAM ${name} (\n  version_key  STRING KEY,\n  version      STRING,\n  name         STRING,\n  state        STRING,  \n` +
    `  checksum     STRING,\n  started_on   STRING,\n  completed_on STRING,\n  previous     STRING,\n  error_reason STRING\n` +
    `) WITH (  \n  KAFKA_TOPIC='${topic}',\n  VALUE_FORMAT='JSON',\n  PARTITIONS=1,\n  REPLICAS= ${replicas} \n);\n`
  );
}

export function createTableSql(table: string, stream: string, topic: string): string {
  const latest = ['version', 'name', 'state', 'checksum', 'started_on', 'completed_on', 'previous', 'error_reason'];
  return (
    `CREATE TABLE ${table}\n  WITH (\n    KAFKA_TOPIC='${topic}'\n  )\n  AS SELECT \n    version_key, \n` +
    latest.map((c) => `    latest_by_offset(${c}) AS ${c}`).join(', \n') +
    ` \n  FROM ${stream} \n  GROUP BY version_key;\n`
  );
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class Metadata {
  constructor(
    readonly config: MigrationConfig,
    readonly client: RestClient,
  ) {}

  async currentVersion(): Promise<string> {
    const rows = await this.query(`SELECT VERSION FROM ${this.config.tableName} WHERE version_key = '${CURRENT_KEY}';`, this.config.tableName);
    return rows.length === 0 ? NONE_VERSION : String(rows[0]!.VERSION);
  }

  async currentState(): Promise<MigrationState | undefined> {
    const rows = await this.query(`SELECT STATE FROM ${this.config.tableName} WHERE version_key = '${CURRENT_KEY}';`, this.config.tableName);
    return rows.length === 0 ? undefined : (String(rows[0]!.STATE) as MigrationState);
  }

  async infoFor(versionKey: string): Promise<VersionInfo | undefined> {
    const rows = await this.query(
      `SELECT version, checksum, previous, state, name, started_on, completed_on, error_reason FROM ${this.config.tableName} WHERE version_key = ${quote(versionKey)};`,
      undefined,
      versionKey,
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      version: Number(r.VERSION),
      checksum: String(r.CHECKSUM ?? ''),
      previous: String(r.PREVIOUS ?? NONE_VERSION),
      state: String(r.STATE) as MigrationState,
      name: String(r.NAME ?? ''),
      startedOn: String(r.STARTED_ON ?? ''),
      completedOn: String(r.COMPLETED_ON ?? ''),
      errorReason: String(r.ERROR_REASON ?? EMPTY_ERROR_REASON),
    };
  }

  async requireInfo(version: string): Promise<VersionInfo> {
    const info = await this.infoFor(version);
    if (!info) throw new MigrationError(`Failed to query state for migration with version ${version}: no such migration is present in the migrations metadata table`);
    return info;
  }

  /**
   * The last version that is MIGRATED: the current one, or (when the current one is RUNNING,
   * ERROR or UNDONE) the one before it, which must then be MIGRATED.
   */
  async latestMigratedVersion(): Promise<string> {
    const current = await this.currentVersion();
    if (current === NONE_VERSION) return current;
    const info = await this.requireInfo(current);
    if (info.state === 'MIGRATED') return current;
    if (info.previous === NONE_VERSION) return NONE_VERSION;
    const prev = await this.requireInfo(info.previous);
    validateVersionIsMigrated(info.previous, prev, current);
    return info.previous;
  }

  /** Writes one row to the metadata stream. */
  async writeRow(versionKey: string, row: Omit<VersionInfo, 'version'> & { version: number | string }): Promise<void> {
    const values = [versionKey, String(row.version), row.name, row.state, row.checksum, row.startedOn, row.completedOn, row.previous, row.errorReason];
    await this.client.executeStatement(`INSERT INTO ${this.config.streamName} (${COLUMNS.join(', ')}) VALUES (${values.map(quote).join(', ')});`);
  }

  /** Waits until the table shows `state` for `versionKey` (the table is updated asynchronously). */
  async awaitState(versionKey: string, state: MigrationState, version: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.infoFor(versionKey);
      if (info && info.state === state && info.version === version) return;
      if (Date.now() > deadline) {
        throw new MigrationError(`Expected status ${state} for version ${versionKey === CURRENT_KEY ? version : versionKey}. Got ${info?.state ?? 'no row'}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async query(sql: string, table?: string, version?: string): Promise<Record<string, unknown>[]> {
    try {
      return await this.client.pullQuery(sql);
    } catch (err) {
      if (version !== undefined) throw new MigrationError(`Failed to query state for migration with version ${version}: ${(err as Error).message}`);
      throw new MigrationError(`Could not query ${table}: ${(err as Error).message}`);
    }
  }
}

export function validateVersionIsMigrated(version: string, info: VersionInfo, nextVersion: string): void {
  if (info.state !== 'MIGRATED') {
    throw new MigrationError(
      `Discovered version with previous version that does not have status MIGRATED. Version: ${nextVersion}. Previous version: ${version}. Previous version status: ${info.state}`,
    );
  }
}
