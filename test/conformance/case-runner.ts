// Runs one query-validation case against a fresh engine (spec §10 steps 1-8): topics,
// statements, inputs one at a time with a drain after each, outputs collected in append
// order and decoded with the formats of the sink that owns the topic, then the expected
// exception and post conditions.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from '../../src/catalog/model.js';
import type { LogRecord } from '../../src/log/topic-log.js';
import { formatSchema } from '../../src/common/types.js';
import { defaultSchemaRegistry, resetDefaultSchemaRegistry, type SchemaType } from '../../src/serde/registry.js';
import { stringifyJson } from '../../src/serde/json-value.js';
import { describe, matchValue } from './compare.js';
import { loadEngine, type EngineUnderTest } from './engine-adapter.js';
import type { CaseJson, ExpectedException, PostConditions, RecordSpec, TestCase } from './loader.js';
import { decodeBytes, decodeKey, encodeKey, encodeValue, valueSide } from './records.js';
import { canonicalSchema } from './schema-text.js';
import { registrationOrder } from './schema-order.js';

export interface CaseResult {
  passed: boolean;
  reason?: string;
}

/** A case failed for a stated reason (as opposed to a bug in the runner). */
export class CaseFailure extends Error {}

export const BASE_PROPERTIES: Record<string, unknown> = {
  'auto.offset.reset': 'earliest',
  'cache.max.bytes.buffering': 0,
  'ksql.service.id': 'some.ksql.service.id',
  'ksql.headers.columns.enabled': true,
  // ksqlDB's EMIT FINAL never emits a window that a jump of stream time left beyond its
  // retention; Eddy emits it unless told to follow ksqlDB, and ksqlDB's cases expect ksqlDB.
  'ksql.suppress.emit.expired.windows': false,
  'ksql.schema.registry.url': 'mock://conformance',
  // ksqlDB's test jar functions, loaded like any user's functions.
  'ksql.extension.dir': join(dirname(fileURLToPath(import.meta.url)), 'udfs'),
};

export const DEFAULT_PARTITIONS = 4;

export async function withEngine<T>(
  properties: Record<string, unknown>,
  body: (engine: EngineUnderTest) => Promise<T>,
): Promise<T> {
  const Engine = await loadEngine();
  resetDefaultSchemaRegistry();
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-qtt-'));
  let engine: EngineUnderTest | undefined;
  try {
    engine = await Engine.open({ dataDir, properties: { ...BASE_PROPERTIES, ...properties } });
    return await body(engine);
  } finally {
    try {
      await engine?.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

const CREATE_WITH_COLUMNS = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(?:STREAM|TABLE)\b[\s\S]*?\(/i;
const AS_SELECT = /\bAS\s+SELECT\b/i;
const CREATE_SOURCE = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(?:STREAM|TABLE)\b/i;

function withProperty(statement: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:'((?:[^']|'')*)'|(\\d+))`, 'i').exec(statement);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2];
}

/** Topics a case needs before its statements run (§10 step 2). Sink topics are left to the engine. */
export function plannedTopics(spec: CaseJson): Map<string, number> {
  const topics = new Map<string, number>();
  // Partitions a CREATE statement asks for, so a topic listed in topics[] without a count
  // is made the way the statement expects (ksqlDB's test driver does the same).
  const requested = new Map<string, number>();
  for (const s of spec.statements) {
    if (!CREATE_SOURCE.test(s) || AS_SELECT.test(s)) continue;
    const topic = withProperty(s, 'KAFKA_TOPIC');
    const partitions = withProperty(s, 'PARTITIONS');
    if (topic && partitions && !requested.has(topic)) requested.set(topic, Number(partitions));
  }
  for (const t of spec.topics ?? []) topics.set(t.name, t.partitions ?? requested.get(t.name) ?? DEFAULT_PARTITIONS);
  for (const s of spec.statements) {
    if (!CREATE_WITH_COLUMNS.test(s) || AS_SELECT.test(s)) continue;
    const topic = withProperty(s, 'KAFKA_TOPIC');
    if (!topic || topics.has(topic)) continue;
    const partitions = withProperty(s, 'PARTITIONS');
    topics.set(topic, partitions ? Number(partitions) : DEFAULT_PARTITIONS);
  }
  for (const r of spec.inputs ?? []) if (!topics.has(r.topic)) topics.set(r.topic, DEFAULT_PARTITIONS);
  return topics;
}

function schemaTypeOf(format: unknown, schema: unknown): SchemaType {
  const f = typeof format === 'string' ? format.toUpperCase() : '';
  if (f === 'AVRO') return 'AVRO';
  if (f === 'JSON' || f === 'JSON_SR') return 'JSON';
  if (f.startsWith('PROTOBUF')) return 'PROTOBUF';
  if (typeof schema === 'string' && /^\s*syntax\b/.test(schema)) return 'PROTOBUF';
  if (schema && typeof schema === 'object' && !Array.isArray(schema) && ('$schema' in schema || 'properties' in schema)) return 'JSON';
  return 'AVRO';
}

/**
 * Registers the key/value schemas of `topics[]` under `<topic>-key` / `<topic>-value`, with
 * the ids the case pins (`keySchemaId` / `valueSchemaId`, registered first so automatic ids
 * never take them) and the texts of protobuf `*SchemaReferences`.
 */
export function registerTopicSchemas(spec: CaseJson): void {
  const registry = defaultSchemaRegistry();
  const entries: { subject: string; schemaType: SchemaType; text: string; id?: number; references?: Record<string, string> }[] = [];
  for (const t of spec.topics ?? []) {
    for (const side of ['key', 'value'] as const) {
      const schema = t[`${side}Schema`];
      if (schema === undefined || schema === null) continue;
      const schemaType = schemaTypeOf(t[`${side}Format`], schema);
      const text = typeof schema === 'string' && schemaType === 'PROTOBUF' ? schema : stringifyJson(schema);
      const id = t[`${side}SchemaId`];
      const refs = t[`${side}SchemaReferences`];
      const references: Record<string, string> = {};
      if (Array.isArray(refs)) {
        for (const r of refs as { name?: string; schema?: unknown }[]) {
          if (typeof r.name === 'string') references[r.name] = typeof r.schema === 'string' ? r.schema : stringifyJson(r.schema);
        }
      }
      entries.push({
        subject: `${t.name}-${side}`,
        schemaType,
        text,
        ...(typeof id === 'number' ? { id } : {}),
        ...(Object.keys(references).length ? { references } : {}),
      });
    }
  }
  const register = (e: (typeof entries)[number], id: number | undefined) =>
    registry.register(e.subject, { schemaType: e.schemaType, schema: e.text, ...(e.references ? { references: e.references } : {}) }, id);
  // As in a registry, one schema has one id whichever subjects hold it.
  const idOfContent = new Map<string, number>();
  const contentOf = (e: (typeof entries)[number]) => JSON.stringify([e.schemaType, e.text, e.references ?? {}]);
  let nextId = 1;
  for (const e of entries) {
    if (e.id === undefined) continue;
    register(e, e.id);
    idOfContent.set(contentOf(e), e.id);
    nextId = Math.max(nextId, e.id + 1);
  }
  // The others take ids in the drivers' order; a schema a statement's columns make keeps its
  // id free for the engine's own registration.
  const { order, fromStatements } = registrationOrder(spec);
  for (const topic of order) {
    for (const side of ['key', 'value'] as const) {
      const listed = entries.find((e) => e.subject === `${topic}-${side}`);
      if (listed && listed.id === undefined) {
        const id = idOfContent.get(contentOf(listed)) ?? nextId++;
        register(listed, id);
        idOfContent.set(contentOf(listed), id);
      } else if (!listed && fromStatements.get(topic)?.[side]) nextId++;
    }
  }
}

export async function createTopics(engine: EngineUnderTest, topics: Map<string, number>): Promise<void> {
  for (const [name, partitions] of topics) {
    if (await engine.log.describeTopic(name)) continue;
    await engine.log.createTopic(name, { partitions, replicationFactor: 1 });
  }
}

/** The source that reads a topic: a declared source before a query's sink. */
export function inputOwner(engine: EngineUnderTest, topic: string): DataSource | undefined {
  const all = engine.catalog.listSources().filter((s) => s.topic === topic);
  return all.find((s) => !s.createdByQuery) ?? all[0];
}

/** The source a query writes to a topic, else any source on it. */
export function outputOwner(engine: EngineUnderTest, topic: string): DataSource | undefined {
  const all = engine.catalog.listSources().filter((s) => s.topic === topic);
  return all.find((s) => s.createdByQuery) ?? all[0];
}

function errorChain(e: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = e;
  while (cur && out.length < 10) {
    out.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

/** A ParseError in the chain, or a message in the parser's `line L:C: …` form. */
function isParseError(e: unknown): boolean {
  return errorChain(e).some((x) => {
    const name = (x as Error)?.name ?? '';
    const ctor = (x as object)?.constructor?.name ?? '';
    return /Parse|Syntax/.test(name) || /Parse|Syntax/.test(ctor) || /^line \d+:\d+: /.test(errorMessage(x));
  });
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Null when the thrown error satisfies the expectation, else why not. */
export function checkExpectedException(expected: ExpectedException, e: unknown): string | null {
  const messages = errorChain(e).map(errorMessage);
  // ksqlDB's KsqlStatementException reads "<message>\nStatement: <statement text>".
  const text = (e as { statementText?: unknown } | null)?.statementText;
  if (typeof text === 'string' && messages.length > 0) messages.push(`${messages[0]}\nStatement: ${text}`);
  if (expected.type?.endsWith('ParseFailedException') && !isParseError(e)) {
    return `expected a parse error (${expected.type}) but got: ${firstLine(messages[0] ?? '')}`;
  }
  if (expected.message !== undefined && !messages.some((m) => m.includes(expected.message!))) {
    return `expected error containing "${expected.message}" but got: ${messages[0]}`;
  }
  return null;
}

/**
 * A StreamsException is ksqlDB's query dying while it runs; Eddy's query goes to ERROR
 * instead, and its error must name the expected cause (or the exception's own message).
 */
async function checkQueryFailed(engine: EngineUnderTest, expected: ExpectedException): Promise<string | null> {
  const expectation = `Expected test to throw ${expected.type ?? ''}: ${expected.message ?? ''}`;
  if (!expected.type?.endsWith('StreamsException')) return expectation;
  const [shown] = (await engine.execute('SHOW QUERIES EXTENDED;', ctx())) as { queryDescriptions?: { state?: string; queryErrors?: { errorMessage?: string }[] }[] }[];
  const errors = (shown?.queryDescriptions ?? []).filter((q) => q.state === 'ERROR').flatMap((q) => (q.queryErrors ?? []).map((e) => e.errorMessage ?? ''));
  if (errors.length === 0) return `${expectation} (no query is in ERROR)`;
  const wanted = [expected.causeMessage, expected.message].filter((m): m is string => m !== undefined);
  if (wanted.length > 0 && !errors.some((m) => wanted.some((w) => m.includes(w)))) {
    return `${expectation} (the failed query's error is: ${errors[0]})`;
  }
  return null;
}

export function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

const ctx = () => ({ properties: {}, variables: {} });

export async function runQttCase(tc: TestCase): Promise<CaseResult> {
  const spec = tc.spec;
  return withEngine(spec.properties ?? {}, async (engine) => {
    const appended: LogRecord[] = [];
    const unsubscribe = engine.log.onAppend((_topic, records) => {
      for (const r of records) appended.push(r);
    });
    try {
      registerTopicSchemas(spec);
      await createTopics(engine, plannedTopics(spec));
      // One request of every statement, one per line, as ksqlDB's driver sends them: positions
      // in errors then count the request's lines.
      try {
        await engine.execute(spec.statements.join('\n'), ctx());
      } catch (e) {
        if (spec.expectedException) {
          const why = checkExpectedException(spec.expectedException, e);
          return why ? { passed: false, reason: why } : { passed: true };
        }
        return { passed: false, reason: `statements failed: ${errorMessage(e)}` };
      }
      const produced = new Set<string>();
      await produceInputs(engine, spec.inputs ?? [], produced);
      if (spec.expectedException) {
        const why = await checkQueryFailed(engine, spec.expectedException);
        return why ? { passed: false, reason: why } : { passed: true };
      }
      const outputs = appended.filter((r) => !produced.has(`${r.topic}/${r.partition}/${r.offset}`));
      const outputReason = compareOutputs(engine, spec, outputs);
      if (outputReason) return { passed: false, reason: outputReason + processingLogNote(engine, outputs) };
      const postReason = spec.post ? await checkPost(engine, spec.post) : null;
      if (postReason) return { passed: false, reason: postReason };
      return { passed: true };
    } finally {
      unsubscribe();
    }
  });
}

/**
 * Where the inputs go: 'first' puts every record in partition 0, as ksqlDB's topology test
 * driver does; 'keyed' lets Kafka's default partitioner place keyed records (murmur2 of the
 * serialized key), as the real producer of ksqlDB's REST test executor does, with null keys in
 * partition 0 (that producer's sticky choice, which no case can rely on).
 */
export type InputPartitioning = 'first' | 'keyed';

export async function produceInputs(engine: EngineUnderTest, inputs: RecordSpec[], produced: Set<string>, partitioning: InputPartitioning = 'first'): Promise<void> {
  for (const rec of inputs) {
    const owner = inputOwner(engine, rec.topic);
    const key = encodeKey(owner, rec);
    const value = encodeValue(owner, rec);
    const headers = (rec.headers ?? []).map((h) => ({
      key: h.KEY,
      value: h.VALUE === null || h.VALUE === undefined ? null : Buffer.from(h.VALUE, 'base64'),
    }));
    const partition = partitioning === 'keyed' && key !== null ? undefined : 0;
    const [pos] = await engine.log.produce(rec.topic, [{ key, value, timestamp: rec.timestamp ?? 0, headers, partition }]);
    if (pos) produced.add(`${rec.topic}/${pos.partition}/${pos.offset}`);
    await engine.drain();
  }
}

function compareOutputs(engine: EngineUnderTest, spec: CaseJson, outputs: LogRecord[]): string | null {
  const expected = spec.outputs ?? [];
  const topics = [...new Set(expected.map((r) => r.topic))];
  const anyTimestamp = (spec.inputs ?? []).length === 0;
  for (const topic of topics) {
    const exp = expected.filter((r) => r.topic === topic);
    const act = outputs.filter((r) => r.topic === topic);
    const owner = outputOwner(engine, topic);
    const decoded = act.map((r) => ({ rec: r, ...decodeKey(owner, r.key), value: decodeBytes(valueSide(owner), r.value) }));
    const shown = (n: number) =>
      decoded
        .slice(0, n)
        .map((d) => `{key: ${describe(d.key)}, value: ${describe(d.value)}${d.window ? `, window: ${describe(d.window)}` : ''}, ts: ${d.rec.timestamp}}`)
        .join(', ');
    for (let i = 0; i < Math.min(exp.length, decoded.length); i++) {
      const e = exp[i]!;
      const a = decoded[i]!;
      const where = `topic ${topic} record ${i + 1}`;
      const keyWhy = matchValue(e.key ?? null, a.key, 'key');
      if (keyWhy) return `output mismatch: ${where}: ${keyWhy}`;
      const valueWhy = matchValue(e.value ?? null, a.value, 'value');
      if (valueWhy) return `output mismatch: ${where}: ${valueWhy}`;
      if (e.window) {
        const w = a.window;
        if (!w || w.start !== e.window.start || w.end !== e.window.end || w.type !== e.window.type) {
          return `output mismatch: ${where}: window expected ${describe(e.window)}, got ${describe(w ?? null)}`;
        }
      }
      if (e.timestamp !== undefined && !(anyTimestamp && e.timestamp === 0) && e.timestamp !== a.rec.timestamp) {
        return `output mismatch: ${where}: timestamp expected ${e.timestamp}, got ${a.rec.timestamp}`;
      }
      if (e.headers) {
        const ah = a.rec.headers.map((h) => ({ KEY: h.key, VALUE: h.value === null ? null : h.value.toString('base64') }));
        const why = matchValue(e.headers, ah, 'headers');
        if (why) return `output mismatch: ${where}: ${why}`;
      }
    }
    if (exp.length !== decoded.length) {
      return `output count mismatch on topic ${topic}: expected ${exp.length}, got ${decoded.length}${decoded.length ? ` [${shown(5)}${decoded.length > 5 ? ', …' : ''}]` : ''}`;
    }
  }
  return null;
}

/** The first processing-log errors written during the case, to explain missing outputs. */
function processingLogNote(engine: EngineUnderTest, records: LogRecord[]): string {
  const topic = engine.catalog.getSource('KSQL_PROCESSING_LOG')?.topic;
  if (!topic) return '';
  const messages: string[] = [];
  for (const r of records) {
    if (r.topic !== topic || r.value === null) continue;
    const text = r.value.toString('utf8');
    const m = /"(?:ERRORMESSAGE|errorMessage)"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text);
    messages.push(m ? (JSON.parse(m[1]!) as string) : text.slice(0, 200));
    if (messages.length >= 2) break;
  }
  return messages.length ? ` (processing log: ${messages.join(' | ')})` : '';
}

const FEATURE_FORMATS = new Set(['JSON', 'JSON_SR', 'AVRO']);

function keyFeatures(s: DataSource): string[] {
  return FEATURE_FORMATS.has(s.keyFormat.format) && s.schema.key.length === 1 ? ['UNWRAP_SINGLES'] : [];
}

function valueFeatures(s: DataSource): string[] {
  const w = s.valueFormat.options?.wrapSingleValue;
  return w === false ? ['UNWRAP_SINGLES'] : w === true ? ['WRAP_SINGLES'] : [];
}

function sameSet(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function sourceMismatch(exp: NonNullable<PostConditions['sources']>[number], s: DataSource): string | null {
  if (exp.type.toUpperCase() !== s.sourceType) return `type ${s.sourceType}, expected ${exp.type.toUpperCase()}`;
  if (exp.schema !== undefined) {
    let want: string;
    try {
      want = canonicalSchema(exp.schema);
    } catch (e) {
      return `unreadable expected schema: ${errorMessage(e)}`;
    }
    const got = formatSchema(s.schema);
    if (want !== got) return `schema ${got}, expected ${want}`;
  }
  if (exp.keyFormat) {
    if (exp.keyFormat.format.toUpperCase() !== s.keyFormat.format) return `key format ${s.keyFormat.format}, expected ${exp.keyFormat.format}`;
    if (exp.keyFormat.windowType && exp.keyFormat.windowType.toUpperCase() !== s.keyFormat.window?.type) {
      return `window type ${s.keyFormat.window?.type ?? 'none'}, expected ${exp.keyFormat.windowType}`;
    }
    // null is ksqlDB's "no size" (session windows).
    if (exp.keyFormat.windowSize !== undefined && (exp.keyFormat.windowSize ?? undefined) !== s.keyFormat.window?.sizeMs) {
      return `window size ${s.keyFormat.window?.sizeMs ?? 'none'}, expected ${exp.keyFormat.windowSize}`;
    }
  }
  if (exp.valueFormat && exp.valueFormat.toUpperCase() !== s.valueFormat.format) return `value format ${s.valueFormat.format}, expected ${exp.valueFormat}`;
  if (exp.keyFeatures && !sameSet(exp.keyFeatures, keyFeatures(s))) return `key features ${describe(keyFeatures(s))}, expected ${describe(exp.keyFeatures)}`;
  if (exp.valueFeatures && !sameSet(exp.valueFeatures, valueFeatures(s))) {
    return `value features ${describe(valueFeatures(s))}, expected ${describe(exp.valueFeatures)}`;
  }
  if (exp.isSource !== undefined && exp.isSource !== s.isSource) return `isSource ${s.isSource}, expected ${exp.isSource}`;
  return null;
}

async function checkPost(engine: EngineUnderTest, post: PostConditions): Promise<string | null> {
  for (const exp of post.sources ?? []) {
    const s = engine.catalog.getSource(exp.name) ?? engine.catalog.listSources().find((x) => x.name.toUpperCase() === exp.name.toUpperCase());
    if (!s) return `post: source ${exp.name} does not exist`;
    const why = sourceMismatch(exp, s);
    if (why) return `post: source ${exp.name}: ${why}`;
  }
  if (post.topics) {
    const names = (await engine.log.listTopics()).map((t) => t.name);
    if (post.topics.blacklist) {
      const re = new RegExp(post.topics.blacklist);
      const bad = names.find((n) => re.test(n));
      if (bad) return `post: topic ${bad} matches blacklist ${post.topics.blacklist}`;
    }
    for (const t of post.topics.topics ?? []) {
      const d = await engine.log.describeTopic(t.name);
      if (!d) return `post: topic ${t.name} does not exist`;
      if (t.partitions !== undefined && d.partitions !== t.partitions) return `post: topic ${t.name} has ${d.partitions} partitions, expected ${t.partitions}`;
      const owner = outputOwner(engine, t.name);
      if (owner && t.keyFormat && t.keyFormat.format.toUpperCase() !== owner.keyFormat.format) {
        return `post: topic ${t.name} key format ${owner.keyFormat.format}, expected ${t.keyFormat.format}`;
      }
      if (owner && t.valueFormat && t.valueFormat.format.toUpperCase() !== owner.valueFormat.format) {
        return `post: topic ${t.name} value format ${owner.valueFormat.format}, expected ${t.valueFormat.format}`;
      }
    }
  }
  return null;
}
