// One conformance case's view of a shared real Kafka cluster: every topic, consumer group
// and transactional id gets the case's prefix on the way in and loses it on the way out
// (names in records, descriptions and error messages too), so cases that run at the same
// time or one after another never meet. It tells listeners what the engine writes, in write
// order (transactional records at commit, as the embedded log does), and deletes the case's
// topics when it is closed.

import type {
  FetchOptions,
  FetchRequest,
  LogRecord,
  PartitionProgress,
  LogTransaction,
  ProduceRecord,
  TopicDescription,
  TopicLog,
  TopicPartitionOffset,
  TopicSpec,
} from '../../src/log/topic-log.js';

export type AppendListener = (topic: string, records: LogRecord[]) => void;

export class NamespacedLog implements TopicLog {
  private readonly listeners = new Set<AppendListener>();

  constructor(
    private readonly inner: TopicLog,
    private readonly prefix: string,
  ) {}

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private in(name: string): string {
    return this.prefix + name;
  }

  private out(name: string): string {
    return name.startsWith(this.prefix) ? name.slice(this.prefix.length) : name;
  }

  /** Runs fn, taking the prefix out of the message of what it throws. */
  private async unprefixed<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Error && e.message.includes(this.prefix)) e.message = e.message.split(this.prefix).join('');
      throw e;
    }
  }

  notify(topic: string, records: ProduceRecord[], positions: ({ partition: number; offset: number } | undefined)[]): void {
    if (this.listeners.size === 0 || records.length === 0) return;
    const now = Date.now();
    const written: LogRecord[] = records.map((r, i) => ({
      topic,
      partition: positions[i]?.partition ?? r.partition ?? 0,
      offset: positions[i]?.offset ?? -1,
      key: r.key,
      value: r.value,
      timestamp: r.timestamp ?? now,
      headers: r.headers ?? [],
    }));
    for (const l of this.listeners) l(topic, written);
  }

  private outDescription(d: TopicDescription): TopicDescription {
    return { ...d, name: this.out(d.name) };
  }

  createTopic(name: string, spec: TopicSpec): Promise<void> {
    return this.unprefixed(() => this.inner.createTopic(this.in(name), spec));
  }

  deleteTopic(name: string): Promise<void> {
    return this.unprefixed(() => this.inner.deleteTopic(this.in(name)));
  }

  describeTopic(name: string): Promise<TopicDescription | undefined> {
    return this.unprefixed(async () => {
      const d = await this.inner.describeTopic(this.in(name));
      return d && this.outDescription(d);
    });
  }

  listTopics(): Promise<TopicDescription[]> {
    return this.unprefixed(async () => (await this.inner.listTopics()).filter((d) => d.name.startsWith(this.prefix)).map((d) => this.outDescription(d)));
  }

  produce(topic: string, records: ProduceRecord[]): Promise<{ partition: number; offset: number }[]> {
    return this.unprefixed(async () => {
      const positions = await this.inner.produce(this.in(topic), records);
      this.notify(topic, records, positions);
      return positions;
    });
  }

  fetch(requests: FetchRequest[], options?: FetchOptions): Promise<LogRecord[]> {
    return this.unprefixed(async () => {
      // Progress reports name topics too: a join's partition group waits for them by its own names.
      const progress: PartitionProgress[] | undefined = options?.progress ? [] : undefined;
      const records = await this.inner.fetch(
        requests.map((r) => ({ ...r, topic: this.in(r.topic) })),
        progress ? { ...options, progress } : options,
      );
      if (progress) for (const p of progress) options!.progress!.push({ ...p, topic: this.out(p.topic) });
      return records.map((r) => ({ ...r, topic: this.out(r.topic) }));
    });
  }

  beginningOffsets(topic: string): Promise<number[]> {
    return this.unprefixed(() => this.inner.beginningOffsets(this.in(topic)));
  }

  endOffsets(topic: string): Promise<number[]> {
    return this.unprefixed(() => this.inner.endOffsets(this.in(topic)));
  }

  offsetsForTimestamp(topic: string, timestamp: number): Promise<number[]> {
    return this.unprefixed(() => this.inner.offsetsForTimestamp(this.in(topic), timestamp));
  }

  commitOffsets(group: string, offsets: TopicPartitionOffset[]): Promise<void> {
    return this.unprefixed(() => this.inner.commitOffsets(this.in(group), offsets.map((o) => ({ ...o, topic: this.in(o.topic) }))));
  }

  committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    return this.unprefixed(() => this.inner.committedOffsets(this.in(group), this.in(topic)));
  }

  partitionCount(topic: string): number | undefined {
    return this.inner.partitionCount?.(this.in(topic));
  }

  beginTransaction(transactionalId: string): Promise<LogTransaction> {
    return this.unprefixed(async () => {
      const txn = await this.inner.beginTransaction(this.in(transactionalId));
      const pending: [string, ProduceRecord[]][] = [];
      return {
        produce: (topic, records) =>
          this.unprefixed(async () => {
            await txn.produce(this.in(topic), records);
            pending.push([topic, records]);
          }),
        commitOffsets: (group, offsets) => this.unprefixed(() => txn.commitOffsets(this.in(group), offsets.map((o) => ({ ...o, topic: this.in(o.topic) })))),
        commit: () =>
          this.unprefixed(async () => {
            await txn.commit();
            for (const [topic, records] of pending.splice(0)) this.notify(topic, records, []);
          }),
        abort: () =>
          this.unprefixed(async () => {
            pending.length = 0;
            await txn.abort();
          }),
      };
    });
  }

  /** Deletes the case's topics, then closes the connection. */
  async close(): Promise<void> {
    try {
      const mine = (await this.inner.listTopics()).filter((d) => d.name.startsWith(this.prefix));
      await Promise.all(mine.map((d) => this.inner.deleteTopic(d.name).catch(() => undefined)));
    } finally {
      await this.inner.close();
    }
  }
}
