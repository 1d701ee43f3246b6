// The registry as serdes see it: synchronous calls, so a record's bytes can be made and read
// on the record's path. Three implementations share it: the local client over a SchemaStore
// (the embedded registry, and `mock://` scopes for tests), and the HTTP client for any
// Confluent-compatible registry (`ksql.schema.registry.url`).

import type { SchemaType } from './types.js';

export type { SchemaType } from './types.js';

export interface RegisteredSchema {
  schemaType: SchemaType;
  /** Canonical schema text (Avro JSON, JSON schema, or protobuf source). */
  schema: string;
  /** The texts of the schemas this one references, by reference (import) name. */
  references?: Record<string, string>;
}

export interface SubjectVersion extends RegisteredSchema {
  subject: string;
  version: number;
  id: number;
}

export interface SchemaRegistry {
  /**
   * Registers a schema under a subject; an identical schema keeps its id and version.
   * `id` pins the global id (as a registry import does); it must not hold another schema.
   * Throws the registry's error (an incompatible schema, an unreachable registry).
   */
  register(subject: string, schema: RegisteredSchema, id?: number): number;
  getById(id: number): RegisteredSchema | undefined;
  latest(subject: string): SubjectVersion | undefined;
  versions(subject: string): SubjectVersion[];
  subjects(): string[];
  deleteSubject(subject: string): void;
  /** The subject versions that use an id (DESCRIBE EXTENDED, PRINT). */
  versionsOfId?(id: number): { subject: string; version: number }[];
  /** Incompatibility messages of a schema against the subject's latest versions; empty when compatible. */
  checkCompatibility?(subject: string, schema: RegisteredSchema): string[];
  /** Where the registry is, for messages (e.g. "the embedded registry", a URL). */
  readonly location?: string;
}
