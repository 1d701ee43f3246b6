// What sink connectors read: the records of topics from given positions, decoded with the
// formats of the stream or table over the topic (Eddy's serdes, so every format works) into
// named columns.

import type { Catalog } from '../catalog/catalog.js';
import type { DataSource } from '../catalog/model.js';
import type { Column } from '../common/types.js';
import type { LogRecord, TopicLog } from '../log/topic-log.js';
import type { Serde } from '../serde/serde.js';
import { sourceSerdes } from '../runtime/pipeline.js';
import { ConnectorConfigError } from './config.js';
import type { PartitionLag } from './contract.js';

/** The stream or table whose topic a sink reads; its schema and formats decode the records. */
export function sourceOfTopic(catalog: Catalog, connector: string, topic: string): DataSource {
  const sources = catalog.listSources().filter((s) => s.topic === topic);
  const source = sources.find((s) => s.createdByQuery) ?? sources[0];
  if (!source) {
    throw new ConnectorConfigError(
      `Connector ${connector}: no stream or table reads topic '${topic}', so its format is unknown. ` +
        `Create one first, e.g. CREATE STREAM ... WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON'), or sink the topic of a CSAS/CTAS.`,
    );
  }
  if (source.keyFormat.window) {
    throw new ConnectorConfigError(`Connector ${connector}: topic '${topic}' has windowed keys (${source.name}); sinks of windowed tables are not supported yet.`);
  }
  return source;
}

export interface DecodedRecord {
  record: LogRecord;
  /** Key columns by name; null when the record has no key. */
  key: Record<string, unknown> | null;
  /** Value columns by name; null for a tombstone. */
  value: Record<string, unknown> | null;
}

export class TopicDecoder {
  readonly keyColumns: Column[];
  readonly valueColumns: Column[];
  private readonly serdes: { key: Serde | null; value: Serde };

  constructor(readonly source: DataSource) {
    this.serdes = sourceSerdes(source);
    this.keyColumns = this.serdes.key ? source.schema.key : [];
    this.valueColumns = source.schema.value.filter((c) => c.namespace !== 'HEADER');
  }

  decode(record: LogRecord): DecodedRecord {
    const keyRow = this.serdes.key ? this.serdes.key.deserialize(record.key) : null;
    const valueRow = record.value === null ? null : this.serdes.value.deserialize(record.value);
    return { record, key: keyRow ? named(this.keyColumns, keyRow) : null, value: valueRow ? named(this.valueColumns, valueRow) : null };
  }
}

function named(columns: Column[], row: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((c, i) => (out[c.name] = row[i] ?? null));
  return out;
}

/** Reads every partition of some topics from positions the caller owns (e.g. stored with the rows). */
export class TopicReader {
  private readonly positions = new Map<string, number>();

  constructor(
    private readonly log: TopicLog,
    private readonly partitions: { topic: string; partition: number }[],
  ) {}

  static async open(log: TopicLog, connector: string, topics: string[], stored: Map<string, number>): Promise<TopicReader> {
    const parts: { topic: string; partition: number }[] = [];
    for (const topic of topics) {
      const d = await log.describeTopic(topic);
      if (!d) throw new ConnectorConfigError(`Connector ${connector}: topic '${topic}' does not exist. Create it (or the CSAS/CTAS that writes it) first.`);
      for (let p = 0; p < d.partitions; p++) parts.push({ topic, partition: p });
    }
    const reader = new TopicReader(log, parts);
    for (const topic of topics) {
      const begin = await log.beginningOffsets(topic);
      for (const { partition } of parts.filter((x) => x.topic === topic)) {
        const key = positionKey(topic, partition);
        reader.positions.set(key, Math.max(stored.get(key) ?? 0, begin[partition] ?? 0));
      }
    }
    return reader;
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    const requests = this.partitions.map((p) => ({ ...p, offset: this.positions.get(positionKey(p.topic, p.partition))! }));
    const progress: { topic: string; partition: number; nextOffset: number; endOffset: number }[] = [];
    const records = await this.log.fetch(requests, { maxRecords, maxWaitMs, progress });
    for (const r of records) this.positions.set(positionKey(r.topic, r.partition), r.offset + 1);
    // Skip past control batches and aborted data the fetch stepped over.
    for (const p of progress) {
      const key = positionKey(p.topic, p.partition);
      if (p.nextOffset > (this.positions.get(key) ?? 0)) this.positions.set(key, p.nextOffset);
    }
    return records;
  }

  /** Next offsets to read, e.g. to store with the rows. */
  snapshot(): Map<string, number> {
    return new Map(this.positions);
  }

  /** Moves back to stored positions (after a failed write). */
  reset(stored: Map<string, number>): void {
    for (const [k, v] of stored) this.positions.set(k, v);
  }

  async lag(committed: Map<string, number>): Promise<PartitionLag[]> {
    const out: PartitionLag[] = [];
    const topics = [...new Set(this.partitions.map((p) => p.topic))];
    for (const topic of topics) {
      const ends = await this.log.endOffsets(topic);
      for (const { partition } of this.partitions.filter((p) => p.topic === topic)) {
        const currentOffset = committed.get(positionKey(topic, partition)) ?? 0;
        const endOffset = ends[partition] ?? 0;
        out.push({ topic, partition, currentOffset, endOffset, lag: Math.max(0, endOffset - currentOffset) });
      }
    }
    return out;
  }
}

export function positionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function splitPositionKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}
