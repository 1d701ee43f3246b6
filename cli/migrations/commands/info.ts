// info and validate (validate is also the check apply runs first).

import type { MigrationConfig } from '../config.js';
import { MigrationError } from '../errors.js';
import { checksumOf, listMigrations, migrationFor } from '../files.js';
import type { Log } from '../log.js';
import { EMPTY_ERROR_REASON, NONE_VERSION, validateVersionIsMigrated, type Metadata, type VersionInfo } from '../metadata.js';

const FIELDS: [string, (v: VersionInfo) => string][] = [
  ['Version', (v) => String(v.version)],
  ['Name', (v) => v.name],
  ['State', (v) => v.state],
  ['Previous Version', (v) => v.previous],
  ['Started On', (v) => formatTimestamp(v.startedOn)],
  ['Completed On', (v) => formatTimestamp(v.completedOn)],
  ['Error Reason', (v) => v.errorReason],
];

export async function info(config: MigrationConfig, metadata: Metadata, log: Log): Promise<number> {
  const current = await metadata.currentVersion();
  const state = current === NONE_VERSION ? undefined : await metadata.currentState();
  // After an undo the current row names the undone version; what is in effect is the one before.
  log.info(`Current migration version: ${state === 'UNDONE' ? await metadata.latestMigratedVersion() : current}`);
  const { migrations } = listMigrations(config.migrationsDir);
  if (migrations.length === 0) {
    log.info('No migrations files found');
    return 0;
  }
  const rows: VersionInfo[] = [];
  for (const m of migrations) {
    rows.push(
      (await metadata.infoFor(String(m.version))) ?? {
        version: m.version,
        checksum: 'N/A',
        previous: 'N/A',
        state: 'PENDING',
        name: m.name,
        startedOn: 'N/A',
        completedOn: 'N/A',
        errorReason: EMPTY_ERROR_REASON,
      },
    );
  }
  log.info(formatTable(rows));
  return 0;
}

function formatTable(rows: VersionInfo[]): string {
  const cells = rows.map((r) => FIELDS.map(([, get]) => get(r)));
  const widths = FIELDS.map(([header], i) => Math.max(header.length, ...cells.map((c) => c[i]!.length)));
  const divider = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 3 * FIELDS.length - 1);
  const line = (values: string[]) => ' ' + values.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' ';
  return [divider, line(FIELDS.map(([h]) => h)), divider, ...cells.map(line), divider].join('\n');
}

/** Epoch-ms text as ksql-migrations shows it (yyyy-MM-dd HH:mm:ss.SSS z); N/A and '' stay. */
function formatTimestamp(epoch: string): string {
  if (epoch === '' || epoch === 'N/A' || !/^\d+$/.test(epoch)) return epoch;
  const d = new Date(Number(epoch));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '';
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)} ${zone}`;
}

/**
 * Walks the chain of applied versions from the latest MIGRATED one back to the first:
 * every link must be MIGRATED, have its file, and match its checksum (and its undo file's,
 * when one was recorded). Throws the first problem.
 */
export async function validateApplied(config: MigrationConfig, metadata: Metadata): Promise<void> {
  let version = await metadata.latestMigratedVersion();
  let next: string | undefined;
  while (version !== NONE_VERSION) {
    const info = await metadata.requireInfo(version);
    if (next !== undefined) validateVersionIsMigrated(version, info, next);
    const file = migrationFor(config.migrationsDir, Number(version));
    if (!file) throw new MigrationError(`No migrations file found for version with status MIGRATED. Version: ${version}`);
    const hash = checksumOf(file.path);
    if (info.checksum !== hash) {
      throw new MigrationError(
        `Migrations file found for version ${version} does not match the checksum saved for this version. Expected checksum: ${info.checksum}. Actual checksum: ${hash}. File name: ${file.path}`,
      );
    }
    const undo = await metadata.infoFor(`U${version}`);
    if (undo) {
      if (!file.undoPath) throw new MigrationError(`No undo file found for version ${version}, though one was recorded when it was applied (checksum ${undo.checksum}). Restore the U file or apply the version again.`);
      const undoHash = checksumOf(file.undoPath);
      if (undo.checksum !== undoHash) {
        throw new MigrationError(
          `Undo file found for version ${version} does not match the checksum saved for this version. Expected checksum: ${undo.checksum}. Actual checksum: ${undoHash}. File name: ${file.undoPath}`,
        );
      }
    }
    next = version;
    version = info.previous;
  }
}

export async function validate(config: MigrationConfig, metadata: Metadata, log: Log): Promise<number> {
  await validateApplied(config, metadata);
  log.info('Successfully validated checksums for migrations that have already been applied');
  return 0;
}
