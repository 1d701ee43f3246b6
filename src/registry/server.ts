// Serves a SchemaStore's REST API on its own port (`eddy server` starts it on 8081).

import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { registryRoutes, type RoutesOptions } from './routes.js';
import type { SchemaStore } from './store.js';

export interface RegistryServerOptions extends RoutesOptions {
  /** 0 picks a free port. Default 8081. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningRegistry {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startRegistryServer(store: SchemaStore, options: RegistryServerOptions = {}): Promise<RunningRegistry> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  registryRoutes(app, store, options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 8081, host });
  const port = (app.server.address() as AddressInfo).port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close: () => app.close() };
}
