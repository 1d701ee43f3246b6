// Migration files: V<6 digits>__<description>.sql, and Eddy's optional undo file
// U<6 digits>__<description>.sql beside it. Checksums are the MD5 of the file's bytes.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError } from './errors.js';

const FILE_PATTERN = /^([VU])([0-9]{6})__(.+)\.sql$/;
const INVALID_FILENAME_CHARS = /\s|\/|\\|:|\*|\?|"|<|>|\|/g;

export interface MigrationFile {
  version: number;
  /** The description with `_` shown as a space. */
  name: string;
  path: string;
  /** The U file for this version, when there is one. */
  undoPath?: string;
}

export function filePrefix(version: number): string {
  return 'V' + String(version).padStart(6, '0');
}

export function newFileNames(version: number, description: string): { migration: string; undo: string } {
  const suffix = description.replace(INVALID_FILENAME_CHARS, '_');
  const digits = String(version).padStart(6, '0');
  return { migration: `V${digits}__${suffix}.sql`, undo: `U${digits}__${suffix}.sql` };
}

export interface DirectoryListing {
  migrations: MigrationFile[];
  /** Names of files that match neither pattern (ksql-migrations warns and skips them). */
  skipped: string[];
}

/** All V files in version order, each with its U file; throws on duplicate versions. */
export function listMigrations(dir: string): DirectoryListing {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error();
    names = readdirSync(dir).sort();
  } catch {
    throw new MigrationError(`${dir} is not a directory.`);
  }
  const byVersion = new Map<number, MigrationFile>();
  const undos = new Map<number, string[]>();
  const skipped: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) continue;
    const m = FILE_PATTERN.exec(name);
    if (!m) {
      skipped.push(name);
      continue;
    }
    const version = Number(m[2]);
    if (version <= 0) throw new MigrationError(`MigrationFile file versions must be positive. Found: ${name}`);
    if (m[1] === 'U') {
      undos.set(version, [...(undos.get(version) ?? []), path]);
      continue;
    }
    const existing = byVersion.get(version);
    if (existing) {
      throw new MigrationError(`Found multiple migration files with the same version. Version: ${version}. Files: '${path}', '${existing.path}'`);
    }
    byVersion.set(version, { version, name: m[3]!.replace(/_/g, ' '), path });
  }
  for (const [version, paths] of undos) {
    if (paths.length > 1) throw new MigrationError(`Found multiple undo files with the same version. Version: ${version}. Files: '${paths.join("', '")}'`);
    const migration = byVersion.get(version);
    if (!migration) throw new MigrationError(`Undo file ${paths[0]} has no migration file V${String(version).padStart(6, '0')}__*.sql beside it.`);
    migration.undoPath = paths[0];
  }
  return { migrations: [...byVersion.values()].sort((a, b) => a.version - b.version), skipped };
}

export function migrationFor(dir: string, version: number): MigrationFile | undefined {
  return listMigrations(dir).migrations.find((m) => m.version === version);
}

export function checksumOf(path: string): string {
  try {
    return createHash('md5').update(readFileSync(path)).digest('hex');
  } catch (err) {
    throw new MigrationError(`Could not compute hash for file '${path}': ${(err as Error).message}`);
  }
}

export function readMigration(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new MigrationError(`Failed to read ${path}: ${(err as Error).message}`);
  }
}

