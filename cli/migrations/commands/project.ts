// new-project and create: files only, no server needed.

import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, CONFIG_GROUPS, KEYS, MIGRATIONS_DIR, migrationsDirOf, readConfigProperties } from '../config.js';
import { MigrationError } from '../errors.js';
import { listMigrations, migrationFor, newFileNames } from '../files.js';
import type { Log } from '../log.js';

export function newProject(args: string[], configFile: string | undefined, log: Log): number {
  if (configFile) {
    log.error('This command does not expect a config file to be passed. Rather, this command will create one as part of preparing the migrations directory.');
    return 1;
  }
  if (args.length !== 2) {
    log.error(`Unexpected number of arguments to \`eddy migrations new-project\`. Expected: 2. Got: ${args.length}. See \`eddy migrations help new-project\` for usage.`);
    return 1;
  }
  const [projectPath, serverUrl] = args as [string, string];
  log.info(`Creating new migrations project at ${projectPath}`);
  if (!createDirectory(projectPath, log) || !createDirectory(join(projectPath, MIGRATIONS_DIR), log)) return 1;
  const file = join(projectPath, CONFIG_FILE_NAME);
  if (existsSync(file)) {
    log.error(`Failed to create file. File already exists: ${file}`);
    return 1;
  }
  log.info(`Creating file: ${file}`);
  const text = initialConfig(serverUrl);
  log.info(`Writing to config file: ${text}`);
  writeFileSync(file, text + '\n');
  log.info('Migrations project directory created successfully');
  return 0;
}

function createDirectory(path: string, log: Log): boolean {
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      log.warn(`${path} already exists. Skipping directory creation.`);
      return true;
    }
    log.error(`${path} already exists as a file. Cannot create directory.`);
    return false;
  }
  try {
    log.info(`Creating directory: ${path}`);
    mkdirSync(path, { recursive: true });
    return true;
  } catch (err) {
    log.error(`Failed to create directory ${path}: ${(err as Error).message}`);
    return false;
  }
}

function initialConfig(serverUrl: string): string {
  let text = `${KEYS.serverUrl}=${serverUrl}`;
  for (const [header, keys] of CONFIG_GROUPS) {
    text += `\n\n# ${header}:`;
    for (const [key, value] of keys) text += `\n# ${key}=${value}`;
  }
  return text;
}

export function createMigration(description: string | undefined, version: number | undefined, withUndo: boolean, configFile: string, log: Log): number {
  if (description === undefined || description.trim() === '') {
    log.error('Description cannot be empty.');
    return 1;
  }
  const props = readConfigProperties(configFile);
  const dir = migrationsDirOf(configFile, props[KEYS.dirOverride]);
  if (version !== undefined) {
    const existing = migrationFor(dir, version);
    if (existing) {
      log.error(`Found existing migrations file for version ${version}: ${existing.path}`);
      return 1;
    }
  }
  const versions = listMigrations(dir).migrations.map((m) => m.version);
  const next = version ?? (versions.length > 0 ? versions[versions.length - 1]! + 1 : 1);
  if (next <= 0) throw new MigrationError(`Invalid version file version: ${next}. Version must be a positive integer.`);
  if (next > 999999) throw new MigrationError(`Invalid version file version: ${next}. Version must fit into a six-digit integer.`);
  const names = newFileNames(next, description);
  for (const name of withUndo ? [names.migration, names.undo] : [names.migration]) {
    const path = join(dir, name);
    log.info(`Creating migration file: ${path}`);
    try {
      writeFileSync(path, '', { flag: 'wx' });
    } catch (err) {
      throw new MigrationError(`Failed to create file ${path}: ${(err as Error).message}`);
    }
  }
  log.info('Migration file successfully created');
  return 0;
}
