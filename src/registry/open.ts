// The registry an engine uses, from its configuration: the embedded one (durable in the
// TopicLog's `_schemas` topic) when `ksql.schema.registry.url` is empty, a `mock://<scope>`
// registry in process memory for tests, else the HTTP client for the URLs it lists.

import type { TopicLog } from '../log/topic-log.js';
import type { SchemaRegistry } from './client.js';
import { DurableSchemaStore } from './durable.js';
import { HttpSchemaRegistry, httpRegistryOptions } from './http-client.js';
import { LocalSchemaRegistry, mockSchemaRegistry } from './local-client.js';
import type { SchemaStore } from './store.js';

export interface OpenedRegistry {
  client: SchemaRegistry;
  /** The embedded registry's store, which `eddy server` serves over HTTP; absent for external registries. */
  store?: SchemaStore;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function openSchemaRegistry(config: Record<string, unknown>, log: TopicLog): Promise<OpenedRegistry> {
  const url = String(config['ksql.schema.registry.url'] ?? '').trim();
  if (url.startsWith('mock://')) {
    const client = mockSchemaRegistry(url.slice('mock://'.length));
    return { client, store: client.store, flush: async () => undefined, close: async () => undefined };
  }
  if (url) {
    const client = new HttpSchemaRegistry(httpRegistryOptions(config));
    return { client, flush: async () => undefined, close: async () => undefined };
  }
  const durable = await DurableSchemaStore.open(log);
  durable.follow();
  return {
    client: new LocalSchemaRegistry(durable.store),
    store: durable.store,
    flush: () => durable.flush(),
    close: () => durable.close(),
  };
}
