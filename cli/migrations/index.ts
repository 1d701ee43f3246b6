// `eddy migrations [-c|--config-file f] <command> [args]`: ksql-migrations' commands, options
// and output, against any ksqlDB-compatible server over REST, plus undo (see docs/migrations.md).

import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { parsePropertiesText } from '../../src/config/index.js';
import { loadConfig } from './config.js';
import { MigrationError } from './errors.js';
import { streamLog, type Log } from './log.js';
import { Metadata } from './metadata.js';
import { apply, type ApplyTarget } from './commands/apply.js';
import { info, validate } from './commands/info.js';
import { destroyMetadata, initializeMetadata, requireMetadata } from './commands/metadata-commands.js';
import { createMigration, newProject } from './commands/project.js';
import { COMMANDS, commandHelp, globalHelp } from './help.js';
import { parseDefines } from './statements.js';

export interface MigrationsIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function migrationsCommand(argv: string[], io: MigrationsIo): Promise<number> {
  const log = streamLog(io.stdout, io.stderr);
  // -c/--config-file may come before or after the command name.
  let configFile: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c' || a === '--config-file') {
      if (argv[i + 1] === undefined) return usageError(log, `Required values for option 'config-file' not provided`);
      configFile = argv[++i];
    } else if (a.startsWith('--config-file=')) configFile = a.slice('--config-file='.length);
    else rest.push(a);
  }
  const [command, ...args] = rest;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout.write(globalHelp());
    return 0;
  }
  if (command === 'help') {
    const topic = args[0];
    if (topic !== undefined && !COMMANDS.some((c) => c.name === topic)) return usageError(log, `Unknown command ${topic}`);
    io.stdout.write(topic === undefined ? globalHelp() : commandHelp(topic));
    return 0;
  }
  if (!COMMANDS.some((c) => c.name === command)) return usageError(log, `Found unexpected parameters: [${command}]. See \`eddy migrations help\` for the commands.`);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const started = Date.now();
  let status: number;
  try {
    status = await run(command, args, configFile, log);
  } catch (err) {
    if (!(err instanceof MigrationError) && !(err as Error).message) throw err;
    log.error((err as Error).message);
    status = 1;
  }
  log.info(`Execution time: ${((Date.now() - started) / 1000).toFixed(4)} seconds`);
  return status;
}

function usageError(log: Log, message: string): number {
  log.error(message);
  return 1;
}

function requireConfig(configFile: string | undefined): string {
  if (configFile === undefined || configFile.trim() === '') {
    throw new MigrationError('Migrations config file required but not specified. Specify with --config-file (or, equivalently, -c).');
  }
  return configFile;
}

async function run(command: string, args: string[], configFile: string | undefined, log: Log): Promise<number> {
  if (command === 'new-project') return newProject(args, configFile, log);
  const file = requireConfig(configFile);
  if (command === 'create') {
    const { values, positionals } = parse(args, { version: { type: 'string', short: 'v' }, 'with-undo': { type: 'boolean' } });
    if (positionals.length > 1) throw new MigrationError(`Found unexpected parameters: [${positionals.slice(1).join(', ')}]`);
    const version = values.version === undefined ? undefined : versionArg('version', values.version as string);
    return createMigration(positionals[0], version, values['with-undo'] === true, file, log);
  }
  if (command === 'apply') {
    const { values, positionals } = parse(args, {
      all: { type: 'boolean', short: 'a' },
      next: { type: 'boolean', short: 'n' },
      until: { type: 'string', short: 'u' },
      version: { type: 'string', short: 'v' },
      undo: { type: 'boolean' },
      goto: { type: 'string' },
      define: { type: 'string', short: 'd', multiple: true },
      headers: { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    if (positionals.length > 0) throw new MigrationError(`Found unexpected parameters: [${positionals.join(', ')}]`);
    const target = applyTarget(values);
    const defines = parseDefines((values.define as string[] | undefined) ?? []);
    const headers = values.headers === undefined ? undefined : loadHeaders(values.headers as string);
    const { config, client } = await loadConfig(file, headers);
    const metadata = new Metadata(config, client);
    await requireMetadata(config, client);
    return apply(config, metadata, { target, defines, dryRun: values['dry-run'] === true }, log);
  }
  if (args.length > 0) throw new MigrationError(`Found unexpected parameters: [${args.join(', ')}]`);
  const { config, client } = await loadConfig(file);
  const metadata = new Metadata(config, client);
  switch (command) {
    case 'initialize-metadata':
      return initializeMetadata(config, client, log);
    case 'destroy-metadata':
      return destroyMetadata(config, client, log);
    case 'info':
      await requireMetadata(config, client);
      return info(config, metadata, log);
    case 'validate':
      await requireMetadata(config, client);
      return validate(config, metadata, log);
  }
  throw new MigrationError(`Unknown command ${command}`);
}

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parse(args: string[], options: Spec): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, unknown>, positionals };
  } catch (err) {
    throw new MigrationError((err as Error).message);
  }
}

function versionArg(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 999999) throw new MigrationError(`${option} '${text}' must be an integer between 1 and 999999`);
  return n;
}

function applyTarget(values: Record<string, unknown>): ApplyTarget {
  const chosen = (['all', 'next', 'until', 'version', 'undo', 'goto'] as const).filter((k) => values[k] !== undefined && values[k] !== false);
  if (chosen.length !== 1) {
    throw new MigrationError(
      `Exactly one of --all, --next, --until, --version, --undo or --goto must be given${chosen.length > 1 ? `; got ${chosen.map((c) => '--' + c).join(', ')}` : ''}. See \`eddy migrations help apply\`.`,
    );
  }
  const k = chosen[0]!;
  if (k === 'all') return { all: true };
  if (k === 'next') return { next: true };
  if (k === 'undo') return { undo: true };
  if (k === 'goto') {
    const text = values.goto as string;
    if (!/^\d+$/.test(text) || Number(text) > 999999) throw new MigrationError(`goto '${text}' must be an integer between 0 and 999999`);
    return { goto: Number(text) };
  }
  if (k === 'until') return { until: versionArg('until', values.until as string) };
  return { version: versionArg('version', values.version as string) };
}

function loadHeaders(path: string): Record<string, string> {
  try {
    return parsePropertiesText(readFileSync(path.trim(), 'utf8'));
  } catch {
    throw new MigrationError(`Could not parse headers file '${path}'.`);
  }
}
