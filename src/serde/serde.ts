// The contract for key and value formats. A serde turns the columns of one side of a
// record (key columns or value columns) into bytes and back, in the value
// representation of src/common/types.ts.

import type { Column } from '../common/types.js';
import type { SchemaRegistry } from './registry.js';
import { EddyError } from '../common/errors.js';

export type FormatName =
  | 'KAFKA'
  | 'JSON'
  | 'DELIMITED'
  | 'NONE'
  | 'AVRO'
  | 'JSON_SR'
  | 'PROTOBUF'
  | 'PROTOBUF_NOSR';

/** The formats whose schemas live in the Schema Registry (and so can be inferred from it). */
export const REGISTRY_FORMATS: ReadonlySet<FormatName> = new Set<FormatName>(['AVRO', 'PROTOBUF', 'JSON_SR']);

export interface FormatOptions {
  /** Values only: false writes/reads a single column as an anonymous primitive. Default true. */
  wrapSingleValue?: boolean;
  /** DELIMITED only: one character. */
  delimiter?: string;
  /** Schema-registry formats: the full schema name. */
  schemaFullName?: string;
  schemaId?: number;
  /** PROTOBUF formats: how nullable fields are written (default: plain proto3 fields, nulls read as defaults). */
  nullableRepresentation?: 'OPTIONAL' | 'WRAPPER';
}

export interface SerdeSpec {
  format: FormatName;
  /** The columns of this side in order (key columns for a key serde). */
  columns: Column[];
  side: 'key' | 'value';
  options?: FormatOptions;
  /** Topic name, for messages and schema-registry subjects. */
  topic: string;
  /** Schema-registry formats: where schemas are registered and looked up (default: the process-wide embedded registry). */
  registry?: SchemaRegistry;
  /**
   * Keys: write a key whose columns are all null as a key of nulls rather than as no key
   * (PARTITION BY computes such keys; a record read without a key keeps none).
   */
  writeAllNullKeys?: boolean;
}

export interface Serde {
  /** null row (tombstone / no key) → null bytes. Throws SerdeError. */
  serialize(row: unknown[] | null): Buffer | null;
  /** null bytes → null row. Throws SerdeError naming what is wrong with the record. */
  deserialize(bytes: Buffer | null): unknown[] | null;
  /**
   * deserialize() of bytes that are there, with the columns written into `row` from index
   * `at` on instead of a new array (the pipeline's source rows); false where deserialize()
   * returns null. Formats without it are read through deserialize().
   */
  deserializeInto?(bytes: Buffer, row: unknown[], at: number): boolean;
}

export class SerdeError extends EddyError {
  override readonly kind = 'serde';
}

export interface FormatInfo {
  name: FormatName;
  supportsKey: boolean;
  supportsValue: boolean;
  supportsMultiColumnKey: boolean;
  supportsWrapping: boolean;
  needsSchemaRegistry: boolean;
}
