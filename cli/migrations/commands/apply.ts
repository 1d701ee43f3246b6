// apply: --all | --next | --until N | --version N like ksql-migrations, plus Eddy's
// --undo (the current version, through its U file) and --goto N (back through undo files,
// or forward like --until). Every change of state is a row in the metadata stream.

import type { MigrationConfig } from '../config.js';
import { MigrationError } from '../errors.js';
import { checksumOf, listMigrations, migrationFor, readMigration, type MigrationFile } from '../files.js';
import type { Log } from '../log.js';
import { CURRENT_KEY, EMPTY_ERROR_REASON, NONE_VERSION, type Metadata, type MigrationState } from '../metadata.js';
import { runStatements, statementsOf, StatementFailure } from '../statements.js';
import { validateApplied } from './info.js';
import { planDiff } from './plan-diff.js';

export type ApplyTarget = { all: true } | { next: true } | { until: number } | { version: number } | { undo: true } | { goto: number };

export interface ApplyOptions {
  target: ApplyTarget;
  defines: Record<string, string>;
  dryRun: boolean;
  now?: () => number;
}

export async function apply(config: MigrationConfig, metadata: Metadata, options: ApplyOptions, log: Log): Promise<number> {
  if (options.dryRun) log.info('This is a dry run. No ksqlDB statements will be submitted to the ksqlDB server.');
  log.info('Validating current migration state before applying new migrations');
  await refuseRunning(metadata);
  await validateApplied(config, metadata);
  const latest = await metadata.latestMigratedVersion();
  const latestNumber = latest === NONE_VERSION ? 0 : Number(latest);
  const t = options.target;
  if ('undo' in t) return undoTo(config, metadata, latestNumber === 0 ? -1 : previousOf(config, latestNumber), options, log, latestNumber);
  if ('goto' in t) {
    if (t.goto === latestNumber) {
      log.info(`Already at version ${t.goto === 0 ? NONE_VERSION : t.goto}. Nothing to do.`);
      return 0;
    }
    if (t.goto < latestNumber) return undoTo(config, metadata, t.goto, options, log, latestNumber);
    if (!migrationFor(config.migrationsDir, t.goto)) throw new MigrationError(`No migration file with version ${t.goto} exists.`);
    return forward(config, metadata, { until: t.goto }, latest, options, log);
  }
  return forward(config, metadata, t, latest, options, log);
}

/** The version before `version` in the applied chain's files (0 when it is the first). */
function previousOf(config: MigrationConfig, version: number): number {
  const older = listMigrations(config.migrationsDir).migrations.filter((m) => m.version < version);
  return older.length === 0 ? 0 : older[older.length - 1]!.version;
}

async function refuseRunning(metadata: Metadata): Promise<void> {
  const current = await metadata.currentVersion();
  if (current === NONE_VERSION) return;
  const state = await metadata.currentState();
  if (state !== 'RUNNING' && state !== 'UNDOING') return;
  const info = await metadata.requireInfo(current);
  const columns = 'VERSION_KEY, VERSION, NAME, STATE, CHECKSUM, STARTED_ON, COMPLETED_ON, PREVIOUS, ERROR_REASON';
  const row = (key: string) => `('${key}', '${current}', '${info.name.replace(/'/g, "''")}', 'ERROR', '${info.checksum}', '${info.startedOn}', '${Date.now()}', '${info.previous}', 'interrupted')`;
  throw new MigrationError(
    `Version ${current} is ${state}: another apply is in progress, or one stopped before it recorded the result. ` +
      `Wait for it to finish. If none is running, check what version ${current} changed (SHOW STREAMS; SHOW QUERIES;), then mark it failed so apply runs it again: ` +
      `INSERT INTO ${metadata.config.streamName} (${columns}) VALUES ${row('CURRENT')}; INSERT INTO ${metadata.config.streamName} (${columns}) VALUES ${row(current)};`,
  );
}

function toApply(config: MigrationConfig, target: ApplyTarget, previous: string): MigrationFile[] {
  const minimum = previous === NONE_VERSION ? 1 : Number(previous) + 1;
  if ('version' in target) {
    const m = migrationFor(config.migrationsDir, target.version);
    if (!m) throw new MigrationError(`No migration file with version ${target.version} exists.`);
    if (target.version < minimum) throw new MigrationError(`Version must be newer than the last version migrated. Last version migrated was ${previous}`);
    return [m];
  }
  const eligible = listMigrations(config.migrationsDir).migrations.filter((m) => m.version >= minimum && (!('until' in target) || m.version <= target.until));
  if ('next' in target) {
    if (eligible.length === 0) throw new MigrationError('No eligible migrations found.');
    return [eligible[0]!];
  }
  return eligible;
}

async function forward(config: MigrationConfig, metadata: Metadata, target: ApplyTarget, latest: string, options: ApplyOptions, log: Log): Promise<number> {
  log.info('Loading migration files');
  const migrations = toApply(config, target, latest);
  log.info(migrations.length === 0 ? 'No eligible migrations found.' : `${migrations.length} migration file(s) loaded.`);
  let previous = latest;
  for (const migration of migrations) {
    log.info(`Applying migration version ${migration.version}: ${migration.name}`);
    const content = readMigration(migration.path);
    log.info(`${migration.path} contents:\n${content}`);
    const statements = statementsOf(content);
    if (options.dryRun) {
      await planDiff(metadata.client, statements, options.defines, log);
      log.info('Dry run complete. No migrations were actually applied.');
      continue;
    }
    await runVersion(metadata, migration, previous, 'RUNNING', 'MIGRATED', migration.path, options, log, statements);
    if (migration.undoPath) {
      const now = String((options.now ?? Date.now)());
      await metadata.writeRow(`U${migration.version}`, {
        version: migration.version,
        name: migration.name,
        state: 'MIGRATED',
        checksum: checksumOf(migration.undoPath),
        startedOn: now,
        completedOn: now,
        previous,
        errorReason: EMPTY_ERROR_REASON,
      });
      // The table is updated asynchronously: a validate right after must see the undo checksum.
      await metadata.awaitState(`U${migration.version}`, 'MIGRATED', migration.version);
    }
    log.info('Successfully migrated');
    previous = String(migration.version);
  }
  return 0;
}

/** Undoes the current version, and the ones before it, until `target` (0: none) is current. */
async function undoTo(config: MigrationConfig, metadata: Metadata, target: number, options: ApplyOptions, log: Log, latest: number): Promise<number> {
  if (latest === 0 || target < 0) throw new MigrationError('No migrated version to undo.');
  const chain: MigrationFile[] = [];
  let version = String(latest);
  while (version !== NONE_VERSION && Number(version) > target) {
    const file = migrationFor(config.migrationsDir, Number(version))!;
    if (!file.undoPath) {
      throw new MigrationError(
        `Cannot undo version ${version}: it has no undo file ${file.path.replace(/V(\d{6}__[^/\\]+\.sql)$/, 'U$1')}. Write the statements that reverse it there (\`eddy migrations create --with-undo\` creates both files).`,
      );
    }
    chain.push(file);
    version = (await metadata.requireInfo(version)).previous;
  }
  if (version !== NONE_VERSION && Number(version) !== target) throw new MigrationError(`Version ${target} is not in the chain of applied versions; the version before ${chain.at(-1)!.version} is ${version}.`);
  log.info(`${chain.length} undo file(s) loaded.`);
  for (const file of chain) {
    const info = await metadata.requireInfo(String(file.version));
    log.info(`Undoing migration version ${file.version}: ${file.name}`);
    const content = readMigration(file.undoPath!);
    log.info(`${file.undoPath} contents:\n${content}`);
    const statements = statementsOf(content);
    if (options.dryRun) {
      await planDiff(metadata.client, statements, options.defines, log);
      log.info('Dry run complete. No migrations were actually undone.');
      continue;
    }
    await runVersion(metadata, file, info.previous, 'UNDOING', 'UNDONE', file.path, options, log, statements);
    log.info(`Successfully undid version ${file.version}; current version is now ${info.previous}`);
  }
  return 0;
}

/** Records `running`, runs the statements, then records `done` (or ERROR with the reason). */
async function runVersion(
  metadata: Metadata,
  migration: MigrationFile,
  previous: string,
  running: MigrationState,
  done: MigrationState,
  checksumPath: string,
  options: ApplyOptions,
  log: Log,
  statements: ReturnType<typeof statementsOf>,
): Promise<void> {
  const now = options.now ?? Date.now;
  if (previous !== NONE_VERSION && running === 'RUNNING') await metadata.awaitState(previous, 'MIGRATED', Number(previous));
  const started = String(now());
  const write = async (state: MigrationState, errorReason?: string) => {
    const row = {
      version: migration.version,
      name: migration.name,
      state,
      checksum: checksumOf(checksumPath),
      startedOn: started,
      completedOn: state === running ? '' : String(now()),
      previous,
      errorReason: errorReason ?? EMPTY_ERROR_REASON,
    };
    await metadata.writeRow(CURRENT_KEY, row);
    await metadata.writeRow(String(migration.version), row);
    // One partition: once the version's row shows, the CURRENT row written before it does too.
    await metadata.awaitState(String(migration.version), state, migration.version);
  };
  await write(running);
  try {
    await runStatements(statements, { client: metadata.client, defines: options.defines });
  } catch (err) {
    if (!(err instanceof StatementFailure)) throw err;
    const reason = running === 'UNDOING' ? `Undo failed: ${err.message}` : err.message;
    await write('ERROR', reason);
    throw new MigrationError(reason);
  }
  await write(done);
  void log;
}
