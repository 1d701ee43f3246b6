// Starts the REST API on a port and gives back where it listens and how to stop it.

import type { AddressInfo } from 'node:net';
import type { EngineApi } from '../engine/api.js';
import { createServer, type ServerOptions } from './app.js';
import type { ClientPresence } from './client-presence.js';
import { restTlsWanted } from './tls.js';

export { createServer, type ServerOptions } from './app.js';

export interface StartOptions extends ServerOptions {
  /** 0 picks a free port. Default 8088. */
  port?: number;
  /** Default 127.0.0.1: with no authentication, only this machine may connect. */
  host?: string;
}

export interface RunningServer {
  /** Where the server really listens, e.g. http://127.0.0.1:8088, http://0.0.0.0:8088 or https://127.0.0.1:8088 */
  url: string;
  port: number;
  /** CLI clients (X-Eddy-Client ids) heard from in the last seconds, other than `except`. */
  otherClients(except?: string): number;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The warning to print when a listener without authentication is open beyond this machine, else undefined. */
export function exposureWarning(what: string, host: string, port: number): string | undefined {
  if (isLoopback(host)) return undefined;
  const shown = host.includes(':') ? `[${host}]` : host;
  return (
    `WARNING: ${what} listens on ${shown}:${port} with no authentication: anyone who can reach this machine ` +
    `can use it. Bind ${DEFAULT_HOST} (the default, --host ${DEFAULT_HOST}) unless other machines must connect.`
  );
}

export async function startServer(engine: EngineApi, options: StartOptions = {}): Promise<RunningServer> {
  const app = createServer(engine, options);
  const host = options.host ?? DEFAULT_HOST;
  await app.listen({ port: options.port ?? 8088, host });
  const address = app.server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `${restTlsWanted(options.config ?? {}) ? 'https' : 'http'}://${shownHost}:${address.port}`,
    port: address.port,
    otherClients: (except) => (app as unknown as { eddyClients: ClientPresence }).eddyClients.others(except),
    close: async () => {
      await app.close();
    },
  };
}
