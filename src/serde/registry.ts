// How serdes reach the schema registry: the `SchemaRegistry` client interface of
// src/registry/client.ts, through the registry the engine chose for this process (the
// embedded one, an external registry over HTTP, or a `mock://` scope), and the Confluent
// wire format header.

import type { SchemaRegistry } from '../registry/client.js';
import { LocalSchemaRegistry, dropMockSchemaRegistries } from '../registry/local-client.js';
import { SchemaStore } from '../registry/store.js';

export type { SchemaType, RegisteredSchema, SubjectVersion, SchemaRegistry } from '../registry/client.js';

/** A registry in process memory only (unit tests), with Confluent's mock client's behaviour: no compatibility checks. */
export class InMemorySchemaRegistry extends LocalSchemaRegistry {
  constructor() {
    super(new SchemaStore({ compatibility: 'NONE' }), 'an in-memory schema registry');
  }
}

let current: SchemaRegistry | undefined;

/** The registry serdes use when their spec names none: the one the engine set, else an in-memory one. */
export function defaultSchemaRegistry(): SchemaRegistry {
  current ??= new InMemorySchemaRegistry();
  return current;
}

/** Makes `registry` the one serdes of this process use (Engine.open does, from its configuration). */
export function useSchemaRegistry(registry: SchemaRegistry): void {
  current = registry;
}

/** Replaces the process-wide registry with an empty one and forgets `mock://` scopes (tests: a fresh registry per case). */
export function resetDefaultSchemaRegistry(): SchemaRegistry {
  dropMockSchemaRegistries();
  current = new InMemorySchemaRegistry();
  return current;
}

/** Confluent wire format: magic byte 0, then the schema id as a big-endian int32. */
export function confluentHeader(id: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeInt32BE(id, 1);
  return b;
}

export function readConfluentHeader(bytes: Buffer): { id: number; body: Buffer } {
  if (bytes.length < 5 || bytes[0] !== 0) {
    throw new Error('Unknown magic byte! The payload does not start with the schema-registry wire format header');
  }
  return { id: bytes.readInt32BE(1), body: bytes.subarray(5) };
}
