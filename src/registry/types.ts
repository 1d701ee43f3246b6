// The data model of a schema registry, in Confluent's terms: subjects hold versions, each
// version names a schema by a global id; schemas may reference other subjects' versions.

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';
export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];

export interface SchemaReference {
  /** Import name (protobuf), $ref (JSON Schema) or full name (Avro). */
  name: string;
  subject: string;
  version: number;
}

/** A schema as a client submits it. */
export interface SchemaInput {
  schema: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

/** One version of one subject. */
export interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
  deleted: boolean;
}

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];

export function isCompatibilityLevel(s: unknown): s is CompatibilityLevel {
  return typeof s === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(s.toUpperCase());
}
