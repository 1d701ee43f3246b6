// Registers the schemas a schema-registry format writes for a side's columns, ahead of any
// record: CREATE OR REPLACE and ALTER … ADD COLUMN use it so an incompatible change fails the
// statement with the registry's message rather than the query's first write.

import type { Column } from '../common/types.js';
import { avroSchemaForColumns } from './avro.js';
import { jsonSchemaForColumns } from './json-schema.js';
import { protobufSchemaForColumns } from './protobuf-schema.js';
import { defaultSchemaRegistry, type RegisteredSchema } from './registry.js';
import { REGISTRY_FORMATS, type FormatName, type FormatOptions } from './serde.js';

export interface SideSchema {
  format: FormatName;
  columns: Column[];
  side: 'key' | 'value';
  options?: FormatOptions;
}

/** The schema the side's serde registers on its first write, or undefined for formats without a registry (or a pinned id). */
export function writerSchemaFor(s: SideSchema): RegisteredSchema | undefined {
  if (s.columns.length === 0 || s.options?.schemaId !== undefined) return undefined;
  const unwrapped = s.columns.length === 1 && (s.side === 'key' || s.options?.wrapSingleValue === false);
  switch (s.format) {
    case 'AVRO':
      return { schemaType: 'AVRO', schema: JSON.stringify(avroSchemaForColumns(s.columns, unwrapped, s.options?.schemaFullName)) };
    case 'PROTOBUF':
      return { schemaType: 'PROTOBUF', schema: protobufSchemaForColumns(s.columns, s.options?.schemaFullName, s.options?.nullableRepresentation) };
    case 'JSON_SR':
      return { schemaType: 'JSON', schema: JSON.stringify(jsonSchemaForColumns(s.columns, unwrapped)) };
    default:
      return undefined;
  }
}

/** Registers each side's writer schema under `<topic>-key|value`; throws the registry's error (e.g. 409 incompatible). */
export function registerWriterSchemas(topic: string, sides: SideSchema[]): { subject: string; id: number }[] {
  const out: { subject: string; id: number }[] = [];
  for (const s of sides) {
    const schema = writerSchemaFor(s);
    if (!schema) continue;
    const subject = `${topic}-${s.side}`;
    out.push({ subject, id: defaultSchemaRegistry().register(subject, schema) });
  }
  return out;
}

/**
 * CREATE STREAM/TABLE with declared columns (as ksqlDB's schema-register step): each side's
 * writer schema is registered under `<topic>-key|value` unless that subject already has one,
 * so other applications can read and write the topic before Eddy writes a record.
 */
export function registerDeclaredSchemas(topic: string, sides: SideSchema[]): { subject: string; id: number }[] {
  const registry = defaultSchemaRegistry();
  return registerWriterSchemas(
    topic,
    sides.filter((s) => !registry.latest(`${topic}-${s.side}`)),
  );
}

/**
 * KEY_/VALUE_SCHEMA_ID: the schema the id names is registered under `<topic>-key|value` too
 * (it may come from another subject), and must keep its id there, as ksqlDB requires.
 */
export function registerPinnedSchemas(topic: string, sides: SideSchema[]): void {
  const registry = defaultSchemaRegistry();
  for (const s of sides) {
    const pinned = s.options?.schemaId;
    if (pinned === undefined) continue;
    const schema = registry.getById(pinned);
    if (!schema) continue; // inference already said the id is unknown
    const subject = `${topic}-${s.side}`;
    if (registry.versionsOfId?.(pinned).some((v) => v.subject === subject)) continue;
    const id = registry.register(subject, schema);
    if (id !== pinned) {
      throw new Error(
        `Schema id registered is ${id} which is different from provided ${s.side.toUpperCase()}_SCHEMA_ID ${pinned}.\nTopic: ${topic}\nSubject: ${subject}\nSchema: ${schema.schema}`,
      );
    }
  }
}


/** DESCRIBE EXTENDED: the subject, latest version and id of each registry-format side (or the pinned id). */
export function registeredSchemasOf(
  topic: string,
  [key, value]: [{ format: FormatName; options?: FormatOptions }, { format: FormatName; options?: FormatOptions }],
): { side: 'key' | 'value'; subject: string; version?: number; id: number }[] {
  const out: { side: 'key' | 'value'; subject: string; version?: number; id: number }[] = [];
  for (const [side, f] of [['key', key], ['value', value]] as const) {
    if (!REGISTRY_FORMATS.has(f.format)) continue;
    const subject = `${topic}-${side}`;
    try {
      const registry = defaultSchemaRegistry();
      if (f.options?.schemaId !== undefined) {
        const at = registry.versionsOfId?.(f.options.schemaId).find((v) => v.subject === subject);
        out.push({ side, subject, ...(at ? { version: at.version } : {}), id: f.options.schemaId });
        continue;
      }
      const latest = registry.latest(subject);
      if (latest) out.push({ side, subject, version: latest.version, id: latest.id });
    } catch {
      // An unreachable registry leaves the description without it.
    }
  }
  return out;
}
