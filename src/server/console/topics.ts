// Topics for the console: partitions with their offsets, the consumer groups reading each
// with their lag, and a tail of records with key, headers and value decoded the way PRINT
// decodes them (every format; registry formats through the engine's schema registry).

import { FormatGuesser, renderBytes } from '../../engine/print.js';
import { topicConsumers, type ConsumerGroupInfo } from '../../engine/consumer-groups.js';
import { visibleTopics } from '../../engine/show-topics.js';
import type { LogRecord, RecordHeader, TopicLog } from '../../log/topic-log.js';
import { KsqlError } from '../../common/errors.js';
import type { ConsoleBackend } from './backend.js';
import type { DataSource } from '../../catalog/model.js';
import { sourceSerdes } from '../../runtime/pipeline.js';
import { toJsonValue, type Serde } from '../../serde/index.js';

export interface PartitionInfo {
  partition: number;
  start: number;
  end: number;
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
  replicationFactor: number;
  messages: number;
  lag: number;
  consumerGroups: ReturnType<typeof topicConsumers>['groups'];
}

function needLog(backend: ConsoleBackend): TopicLog {
  if (!backend.log) throw new KsqlError('This server gives the console no access to its log, so topics cannot be shown.', 50300);
  return backend.log;
}

export async function listTopics(backend: ConsoleBackend, all: boolean): Promise<TopicInfo[]> {
  const log = needLog(backend);
  const groups: ConsumerGroupInfo[] = backend.consumerGroups ? await backend.consumerGroups() : [];
  const out: TopicInfo[] = [];
  for (const t of await visibleTopics(log, all, backend.config['ksql.hidden.topics'])) {
    const [start, end] = await Promise.all([log.beginningOffsets(t.name), log.endOffsets(t.name)]);
    const consumers = topicConsumers(t.name, end, groups);
    const partitions = end.map((e, p) => ({ partition: p, start: start[p] ?? 0, end: e }));
    out.push({
      name: t.name,
      partitions,
      replicationFactor: t.replicationFactor,
      messages: partitions.reduce((s, p) => s + Math.max(0, p.end - p.start), 0),
      lag: consumers.lag,
      consumerGroups: consumers.groups,
    });
  }
  return out;
}

export interface TailRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

export interface TailAnswer {
  topic: string;
  /** Where to read on from: the next offset of each partition (index = partition). */
  positions: number[];
  keyFormat: string;
  valueFormat: string;
  /** The stream or table whose formats decoded the records, when one is declared over the topic. */
  decodedWith?: string;
  records: TailRecord[];
}

const RECENT = 20;

/** `from`: beginning, end, or recent (the last few records of each partition); `positions` overrides it. */
export async function tailTopic(
  backend: ConsoleBackend,
  topic: string,
  options: { from?: string; positions?: number[]; waitMs: number; max: number },
): Promise<TailAnswer> {
  const log = needLog(backend);
  if (!(await log.describeTopic(topic))) {
    throw new KsqlError(`Topic '${topic}' does not exist (topic names are case-sensitive); see the Topics view for the ones there are.`, 40400);
  }
  const [start, end] = await Promise.all([log.beginningOffsets(topic), log.endOffsets(topic)]);
  let positions: number[];
  if (options.positions && options.positions.length === end.length) positions = options.positions.map((p, i) => Math.max(p, start[i] ?? 0));
  else if (options.from === 'beginning') positions = start;
  else if (options.from === 'end') positions = end;
  else positions = end.map((e, i) => Math.max(start[i] ?? 0, e - RECENT));
  const records = await log.fetch(
    positions.map((offset, partition) => ({ topic, partition, offset })),
    { maxRecords: options.max, maxWaitMs: options.waitMs },
  );
  const next = [...positions];
  for (const r of records) next[r.partition] = Math.max(next[r.partition]!, r.offset + 1);
  const source = backend.sourceOf?.(topic);
  return { topic, positions: next, ...(source ? decodeAs(source, records) : decode(records)) };
}

type Decoded = Pick<TailAnswer, 'keyFormat' | 'valueFormat' | 'records' | 'decodedWith'>;

/** A column list's row as a JSON object text. */
function rowText(row: unknown[] | null, columns: DataSource['schema']['key']): string | null {
  if (row === null) return null;
  if (columns.length === 1 && columns[0]!.namespace === 'KEY') return JSON.stringify(toJsonValue(row[0], columns[0]!.type));
  return JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, toJsonValue(row[i], c.type)])));
}

/**
 * Records of a topic a stream or table is declared over, decoded with its formats and
 * columns (so PROTOBUF_NOSR, DELIMITED and KAFKA read right); a record they cannot read
 * falls back to PRINT's guess, marked as such.
 */
function decodeAs(source: DataSource, records: LogRecord[]): Decoded {
  const guessed = decode(records);
  let serdes: { key: Serde | null; value: Serde };
  try {
    serdes = sourceSerdes(source);
  } catch {
    return guessed;
  }
  const windowed = source.keyFormat.window !== undefined;
  const valueColumns = source.schema.value.filter((c) => c.namespace !== 'HEADER');
  const attempt = (fn: () => string | null, fallback: string | null): string | null => {
    try {
      return fn();
    } catch (err) {
      return `${fallback ?? 'null'}  ⚠ not ${source.name}'s format: ${(err as Error).message}`;
    }
  };
  return {
    keyFormat: windowed || !serdes.key ? guessed.keyFormat : source.keyFormat.format,
    valueFormat: source.valueFormat.format,
    decodedWith: source.name,
    records: records.map((r, i) => {
      const g = guessed.records[i]!;
      return {
        ...g,
        key: windowed || !serdes.key || r.key === null ? g.key : attempt(() => rowText(serdes.key!.deserialize(r.key), source.schema.key), g.key),
        value: r.value === null ? null : attempt(() => rowText(serdes.value.deserialize(r.value), valueColumns), g.value),
      };
    }),
  };
}

function decode(records: LogRecord[]): Decoded {
  const keys = new FormatGuesser();
  const values = new FormatGuesser();
  for (const r of records) {
    keys.observe(r.key);
    values.observe(r.value);
  }
  return {
    keyFormat: records.length === 0 ? '' : keys.describe(),
    valueFormat: records.length === 0 ? '' : values.describe(),
    records: records.map((r) => ({
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      key: r.key === null ? null : renderBytes(r.key, keys.best()),
      value: r.value === null ? null : renderBytes(r.value, values.best()),
      headers: r.headers.map(headerText),
    })),
  };
}

function headerText(h: RecordHeader): { key: string; value: string | null } {
  if (h.value === null) return { key: h.key, value: null };
  const text = h.value.toString('utf8');
  const printable = Buffer.byteLength(text) === h.value.length && !text.includes('\uFFFD') && !/[\u0000-\u0008\u000e-\u001f]/.test(text);
  return { key: h.key, value: printable ? text : `base64:${h.value.toString('base64')}` };
}
