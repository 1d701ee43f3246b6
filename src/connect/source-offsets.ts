// Where source connectors keep how far they have read (Kafka Connect's offsets topic): a
// compacted topic of the log, keyed by connector name. A batch of records and the offset
// after it are produced in one log transaction, so readers (read-committed) see both or
// neither, and a restarted task resumes exactly after the last batch it committed.

import type { ProduceRecord, TopicLog } from '../log/topic-log.js';

export const SOURCE_OFFSETS_TOPIC = '_eddy-connect-offsets';

export interface OutRecord extends ProduceRecord {
  topic: string;
}

export class SourceOffsets {
  constructor(
    private readonly log: TopicLog,
    private readonly connector: string,
  ) {}

  private async ensureTopic(): Promise<void> {
    if (await this.log.describeTopic(SOURCE_OFFSETS_TOPIC)) return;
    try {
      await this.log.createTopic(SOURCE_OFFSETS_TOPIC, { partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
    } catch (e) {
      if (!(await this.log.describeTopic(SOURCE_OFFSETS_TOPIC))) throw e;
    }
  }

  /** The connector's last committed offset, or undefined before its first batch. */
  async load(): Promise<unknown> {
    await this.ensureTopic();
    const [end] = await this.log.endOffsets(SOURCE_OFFSETS_TOPIC);
    const [start] = await this.log.beginningOffsets(SOURCE_OFFSETS_TOPIC);
    let offset = start ?? 0;
    let last: unknown = undefined;
    while (offset < (end ?? 0)) {
      const batch = await this.log.fetch([{ topic: SOURCE_OFFSETS_TOPIC, partition: 0, offset }], { maxRecords: 1000, maxWaitMs: 0, progress: [] });
      if (batch.length === 0) break;
      for (const r of batch) {
        offset = r.offset + 1;
        if (r.key?.toString() !== this.connector) continue;
        last = r.value === null ? undefined : JSON.parse(r.value.toString());
      }
    }
    return last;
  }

  /** Produces the records and the new offset together (one transaction). */
  async commit(records: OutRecord[], offset: unknown): Promise<void> {
    const tx = await this.log.beginTransaction(`connect-source-${this.connector}`);
    try {
      const byTopic = new Map<string, ProduceRecord[]>();
      for (const { topic, ...r } of records) {
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push(r);
      }
      for (const [topic, list] of byTopic) await tx.produce(topic, list);
      await tx.produce(SOURCE_OFFSETS_TOPIC, [{ key: Buffer.from(this.connector), value: Buffer.from(JSON.stringify(offset)), partition: 0 }]);
      await tx.commit();
    } catch (e) {
      await tx.abort().catch(() => undefined);
      throw e;
    }
  }
}

/** Creates a topic a source writes when it is missing (Kafka Connect's topic.creation defaults). */
export async function ensureOutputTopic(log: TopicLog, topic: string, partitions: number): Promise<void> {
  if (await log.describeTopic(topic)) return;
  try {
    await log.createTopic(topic, { partitions, replicationFactor: 1 });
  } catch (e) {
    if (!(await log.describeTopic(topic))) throw e;
  }
}

/** A JSON value of a database column (pg's JS values): dates as ISO text, bytes as base64. */
export function jsonOfColumn(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export function jsonRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = jsonOfColumn(v);
  return out;
}
