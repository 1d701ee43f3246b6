// Starts the REST API on a port and gives back where it listens and how to stop it.

import type { AddressInfo } from 'node:net';
import type { EngineApi } from '../engine/api.js';
import { createServer, type ServerOptions } from './app.js';
import type { ClientPresence } from './client-presence.js';

export { createServer, type ServerOptions } from './app.js';

export interface StartOptions extends ServerOptions {
  /** 0 picks a free port. Default 8088. */
  port?: number;
  /** Default 0.0.0.0 (all interfaces), like ksqlDB's default listener. */
  host?: string;
}

export interface RunningServer {
  /** e.g. http://localhost:8088 */
  url: string;
  port: number;
  /** CLI clients (X-Eddy-Client ids) heard from in the last seconds, other than `except`. */
  otherClients(except?: string): number;
  close(): Promise<void>;
}

export async function startServer(engine: EngineApi, options: StartOptions = {}): Promise<RunningServer> {
  const app = createServer(engine, options);
  const host = options.host ?? '0.0.0.0';
  await app.listen({ port: options.port ?? 8088, host });
  const address = app.server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    otherClients: (except) => (app as unknown as { eddyClients: ClientPresence }).eddyClients.others(except),
    close: async () => {
      await app.close();
    },
  };
}
