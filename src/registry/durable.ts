// The embedded registry's durability: every store change is a record of the compacted
// `_schemas` topic in the TopicLog (Confluent's key and value JSON), replayed on start, and
// followed while the server runs so servers sharing one Kafka cluster share one registry.

import type { TopicLog } from '../log/topic-log.js';
import { TopicExistsError } from '../log/topic-log.js';
import { SchemaStore, type StoreKey } from './store.js';

export const SCHEMAS_TOPIC = '_schemas';

export class DurableSchemaStore {
  private pending: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private nextOffset = 0;
  private following = false;
  private tail: Promise<void> | undefined;

  private constructor(
    readonly store: SchemaStore,
    private readonly log: TopicLog,
    readonly topic: string,
  ) {}

  static async open(log: TopicLog, topic = SCHEMAS_TOPIC): Promise<DurableSchemaStore> {
    if (!(await log.describeTopic(topic))) {
      try {
        await log.createTopic(topic, { partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
      } catch (e) {
        if (!(e instanceof TopicExistsError) && !(await log.describeTopic(topic))) throw e;
      }
    }
    const durable = new DurableSchemaStore(new SchemaStore(), log, topic);
    await durable.catchUp(0);
    durable.store.onChange = (key, value) => durable.append(key, value);
    return durable;
  }

  /** Reads and applies records until the end of the topic (waiting up to `waitMs` for new ones). */
  private async catchUp(waitMs: number): Promise<void> {
    for (;;) {
      const end = (await this.log.endOffsets(this.topic))[0] ?? 0;
      if (this.nextOffset >= end) {
        if (waitMs === 0) return;
      }
      const records = await this.log.fetch([{ topic: this.topic, partition: 0, offset: this.nextOffset }], { maxRecords: 1000, maxWaitMs: waitMs });
      for (const r of records) {
        this.nextOffset = r.offset + 1;
        if (!r.key) continue;
        let key: StoreKey;
        try {
          key = JSON.parse(r.key.toString('utf8')) as StoreKey;
        } catch {
          continue;
        }
        if (key.keytype !== 'SCHEMA' && key.keytype !== 'CONFIG' && key.keytype !== 'MODE') continue;
        const value = r.value ? (JSON.parse(r.value.toString('utf8')) as Record<string, unknown>) : null;
        this.store.apply(key, value);
      }
      if (waitMs > 0 || records.length === 0) return;
    }
  }

  /** Follows the topic for changes other servers make, until close. */
  follow(): void {
    if (this.following) return;
    this.following = true;
    this.tail = (async () => {
      while (this.following) {
        const before = this.nextOffset;
        try {
          await this.catchUp(500);
        } catch {
          // The log is closing or briefly unavailable: try again shortly.
        }
        if (this.nextOffset === before && this.following) await new Promise((r) => setTimeout(r, 200));
      }
    })();
  }

  private append(key: StoreKey, value: Record<string, unknown> | null): void {
    const record = { key: Buffer.from(JSON.stringify(key)), value: value === null ? null : Buffer.from(JSON.stringify(value)), partition: 0 };
    this.pending = this.pending.then(
      () => this.log.produce(this.topic, [record]),
      () => this.log.produce(this.topic, [record]),
    );
    this.pending.catch((e: Error) => {
      this.failure = e;
    });
  }

  /** Waits until every change so far is in the topic; rejects with the first write that failed. */
  async flush(): Promise<void> {
    await this.pending.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    this.following = false;
    await this.tail;
    await this.flush().catch(() => undefined);
  }
}
