// Schemas for the console: every subject of the engine's schema registry with its versions.

import { KsqlError } from '../../common/errors.js';
import type { ConsoleBackend } from './backend.js';

export interface SubjectView {
  subject: string;
  versions: { version: number; id: number; schemaType: string; schema: string }[];
}

export function listSchemas(backend: ConsoleBackend): { registry: string; subjects: SubjectView[] } {
  const registry = backend.registry?.();
  if (!registry) throw new KsqlError('This server has no schema registry the console can read.', 50300);
  const subjects = [...registry.subjects()].sort().map((subject) => ({
    subject,
    versions: registry.versions(subject).map((v) => ({ version: v.version, id: v.id, schemaType: v.schemaType, schema: v.schema })),
  }));
  const where = String(backend.config['ksql.schema.registry.url'] ?? '').trim();
  return { registry: where === '' ? 'embedded' : where, subjects };
}
