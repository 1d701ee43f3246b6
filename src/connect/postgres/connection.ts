// PostgreSQL connections from Kafka Connect's JDBC settings: connection.url (a JDBC URL,
// jdbc:postgresql://host:port/db?user=..&password=.., or a postgres:// URL) with
// connection.user and connection.password.

import pg from 'pg';
import type { ConnectorConfig } from '../config.js';
import { ConnectorConfigError } from '../config.js';

export function postgresClientConfig(config: ConnectorConfig): pg.ClientConfig {
  const raw = config.string('connection.url');
  const url = parseUrl(config.connector, raw);
  const user = config.optional('connection.user') ?? (decodeURIComponent(url.username) || url.searchParams.get('user') || undefined);
  const password = config.optional('connection.password') ?? (decodeURIComponent(url.password) || url.searchParams.get('password') || undefined);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 5432,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    application_name: `eddy-connect-${config.connector}`,
    connectionTimeoutMillis: 10_000,
  };
}

function parseUrl(connector: string, raw: string): URL {
  const plain = raw.replace(/^jdbc:/, '');
  if (!/^postgres(ql)?:\/\//.test(plain)) {
    throw new ConnectorConfigError(
      `Connector ${connector}: invalid value for 'connection.url': '${raw}' is not a PostgreSQL URL; write jdbc:postgresql://host:port/database (or postgres://user:password@host:port/database).`,
    );
  }
  try {
    return new URL(plain.replace(/^postgres(ql)?:/, 'http:'));
  } catch {
    throw new ConnectorConfigError(`Connector ${connector}: invalid value for 'connection.url': '${raw}' cannot be parsed as a URL.`);
  }
}

/** Connects, and ends the connection when the signal aborts (so a blocked query returns). */
export async function connectPostgres(config: pg.ClientConfig, signal: AbortSignal): Promise<pg.Client> {
  const client = new pg.Client(config);
  // A dropped connection surfaces in the next query; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    const where = `${config.host}:${config.port}/${config.database ?? ''}`;
    throw new Error(`cannot connect to PostgreSQL at ${where} as ${config.user ?? '(no user)'}: ${(e as Error).message}. Check connection.url, connection.user and connection.password.`, { cause: e });
  }
  const end = () => void client.end().catch(() => undefined);
  if (signal.aborted) end();
  else signal.addEventListener('abort', end, { once: true });
  return client;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A table name as written in table.name.format: `schema.table` or `table`, quoted. */
export function qualifiedTable(name: string): { schema?: string; table: string; sql: string } {
  const dot = name.indexOf('.');
  if (dot < 0) return { table: name, sql: quoteIdent(name) };
  const schema = name.slice(0, dot);
  const table = name.slice(dot + 1);
  return { schema, table, sql: `${quoteIdent(schema)}.${quoteIdent(table)}` };
}
