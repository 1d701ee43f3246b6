#!/usr/bin/env node
// The `eddy` command: `eddy server …` runs a server; `eddy [url]` opens the REPL, or runs
// statements with -e/-f and exits.

import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { loadServerConfig, parsePropertiesText } from '../src/config/index.js';
import { KsqlClient, ConnectionError, authorizationFor } from './client.js';
import { Session, type Output } from './session.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { eddyVersion } from './version.js';
import { DEFAULT_HOST, exposureWarning } from '../src/server/server.js';
import { EXIT, scriptExitCode } from './exit-codes.js';

const USAGE = `Usage:
  eddy server [--port 8088] [--host 127.0.0.1] [--data-dir ./eddy-data] [--config-file f.properties]
              [--broker-port 9092] [--no-broker] [--kafka host:port[,host:port...]]
              [--schema-registry-port 8081] [--no-schema-registry]
  eddy [url] [-e "SQL"] [-f file.sql] [--continue-on-error] [--dry-run] [--output TABULAR|VERTICAL|JSON] [-d name=value]... [--config-file f.properties]
       [--embedded] [-u user -p password | --api-key key]
  eddy topic list|create|delete|describe|produce|consume …   (eddy topic --help)
  eddy schema list|get|register|check|delete …              (eddy schema --help)
  eddy migrations [-c ksql-migrations.properties] <command> …   (eddy migrations help)
  eddy doctor [url] [--user u:p] [--bootstrap-server h:p] [--schema-registry url] [--data-dir d]   (eddy doctor --help)

  url defaults to http://localhost:8088. When no server answers there, eddy starts one inside
  the same process (data dir ./eddy-data); for any other url that does not answer, eddy
  stops with an error unless --embedded asks for an in-process server at that (local) url.
  --continue-on-error runs every statement of -e/-f, reporting each failure at its line, and
  exits 1 at the end when any failed. --dry-run shows what each statement would change
  (for CREATE OR REPLACE of a running query: its steps before and after) and runs nothing.
  -u/-p (or EDDY_PASSWORD) log in to a server with authentication.method=BASIC; --api-key (or
  EDDY_API_KEY) sends an API key as a bearer token.
  --kafka (or bootstrap.servers in the config) runs the engine on that Kafka cluster instead
  of the embedded log; local state stays in the data dir.
  Server settings come from --config-file and EDDY_* environment variables
  (EDDY_KSQL_SERVICE_ID=x sets ksql.service.id=x).

Exit codes: 0 all ran; 1 a statement failed; 2 a bad command line; 3 the server could not be
  reached or the connection was lost; 130 interrupted with Ctrl-C.`;

function fail(message: string, code: number = EXIT.USAGE): never {
  process.stderr.write(message + '\n');
  process.exit(code);
}

// A reader that stops early (`| head`) closes the pipe: every command then ends quietly. A
// server's output is only informational, so it keeps running (and stops cleanly) instead.
const argv = process.argv.slice(2);
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (argv[0] !== 'server') process.exit(0);
  });
}

function portOf(listeners: unknown): number | undefined {
  const m = /:(\d+)\/?$/.exec(String(listeners ?? '').split(',')[0]!.trim());
  return m ? Number(m[1]) : undefined;
}

async function serverCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'config-file': { type: 'string' },
      'broker-port': { type: 'string' },
      'no-broker': { type: 'boolean' },
      'schema-registry-port': { type: 'string' },
      'no-schema-registry': { type: 'boolean' },
      kafka: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const configFile = values['config-file'];
  if (configFile && !existsSync(configFile)) fail(`Config file not found: ${configFile}`);
  const config = loadServerConfig({ file: configFile, env: process.env });
  if (values.kafka !== undefined) {
    if (!/^\s*[^\s,:]+:\d+\s*(,\s*[^\s,:]+:\d+\s*)*$/.test(values.kafka)) fail(`--kafka takes host:port[,host:port...], got '${values.kafka}'`);
    config['bootstrap.servers'] = values.kafka;
  }
  const port = values.port !== undefined ? Number(values.port) : (portOf(config.listeners) ?? 8088);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got '${values.port}'`);
  const dataDir = resolve(values['data-dir'] ?? String(config['eddy.data.dir'] ?? './eddy-data'));
  const host = values.host ?? DEFAULT_HOST;

  // On a Kafka cluster, servers with one service id share the work (src/runtime/cluster) and forward pull queries to each other.
  if (config['bootstrap.servers']) {
    config['eddy.cluster.enabled'] ??= true;
    if (port !== 0) config['ksql.advertised.listener'] ??= `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
  }
  const brokerPort = values['no-broker'] ? null : Number(values['broker-port'] ?? 9092);
  if (brokerPort !== null && (!Number.isInteger(brokerPort) || brokerPort < 0 || brokerPort > 65535)) {
    fail(`--broker-port must be a port number, got '${values['broker-port']}'`);
  }

  const schemaRegistryPort = values['no-schema-registry'] ? null : Number(values['schema-registry-port'] ?? 8081);
  if (schemaRegistryPort !== null && (!Number.isInteger(schemaRegistryPort) || schemaRegistryPort < 0 || schemaRegistryPort > 65535)) {
    fail(`--schema-registry-port must be a port number, got '${values['schema-registry-port']}'`);
  }

  let embedded: EmbeddedServer;
  try {
    // The default port may be taken (another server, a Confluent registry): go on without serving it then.
    embedded = await startEmbedded({ dataDir, port, host, config, brokerPort, schemaRegistryPort, schemaRegistryOptional: values['schema-registry-port'] === undefined });
  } catch (err) {
    fail(`Eddy server could not start: ${(err as Error).message}`, EXIT.STATEMENT_FAILED);
  }
  process.stdout.write(`Eddy server v${eddyVersion()} listening on ${embedded.server.url} (data dir ${dataDir})\n`);
  const restAuthenticated = String(config['authentication.method'] ?? 'NONE').toUpperCase() !== 'NONE';
  const restWarning = restAuthenticated ? undefined : exposureWarning('The REST API', host, embedded.server.port);
  if (restWarning) process.stderr.write(restWarning + '\n');
  if (config['ksql.queries.file']) process.stdout.write(`Server ${eddyVersion()} started with query file ${String(config['ksql.queries.file'])}. Interactive mode is disabled.\n`);
  if (config['bootstrap.servers']) process.stdout.write(`Using the Kafka cluster at ${String(config['bootstrap.servers'])}\n`);
  if (embedded.broker) {
    const protocol = embedded.broker.securityProtocol;
    process.stdout.write(`Embedded Kafka broker listening on ${embedded.broker.listenAddress} (bootstrap.servers=${embedded.broker.address})\n`);
    const authn = protocol.startsWith('SASL') ? 'SASL authentication required' : 'no authentication';
    process.stdout.write(`Embedded Kafka broker security.protocol=${protocol}: ${authn}, ${embedded.broker.acls ? 'ACLs checked' : 'no ACLs'}\n`);
    const brokerWarning = protocol.startsWith('SASL') ? undefined : exposureWarning('The embedded Kafka broker', host, embedded.broker.port);
    if (brokerWarning) process.stderr.write(brokerWarning + '\n');
  } else if (embedded.brokerNote) {
    process.stdout.write(embedded.brokerNote + '\n');
  }
  if (embedded.schemaRegistry) {
    process.stdout.write(`Embedded Schema Registry listening on ${embedded.schemaRegistry.url} (ksql.schema.registry.url=${embedded.schemaRegistry.url})\n`);
  } else if (embedded.schemaRegistryNote) {
    process.stdout.write(embedded.schemaRegistryNote + '\n');
  }
  let stopping = false;
  /** `reason` is a signal name, or what ended the parent process. */
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${reason.startsWith('SIG') ? `Received ${reason}` : `Parent process gone (${reason})`}: stopping Eddy server...\n`);
    embedded.close().then(
      () => {
        process.stdout.write('Eddy server stopped.\n');
        process.exit(0);
      },
      (err: Error) => fail(`Error while stopping: ${err.message}`, EXIT.STATEMENT_FAILED),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  stopWithPackageManager(stop);
}

/**
 * Under `npx eddy server` (npm → sh → node) a supervisor's SIGTERM ends npm and its shell but
 * never reaches this process: when started by a package manager, stop once the parent is gone.
 */
function stopWithPackageManager(stop: (reason: string) => void): void {
  if (process.env.npm_config_user_agent === undefined) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('npm');
  }, 500).unref();
}

function isLocalUrl(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname);
}

const DEFAULT_URL = 'http://localhost:8088';

/**
 * Connects to the URL, or starts an embedded server there when nothing answers and either
 * the URL is the default one or --embedded asks for it (a mistyped port must not silently
 * get an empty server of its own).
 */
async function connect(url: string, embeddedWanted: boolean, say: (line: string) => void, authorization?: string): Promise<{ client: KsqlClient; embedded?: EmbeddedServer }> {
  const client = new KsqlClient(url, authorization);
  try {
    await client.info();
    return { client };
  } catch (err) {
    if (!(err instanceof ConnectionError)) throw err;
    const parsed = new URL(url);
    if (!embeddedWanted) {
      throw new ConnectionError(
        `${err.message}\nNo Eddy server answers at ${url}. Check the url, start one with 'eddy server', or pass --embedded to run one inside this process.`,
      );
    }
    if (!isLocalUrl(parsed)) throw new ConnectionError(`${err.message}\n--embedded starts a server only at a local url (localhost, 127.0.0.1).`);
    const port = parsed.port === '' ? 80 : Number(parsed.port);
    const dataDir = resolve('./eddy-data');
    const embedded = await startEmbedded({
      dataDir,
      port,
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      config: loadServerConfig({ env: process.env }),
      schemaRegistryPort: 8081,
      schemaRegistryOptional: true,
    });
    say(`No server answered at ${url}: started an embedded Eddy server there (data dir ${dataDir}).`);
    return { client, embedded };
  }
}

async function clientCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      execute: { type: 'string', short: 'e' },
      file: { type: 'string', short: 'f' },
      output: { type: 'string' },
      define: { type: 'string', short: 'd', multiple: true },
      'config-file': { type: 'string' },
      'continue-on-error': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      embedded: { type: 'boolean' },
      user: { type: 'string', short: 'u' },
      password: { type: 'string', short: 'p' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const password = values.password ?? process.env.EDDY_PASSWORD;
  if (password !== undefined && values.user === undefined) fail('--password (or EDDY_PASSWORD) needs --user NAME');
  const authorization = authorizationFor({ user: values.user, password, apiKey: values['api-key'] ?? process.env.EDDY_API_KEY });
  if (values.version) {
    process.stdout.write(`eddy ${eddyVersion()}\n`);
    return;
  }
  if (positionals.length > 1) fail(`Expected at most one server url, got: ${positionals.join(' ')}\n\n${USAGE}`);
  const url = positionals[0] ?? DEFAULT_URL;
  try {
    new URL(url);
  } catch {
    fail(`Not a valid server url: ${url}`);
  }
  const output = (values.output ?? 'TABULAR').toUpperCase();
  if (!['TABULAR', 'VERTICAL', 'JSON'].includes(output)) fail(`--output must be TABULAR, VERTICAL or JSON, got '${values.output}'`);

  const properties: Record<string, unknown> = {};
  if (values['config-file']) {
    try {
      Object.assign(properties, parsePropertiesText(readFileSync(values['config-file'], 'utf8')));
    } catch (err) {
      fail(`Cannot read config file: ${(err as Error).message}`);
    }
  }
  const variables: Record<string, string> = {};
  for (const d of values.define ?? []) {
    const eq = d.indexOf('=');
    if (eq <= 0) fail(`--define expects name=value, got '${d}'`);
    variables[d.slice(0, eq)] = d.slice(eq + 1);
  }

  const interactive = values.execute === undefined && values.file === undefined;
  let conn: { client: KsqlClient; embedded?: EmbeddedServer };
  try {
    conn = await connect(url, values.embedded === true || url === DEFAULT_URL, (line) => process.stderr.write(line + '\n'), authorization);
  } catch (err) {
    fail((err as Error).message, err instanceof ConnectionError ? EXIT.UNREACHABLE : EXIT.STATEMENT_FAILED);
  }

  if (interactive) {
    // Ink switches to print-only-on-exit when CI or CONTINUOUS_INTEGRATION is set; a person at
    // a terminal is never a CI job, so the live REPL must render frames regardless.
    if (process.stdout.isTTY) {
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
    }
    const { runRepl } = await import('./repl/run-repl.js');
    await runRepl({ client: conn.client, embedded: conn.embedded, properties, variables, output });
    await conn.embedded?.close();
    process.exit(0);
  }

  const session = new Session(conn.client, scriptOutput(), () => process.stdout.columns || 120);
  session.setOutput(output);
  session.continueOnError = values['continue-on-error'] === true;
  Object.assign(session.properties, properties);
  Object.assign(session.variables, variables);
  if (values['dry-run']) {
    const { dryRunScript } = await import('./migrations/commands/plan-diff.js');
    const { streamLog } = await import('./migrations/log.js');
    const text = values.execute ?? readFileSync(values.file!, 'utf8');
    await dryRunScript(url, text, variables, streamLog(process.stdout, process.stderr));
    await conn.embedded?.close();
    process.exit(0);
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let ok: boolean;
  if (values.execute !== undefined) ok = await session.runText(values.execute, abort.signal);
  else ok = await session.runScript(values.file!, abort.signal);
  await conn.embedded?.close();
  process.exit(scriptExitCode(ok, session.lastFailure, abort.signal.aborted));
}

/** Output of -e/-f: results on stdout; a progress line on stderr when that is a terminal. */
function scriptOutput(): Output {
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\x1b[2K');
    progressShown = false;
  };
  return {
    print: (lines) => {
      clearProgress();
      process.stdout.write(lines.join('\n') + '\n');
    },
    error: (lines) => {
      clearProgress();
      process.stderr.write(lines.join('\n') + '\n');
    },
    progress: process.stderr.isTTY
      ? (line) => {
          if (line === null) return clearProgress();
          process.stderr.write('\r\x1b[2K' + line.slice(0, (process.stderr.columns || 80) - 1));
          progressShown = true;
        }
      : undefined,
  };
}

async function topicCommandLine(args: string[]): Promise<void> {
  const { topicCommand } = await import('./topic.js');
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const code = await topicCommand(args, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: abort.signal });
  process.exit(code);
}

async function migrationsCommandLine(args: string[]): Promise<void> {
  const { migrationsCommand } = await import('./migrations/index.js');
  process.exit(await migrationsCommand(args, { stdout: process.stdout, stderr: process.stderr }));
}

async function schemaCommandLine(args: string[]): Promise<void> {
  const { schemaCommand } = await import('./schema.js');
  process.exit(await schemaCommand(args, { stdout: process.stdout, stderr: process.stderr, env: process.env }));
}

async function doctorCommandLine(args: string[]): Promise<void> {
  const { doctorCommand } = await import('./doctor.js');
  process.exit(await doctorCommand(args, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }));
}

const run =
  argv[0] === 'doctor'
    ? doctorCommandLine(argv.slice(1))
    : argv[0] === 'server'
    ? serverCommand(argv.slice(1))
    : argv[0] === 'topic'
      ? topicCommandLine(argv.slice(1))
      : argv[0] === 'migrations'
        ? migrationsCommandLine(argv.slice(1))
        : argv[0] === 'schema'
          ? schemaCommandLine(argv.slice(1))
          : clientCommand(argv);
run.catch((err: Error) => fail(err.stack ?? err.message, EXIT.STATEMENT_FAILED));
