#!/usr/bin/env node
// The `eddy` command: `eddy server …` runs a server; `eddy [url]` opens the REPL, or runs
// statements with -e/-f and exits.

import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { loadServerConfig, parsePropertiesText } from '../src/config/index.js';
import { KsqlClient, ConnectionError } from './client.js';
import { Session, type OutputFormat } from './session.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { eddyVersion } from './version.js';
import { DEFAULT_HOST, exposureWarning } from '../src/server/server.js';

const USAGE = `Usage:
  eddy server [--port 8088] [--host 127.0.0.1] [--data-dir ./eddy-data] [--config-file f.properties]
              [--broker-port 9092] [--no-broker] [--kafka host:port[,host:port...]]
  eddy [url] [-e "SQL"] [-f file.sql] [--output TABULAR|JSON] [-d name=value]... [--config-file f.properties]
  eddy topic list|create|delete|describe|produce|consume …   (eddy topic --help)

  url defaults to http://localhost:8088. When no server answers at a local url, eddy starts
  one inside the same process (data dir ./eddy-data).
  --kafka (or bootstrap.servers in the config) runs the engine on that Kafka cluster instead
  of the embedded log; local state stays in the data dir.
  Server settings come from --config-file and EDDY_* environment variables
  (EDDY_KSQL_SERVICE_ID=x sets ksql.service.id=x).`;

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
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

  const brokerPort = values['no-broker'] ? null : Number(values['broker-port'] ?? 9092);
  if (brokerPort !== null && (!Number.isInteger(brokerPort) || brokerPort < 0 || brokerPort > 65535)) {
    fail(`--broker-port must be a port number, got '${values['broker-port']}'`);
  }

  let embedded: EmbeddedServer;
  try {
    embedded = await startEmbedded({ dataDir, port, host, config, brokerPort });
  } catch (err) {
    fail(`Eddy server could not start: ${(err as Error).message}`);
  }
  process.stdout.write(`Eddy server v${eddyVersion()} listening on ${embedded.server.url} (data dir ${dataDir})\n`);
  const restAuthenticated = String(config['authentication.method'] ?? 'NONE').toUpperCase() !== 'NONE';
  const restWarning = restAuthenticated ? undefined : exposureWarning('The REST API', host, embedded.server.port);
  if (restWarning) process.stderr.write(restWarning + '\n');
  if (config['bootstrap.servers']) process.stdout.write(`Using the Kafka cluster at ${String(config['bootstrap.servers'])}\n`);
  if (embedded.broker) {
    process.stdout.write(`Embedded Kafka broker listening on ${embedded.broker.listenAddress} (bootstrap.servers=${embedded.broker.address})\n`);
    const brokerWarning = exposureWarning('The embedded Kafka broker', host, embedded.broker.port);
    if (brokerWarning) process.stderr.write(brokerWarning + '\n');
  } else if (embedded.brokerNote) {
    process.stdout.write(embedded.brokerNote + '\n');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}: stopping Eddy server...\n`);
    embedded.close().then(
      () => {
        process.stdout.write('Eddy server stopped.\n');
        process.exit(0);
      },
      (err: Error) => fail(`Error while stopping: ${err.message}`),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function isLocalUrl(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname);
}

/** Connects to the URL, or starts an embedded server there when it is local and free. */
async function connect(url: string, say: (line: string) => void): Promise<{ client: KsqlClient; embedded?: EmbeddedServer }> {
  const client = new KsqlClient(url);
  try {
    await client.info();
    return { client };
  } catch (err) {
    if (!(err instanceof ConnectionError)) throw err;
    const parsed = new URL(url);
    if (!isLocalUrl(parsed)) throw err;
    const port = parsed.port === '' ? 80 : Number(parsed.port);
    const dataDir = resolve('./eddy-data');
    const embedded = await startEmbedded({
      dataDir,
      port,
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      config: loadServerConfig({ env: process.env }),
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
  if (values.version) {
    process.stdout.write(`eddy ${eddyVersion()}\n`);
    return;
  }
  if (positionals.length > 1) fail(`Expected at most one server url, got: ${positionals.join(' ')}\n\n${USAGE}`);
  const url = positionals[0] ?? 'http://localhost:8088';
  try {
    new URL(url);
  } catch {
    fail(`Not a valid server url: ${url}`);
  }
  const format = (values.output ?? 'TABULAR').toUpperCase();
  if (format !== 'TABULAR' && format !== 'JSON') fail(`--output must be TABULAR or JSON, got '${values.output}'`);

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
    conn = await connect(url, (line) => process.stderr.write(line + '\n'));
  } catch (err) {
    fail((err as Error).message);
  }

  if (interactive) {
    // Ink switches to print-only-on-exit when CI or CONTINUOUS_INTEGRATION is set; a person at
    // a terminal is never a CI job, so the live REPL must render frames regardless.
    if (process.stdout.isTTY) {
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
    }
    const { runRepl } = await import('./repl/run-repl.js');
    await runRepl({ client: conn.client, embedded: conn.embedded, properties, variables, format: format as OutputFormat });
    await conn.embedded?.close();
    process.exit(0);
  }

  const session = new Session(
    conn.client,
    {
      print: (lines) => process.stdout.write(lines.join('\n') + '\n'),
      error: (lines) => process.stderr.write(lines.join('\n') + '\n'),
    },
    () => process.stdout.columns || 120,
  );
  session.format = format as OutputFormat;
  Object.assign(session.properties, properties);
  Object.assign(session.variables, variables);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let ok: boolean;
  if (values.execute !== undefined) ok = await session.runText(values.execute, abort.signal);
  else ok = await session.runScript(values.file!, abort.signal);
  await conn.embedded?.close();
  process.exit(ok ? 0 : 1);
}

const argv = process.argv.slice(2);
async function topicCommandLine(args: string[]): Promise<void> {
  const { topicCommand } = await import('./topic.js');
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const code = await topicCommand(args, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: abort.signal });
  process.exit(code);
}

const run = argv[0] === 'server' ? serverCommand(argv.slice(1)) : argv[0] === 'topic' ? topicCommandLine(argv.slice(1)) : clientCommand(argv);
run.catch((err: Error) => fail(err.stack ?? err.message));
