// Connectors for the console, from ksqlDB's statements: SHOW CONNECTORS lists them
// (`connector_list`), DESCRIBE CONNECTOR gives each one's state, tasks and traces
// (`connector_description`, Kafka Connect's status shape). A server whose connector
// statements fail (no connector backend) gives the failure as `unavailable`.

import type { KsqlEntity } from '../../engine/api.js';
import { errorMessage, type ConsoleBackend } from './backend.js';

export interface ConnectorTask {
  id: number;
  state: string;
  trace?: string;
}

export interface ConnectorView {
  name: string;
  type: string;
  className: string;
  state: string;
  tasks: ConnectorTask[];
  topics: string[];
  /** The connector's or a task's trace, or a DESCRIBE failure: what to show as its last error. */
  lastError?: string;
}

export interface ConnectorsAnswer {
  /** Why the server cannot list connectors (the statement's own message), when it cannot. */
  unavailable?: string;
  connectors: ConnectorView[];
}

const quoted = (name: string): string => '`' + name.replace(/`/g, '``') + '`';

function field(o: unknown, key: string): unknown {
  return o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function fromDescription(base: ConnectorView, d: KsqlEntity): ConnectorView {
  const status = field(d, 'status');
  const connector = field(status, 'connector');
  const rawTasks = field(status, 'tasks');
  const tasks: ConnectorTask[] = Array.isArray(rawTasks)
    ? rawTasks.map((t) => ({ id: Number(field(t, 'id') ?? 0), state: text(field(t, 'state')), ...(field(t, 'trace') ? { trace: text(field(t, 'trace')) } : {}) }))
    : [];
  const errors = field(d, 'errors');
  const lastError =
    text(field(connector, 'trace')) || tasks.find((t) => t.trace)?.trace || (Array.isArray(errors) && errors.length > 0 ? errors.map(text).join('\n') : undefined);
  const topics = field(d, 'topics');
  return {
    ...base,
    className: text(field(d, 'connectorClass')) || base.className,
    state: text(field(connector, 'state')) || base.state,
    tasks,
    topics: Array.isArray(topics) ? topics.map(text) : [],
    ...(lastError ? { lastError } : {}),
  };
}

export async function listConnectors(backend: ConsoleBackend): Promise<ConnectorsAnswer> {
  let list: KsqlEntity;
  try {
    list = await backend.statement('SHOW CONNECTORS;');
  } catch (err) {
    return { unavailable: errorMessage(err), connectors: [] };
  }
  const raw = field(list, 'connectors');
  const connectors: ConnectorView[] = [];
  for (const c of Array.isArray(raw) ? raw : []) {
    const base: ConnectorView = { name: text(field(c, 'name')), type: text(field(c, 'type')), className: text(field(c, 'className')), state: text(field(c, 'state')), tasks: [], topics: [] };
    try {
      connectors.push(fromDescription(base, await backend.statement(`DESCRIBE CONNECTOR ${quoted(base.name)};`)));
    } catch (err) {
      connectors.push({ ...base, lastError: `DESCRIBE CONNECTOR failed: ${errorMessage(err)}` });
    }
  }
  const warnings = field(list, 'warnings');
  if (connectors.length === 0 && Array.isArray(warnings) && warnings.length > 0) {
    return { unavailable: warnings.map((w) => text(field(w, 'message'))).join('; '), connectors };
  }
  return { connectors };
}

/** FAILED or UNASSIGNED connectors and tasks are failures; RUNNING and PAUSED are not. */
export function connectorFailed(c: ConnectorView): boolean {
  const bad = (s: string) => /FAILED|UNASSIGNED|ERROR/i.test(s);
  return bad(c.state) || c.tasks.some((t) => bad(t.state)) || (c.lastError !== undefined && c.lastError !== '');
}
