// The Kafka Connect backend (ksql.connect.url): connector statements become calls of a Kafka
// Connect cluster's REST API, as ksqlDB makes them; the cluster keeps and runs the connectors.

import { KsqlError } from '../common/errors.js';
import type { ConnectorBackend, ConnectorDetails, ConnectorInfo, ConnectorStateInfo, SimpleConnectorInfo } from './shapes.js';

const TIMEOUT_MS = 30_000;

/** The connector was created meanwhile (by another client, or between exists() and create()). */
export class ConnectorExistsError extends KsqlError {
  constructor(readonly connectorName: string) {
    super(`Connector ${connectorName} already exists`);
  }
}

function isExistsConflict(json: unknown): boolean {
  const message = (json as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && /already exists/i.test(message);
}

export class KafkaConnectBackend implements ConnectorBackend {
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  private async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new KsqlError(`Cannot reach the Kafka Connect cluster at ${this.base} (ksql.connect.url): ${(e as Error).message}. Check that it runs, or unset ksql.connect.url to use the built-in connectors.`);
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  private failure(what: string, r: { status: number; json: unknown }): KsqlError {
    const detail = typeof r.json === 'string' ? r.json : JSON.stringify(r.json);
    return new KsqlError(`Failed to ${what}: ${detail || `HTTP ${r.status}`}`);
  }

  /**
   * Kafka Connect answers 409 while its workers rebalance or its config topic is catching up
   * ("Cannot complete request momentarily due to stale configuration"); such a request is
   * asked again for a while. A 409 saying the connector exists is final.
   */
  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const r = await this.request(method, path, body);
      if (r.status !== 409 || isExistsConflict(r.json) || Date.now() > deadline) return r;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async create(name: string, _type: 'SOURCE' | 'SINK', config: Record<string, string>): Promise<ConnectorInfo> {
    const r = await this.call('POST', '/connectors', { name, config: { ...config, name } });
    if (r.status === 409 && isExistsConflict(r.json)) throw new ConnectorExistsError(name);
    if (r.status !== 201 && r.status !== 200) throw this.failure('create connector', r);
    return r.json as ConnectorInfo;
  }

  async exists(name: string): Promise<boolean> {
    const r = await this.call('GET', `/connectors/${encodeURIComponent(name)}`);
    if (r.status === 200) return true;
    if (r.status === 404) return false;
    throw this.failure(`look up connector ${name}`, r);
  }

  async drop(name: string): Promise<boolean> {
    const r = await this.call('DELETE', `/connectors/${encodeURIComponent(name)}`);
    if (r.status === 404) return false;
    if (r.status >= 300) throw this.failure(`drop connector ${name}`, r);
    return true;
  }

  async list(): Promise<SimpleConnectorInfo[]> {
    const r = await this.call('GET', '/connectors?expand=info&expand=status');
    if (r.status !== 200) throw this.failure('list connectors', r);
    const all = r.json as Record<string, { info?: ConnectorInfo; status?: ConnectorStateInfo }>;
    return Object.entries(all)
      .map(([name, v]) => ({
        name,
        type: v.info?.type ?? v.status?.type ?? 'unknown',
        className: v.info?.config['connector.class'] ?? '',
        state: v.status?.connector.state ?? 'UNASSIGNED',
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async describe(name: string): Promise<ConnectorDetails | undefined> {
    const path = `/connectors/${encodeURIComponent(name)}`;
    const info = await this.call('GET', path);
    if (info.status === 404) return undefined;
    if (info.status !== 200) throw this.failure(`describe connector ${name}`, info);
    const status = await this.call('GET', `${path}/status`);
    if (status.status !== 200) throw this.failure(`read the status of connector ${name}`, status);
    const topics = await this.call('GET', `${path}/topics`);
    const topicList = topics.status === 200 ? ((topics.json as Record<string, { topics: string[] }>)[name]?.topics ?? []) : [];
    return { connectorClass: (info.json as ConnectorInfo).config['connector.class'] ?? '', status: status.json as ConnectorStateInfo, topics: topicList };
  }
}
