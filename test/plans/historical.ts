// Historical plans (ksqlDB's historical_plans idea): each case in ./cases is what one
// version of Eddy wrote to its command topic for a few statements, the input records, and
// the outputs that version produced. `replayCase` builds a data directory from a case and
// starts an Engine on it; the engine replays the stored plans without planning them, so a
// later change that can no longer run an old plan fails the test.
//
// `npm run plans:record` (test/plans/generate.ts) writes new cases with today's code;
// existing cases are never rewritten, they are the history.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import type { LogRecord, TopicLog } from '../../src/log/topic-log.js';

export interface CaseDefinition {
  name: string;
  /** Source DDL, run before the inputs are written. */
  sources: string[];
  inputs: InputRecord[];
  /** The persistent queries, run once the inputs are in their topics. */
  queries: string[];
  outputTopics: string[];
  /** Pull queries run once the queries are idle; their rows are part of the outputs. */
  pulls?: string[];
}

export interface InputRecord {
  topic: string;
  key: string | null;
  value: unknown;
  timestamp: number;
}

/** A record as stored in a case: the key as text when it is UTF-8 text, else as hex. */
export interface StoredRecord {
  key?: string | null;
  keyHex?: string;
  value: string | null;
  timestamp: number;
}

export interface HistoricalCase {
  name: string;
  /** The Eddy commit and plan version that wrote the case. */
  writtenBy: { commit: string; planVersion: number };
  statements: string[];
  topics: { name: string; partitions: number; configs: Record<string, string> }[];
  commandTopic: string;
  /** The command topic's records: key, and the command as JSON (plans in their tagged JSON form). */
  commands: { key: string; command: Record<string, unknown> }[];
  inputs: (StoredRecord & { topic: string })[];
  outputs: Record<string, StoredRecord[]>;
  /** Pull query → its rows (JSON text of each row). */
  pulls?: Record<string, string[]>;
}

const QUERY_PROPERTIES = { 'auto.offset.reset': 'earliest' };
/** Recorded outputs hold every change of an aggregate: no record cache (as conformance runs ksqlDB's cases). */
const ENGINE_PROPERTIES = { 'cache.max.bytes.buffering': 0 };

function storedRecord(r: LogRecord): StoredRecord {
  const key = r.key === null ? { key: null } : isText(r.key) ? { key: r.key.toString('utf8') } : { keyHex: r.key.toString('hex') };
  return { ...key, value: r.value === null ? null : r.value.toString('utf8'), timestamp: r.timestamp };
}

function isText(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b) && !/[\u0000-\u0008\u000e-\u001f]/.test(b.toString('utf8'));
}

function keyBuffer(r: StoredRecord): Buffer | null {
  if (r.keyHex !== undefined) return Buffer.from(r.keyHex, 'hex');
  return r.key === null || r.key === undefined ? null : Buffer.from(r.key, 'utf8');
}

export async function readTopic(log: TopicLog, topic: string): Promise<LogRecord[]> {
  const d = await log.describeTopic(topic);
  if (!d) return [];
  const out: LogRecord[] = [];
  const ends = await log.endOffsets(topic);
  for (let p = 0; p < d.partitions; p++) {
    let offset = (await log.beginningOffsets(topic))[p] ?? 0;
    while (offset < (ends[p] ?? 0)) {
      const batch = await log.fetch([{ topic, partition: p, offset }], { maxRecords: 1000, maxWaitMs: 0 });
      if (batch.length === 0) break;
      for (const r of batch) {
        out.push(r);
        offset = r.offset + 1;
      }
    }
  }
  return out;
}

export async function outputsOf(log: TopicLog, topics: string[]): Promise<Record<string, StoredRecord[]>> {
  const outputs: Record<string, StoredRecord[]> = {};
  for (const t of topics) outputs[t] = (await readTopic(log, t)).map(storedRecord);
  return outputs;
}

async function pullRows(engine: Engine, sqls: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const sql of sqls) {
    const stream = await engine.query(sql, { properties: {}, variables: {} });
    const rows: string[] = [];
    for await (const item of stream.items) rows.push(JSON.stringify(item));
    out[sql] = rows.sort();
  }
  return out;
}

/** Runs a case definition with today's code and records what it wrote. */
export async function recordCase(def: CaseDefinition, writtenBy: HistoricalCase['writtenBy']): Promise<HistoricalCase> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-plan-record-'));
  const engine = await Engine.open({ dataDir: dir, properties: ENGINE_PROPERTIES });
  try {
    const ctx = { properties: QUERY_PROPERTIES, variables: {} };
    for (const sql of def.sources) await engine.execute(sql, ctx);
    for (const r of def.inputs) {
      await engine.log.produce(r.topic, [
        { key: r.key === null ? null : Buffer.from(r.key), value: Buffer.from(JSON.stringify(r.value)), timestamp: r.timestamp, partition: 0 },
      ]);
    }
    for (const sql of def.queries) await engine.execute(sql, ctx);
    await engine.drain();
    const inputTopics = [...new Set(def.inputs.map((r) => r.topic))];
    const topics = [];
    for (const name of inputTopics) {
      const d = (await engine.log.describeTopic(name))!;
      topics.push({ name, partitions: d.partitions, configs: d.configs });
    }
    const commands = (await readTopic(engine.log, engine.commandTopic)).map((r) => ({
      key: r.key!.toString('utf8'),
      command: JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>,
    }));
    const inputs = [];
    for (const t of inputTopics) for (const r of await readTopic(engine.log, t)) inputs.push({ topic: t, ...storedRecord(r) });
    return {
      name: def.name,
      writtenBy,
      statements: [...def.sources, ...def.queries],
      topics,
      commandTopic: engine.commandTopic,
      commands,
      inputs,
      outputs: await outputsOf(engine.log, def.outputTopics),
      ...(def.pulls ? { pulls: await pullRows(engine, def.pulls) } : {}),
    };
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a case's command topic and inputs into a fresh data directory. */
export async function dataDirOf(c: HistoricalCase, edit: (command: Record<string, unknown>) => Record<string, unknown> = (x) => x): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-plan-replay-'));
  const log = await EmbeddedLog.open(dir);
  try {
    await log.createTopic(c.commandTopic, { partitions: 1, configs: { 'retention.ms': '-1', 'cleanup.policy': 'delete' } });
    await log.produce(
      c.commandTopic,
      c.commands.map((cmd) => ({ key: Buffer.from(cmd.key), value: Buffer.from(JSON.stringify(edit(cmd.command))), partition: 0 })),
    );
    for (const t of c.topics) await log.createTopic(t.name, { partitions: t.partitions, configs: t.configs });
    for (const r of c.inputs) {
      const { topic, timestamp } = r;
      await log.produce(topic, [{ key: keyBuffer(r), value: r.value === null ? null : Buffer.from(r.value), timestamp, partition: 0 }]);
    }
  } finally {
    await log.close();
  }
  return dir;
}

/** Starts an Engine on a data directory written from a case and returns its outputs once it is idle. */
export async function replayCase(c: HistoricalCase, edit?: (command: Record<string, unknown>) => Record<string, unknown>) {
  const dir = await dataDirOf(c, edit);
  const engine = await Engine.open({ dataDir: dir, properties: ENGINE_PROPERTIES });
  try {
    await engine.drain();
    const outputs = await outputsOf(engine.log, Object.keys(c.outputs));
    const pulls = c.pulls ? await pullRows(engine, Object.keys(c.pulls)) : undefined;
    return { outputs, pulls, queries: engine.catalog.listQueries().map((q) => q.id) };
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
