// The built-in runner seen through the backend contract of the connector statements.

import type { ConnectorBackend, ConnectorDetails, ConnectorInfo, SimpleConnectorInfo } from './shapes.js';
import type { BuiltInConnectors, ConnectorStatus } from './runner.js';

export function connectorInfoOf(name: string, type: 'SOURCE' | 'SINK', config: Record<string, string>): ConnectorInfo {
  return { name, config: { ...config, name }, tasks: [{ connector: name, task: 0 }], type: type === 'SOURCE' ? 'source' : 'sink' };
}

function details(s: ConnectorStatus): ConnectorDetails {
  const state = { state: s.state, worker_id: s.workerId, ...(s.trace !== undefined ? { trace: s.trace } : {}) };
  return {
    connectorClass: s.className,
    status: { name: s.spec.name, connector: state, tasks: [{ id: 0, ...state }], type: s.spec.type === 'SOURCE' ? 'source' : 'sink' },
    topics: s.topics,
    lag: s.lag,
    lastError: s.lastError ?? null,
  };
}

/** Reads of the built-in runner; creating and dropping go through the command log instead. */
export class BuiltInBackend implements Pick<ConnectorBackend, 'exists' | 'list' | 'describe'> {
  constructor(private readonly runner: BuiltInConnectors) {}

  async exists(name: string): Promise<boolean> {
    return this.runner.has(name);
  }

  async list(): Promise<SimpleConnectorInfo[]> {
    const out: SimpleConnectorInfo[] = [];
    for (const name of this.runner.names()) {
      const s = await this.runner.status(name);
      if (s) out.push({ name, type: s.spec.type === 'SOURCE' ? 'source' : 'sink', className: s.className, state: s.state });
    }
    return out;
  }

  async describe(name: string): Promise<ConnectorDetails | undefined> {
    const s = await this.runner.status(name);
    return s ? details(s) : undefined;
  }
}
