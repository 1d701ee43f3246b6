// Compatibility levels over the per-type rules: BACKWARD (the new schema reads data written
// with the old), FORWARD (the old reads the new), FULL (both); the TRANSITIVE forms check
// every earlier version, the others only the latest; NONE checks nothing.

import type { CompatibilityLevel, SchemaType } from '../types.js';
import { checkAvro } from './avro.js';
import { checkJsonSchema } from './json-schema.js';
import { checkProtobuf } from './protobuf.js';
import type { Incompatibility, ResolvedSchema, Roles } from './types.js';

export { formatIncompatibility, type Incompatibility, type ResolvedSchema } from './types.js';

const CHECKERS: Record<SchemaType, (reader: ResolvedSchema, writer: ResolvedSchema, roles: Roles) => Incompatibility[]> = {
  AVRO: checkAvro,
  PROTOBUF: checkProtobuf,
  JSON: checkJsonSchema,
};

export interface CheckResult {
  /** The version the first broken rule was found against, when any. */
  oldVersion?: number;
  oldSchema?: string;
  incompatibilities: Incompatibility[];
}

/**
 * Checks `candidate` against earlier versions (oldest first) under a level. Returns the
 * incompatibilities against the first earlier version that breaks a rule.
 */
export function checkCompatibility(
  schemaType: SchemaType,
  level: CompatibilityLevel,
  candidate: ResolvedSchema,
  earlier: { version: number; schema: ResolvedSchema }[],
): CheckResult {
  if (level === 'NONE' || earlier.length === 0) return { incompatibilities: [] };
  const against = level.endsWith('_TRANSITIVE') ? [...earlier].reverse() : [earlier[earlier.length - 1]!];
  const check = CHECKERS[schemaType];
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  for (const old of against) {
    const found: Incompatibility[] = [];
    if (backward) found.push(...check(candidate, old.schema, { reader: 'new', writer: 'old' }));
    if (forward) found.push(...check(old.schema, candidate, { reader: 'old', writer: 'new' }));
    if (found.length) return { oldVersion: old.version, oldSchema: old.schema.schema, incompatibilities: found };
  }
  return { incompatibilities: [] };
}
