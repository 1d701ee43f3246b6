// The migrations tool's REST client: only the ksqlDB REST API (/info, /ksql, /query), so it
// works against Eddy or any ksqlDB-compatible server. node:http(s) rather than fetch, because
// TLS trust stores, client keys and host verification need per-request socket options.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { readFileSync } from 'node:fs';
import { MigrationError } from './errors.js';
import { columnNamesOf } from '../client.js';

export interface RestOptions {
  url: string;
  username?: string;
  password?: string;
  /** PEM files (Node has no JKS reader): trusted CAs, and the client certificate + key. */
  trustStore?: string;
  keyStore?: string;
  keyPassword?: string;
  alpn?: boolean;
  verifyHost?: boolean;
  /** Extra request headers (--headers file). */
  headers?: Record<string, string>;
}

export type Json = Record<string, unknown>;

export interface ServerInfo {
  version: string;
  kafkaClusterId?: string;
  ksqlServiceId: string;
}

export class RestClient {
  private readonly tls: RequestOptions & { ALPNProtocols?: string[] } = {};

  constructor(private readonly options: RestOptions) {
    if (options.trustStore) this.tls.ca = readPem(options.trustStore, 'ssl.truststore.location');
    if (options.keyStore) {
      const pem = readPem(options.keyStore, 'ssl.keystore.location');
      this.tls.cert = pem;
      this.tls.key = pem;
      if (options.keyPassword) this.tls.passphrase = options.keyPassword;
    }
    if (options.verifyHost === false) this.tls.checkServerIdentity = () => undefined;
    if (options.alpn) this.tls.ALPNProtocols = ['http/1.1'];
  }

  get url(): string {
    return this.options.url;
  }

  async serverInfo(): Promise<ServerInfo> {
    let body: Json;
    try {
      body = (await this.send('GET', '/info')) as Json;
    } catch (err) {
      throw new MigrationError(`Failed to query ${this.options.url}/info: ${(err as Error).message}`);
    }
    const info = body.KsqlServerInfo as Json | undefined;
    if (!info) {
      throw new MigrationError(
        `Unexpected response from ${this.options.url}/info\nPlease ensure that ${this.options.url} is an active ksqlDB server and that the version of the migration tool is compatible with the version of the ksqlDB server.`,
      );
    }
    return { version: String(info.version ?? ''), kafkaClusterId: info.kafkaClusterId as string | undefined, ksqlServiceId: String(info.ksqlServiceId ?? 'default_') };
  }

  /** Runs statements on /ksql and returns the entities; a statement error throws its message. */
  async executeStatement(sql: string, properties: Json = {}, variables: Record<string, string> = {}): Promise<Json[]> {
    const entities = (await this.send('POST', '/ksql', { ksql: sql, streamsProperties: properties, sessionVariables: variables })) as Json[];
    const failed = entities.find((e) => (e.commandStatus as Json | undefined)?.status === 'ERROR');
    if (failed) throw new Error(String((failed.commandStatus as Json).message));
    return entities;
  }

  /** Runs a pull query and returns its rows as objects keyed by upper-case column name. */
  async pullQuery(sql: string): Promise<Record<string, unknown>[]> {
    const items = (await this.send('POST', '/query', { ksql: sql, streamsProperties: {} })) as Json[];
    let names: string[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const item of items) {
      if (item.header) names = columnNamesOf(String((item.header as Json).schema ?? '')).map((n) => n.toUpperCase());
      else if (item.row) {
        const columns = (item.row as Json).columns as unknown[];
        rows.push(Object.fromEntries(columns.map((v, i) => [names[i] ?? String(i), v])));
      } else if (item.errorMessage) throw new Error(String((item.errorMessage as Json).message));
    }
    return rows;
  }

  private send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const target = new URL(path, this.options.url);
    const headers: Record<string, string> = { accept: 'application/vnd.ksql.v1+json', ...(this.options.headers ?? {}) };
    if (this.options.username) {
      headers.authorization = 'Basic ' + Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64');
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/vnd.ksql.v1+json';
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(target, { method, headers, timeout: 60_000, ...(target.protocol === 'https:' ? this.tls : {}) }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          if ((res.statusCode ?? 500) >= 300) {
            const message = (parsed as Json | undefined)?.message;
            reject(new Error(typeof message === 'string' ? message : `HTTP ${res.statusCode}: ${text}`));
          } else if (parsed === undefined) reject(new Error(`Unexpected response from ${target.href}: ${text}`));
          else resolve(parsed);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${target.href} within 60 s`)));
      req.on('error', (err) => reject(new Error(`Could not connect to ${target.origin}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}

function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new MigrationError(`Cannot read ${key} '${path}': ${(err as Error).message}`);
  }
}
