// The order in which ksqlDB's test drivers register a case's schemas, which decides the ids
// of schemas the case does not pin (a statement's KEY_/VALUE_SCHEMA_ID names them by id).
// Both drivers collect every topic of the case in a java.util.HashMap by name: the topics[]
// entries, the topics of CREATE statements that declare columns (their schema is made from
// the columns when the format has schemas), then the topics of inputs and outputs. They
// register each topic's key schema, then its value schema, in the map's iteration order.

import { parseStatement } from '../../src/parser/index.js';
import type { CreateSource } from '../../src/parser/ast.js';
import type { CaseJson } from './loader.js';

const SCHEMA_FORMATS = new Set(['AVRO', 'PROTOBUF', 'JSON_SR']);

/** java.lang.String#hashCode over UTF-16 code units, spread as java.util.HashMap#hash does. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Keys in the iteration order of a java.util.HashMap they were put into in this order. */
export function javaHashMapOrder(keys: string[]): string[] {
  const unique = [...new Set(keys)];
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  const slot = (k: string) => javaHash(k) & (capacity - 1);
  // Within a bucket, entries keep the order they were put in (resizes split buckets in order).
  return unique.map((k, i) => ({ k, i, b: slot(k) })).sort((x, y) => x.b - y.b || x.i - y.i).map((e) => e.k);
}

export interface StatementTopic {
  topic: string;
  /** The statement's columns give this side a schema. */
  key: boolean;
  value: boolean;
}

function propertyText(stmt: CreateSource, name: string): string | undefined {
  const p = stmt.properties.find((x) => x.name.toUpperCase() === name);
  return p === undefined || p.value.value === null ? undefined : String(p.value.value);
}

/** The topic a CREATE statement with columns declares, and which of its sides get a schema. */
function statementTopic(text: string, properties: Record<string, unknown>): StatementTopic | undefined {
  let stmt;
  try {
    stmt = parseStatement(text);
  } catch {
    return undefined; // a statement that does not parse fails later, in the engine
  }
  if (stmt.kind !== 'CreateSource' || stmt.elements.length === 0) return undefined;
  const topic = propertyText(stmt, 'KAFKA_TOPIC');
  if (topic === undefined) return undefined;
  const format = propertyText(stmt, 'FORMAT');
  const keyFormat = (propertyText(stmt, 'KEY_FORMAT') ?? format ?? String(properties['ksql.persistence.default.format.key'] ?? 'KAFKA')).toUpperCase();
  const valueFormat = (propertyText(stmt, 'VALUE_FORMAT') ?? format ?? String(properties['ksql.persistence.default.format.value'] ?? '')).toUpperCase();
  const isKey = (c: CreateSource['elements'][number]['constraint']) => c === 'KEY' || c === 'PRIMARY KEY';
  return {
    topic,
    key: SCHEMA_FORMATS.has(keyFormat) && stmt.elements.some((e) => isKey(e.constraint)),
    value: SCHEMA_FORMATS.has(valueFormat) && stmt.elements.some((e) => e.constraint === undefined),
  };
}

/** Every topic name of the case in the drivers' registration order, with the statements' schema sides. */
export function registrationOrder(spec: CaseJson): { order: string[]; fromStatements: Map<string, StatementTopic> } {
  const names: string[] = (spec.topics ?? []).map((t) => t.name);
  const fromStatements = new Map<string, StatementTopic>();
  for (const text of spec.statements) {
    const t = statementTopic(text, spec.properties ?? {});
    if (!t) continue;
    const seen = fromStatements.get(t.topic);
    fromStatements.set(t.topic, seen ? { topic: t.topic, key: seen.key || t.key, value: seen.value || t.value } : t);
    names.push(t.topic);
  }
  for (const r of [...(spec.inputs ?? []), ...(spec.outputs ?? [])]) names.push(r.topic);
  return { order: javaHashMapOrder(names), fromStatements };
}
