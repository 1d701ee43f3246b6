// The TopicLog over a Kafka cluster, through kafkajs connections (see wire.ts for why the
// request bodies are encoded here). Metadata is cached per topic and refreshed when a
// broker says it is stale.

import * as M from '../../kafka-protocol/messages.js';
import { ErrorCode } from '../errors.js';
import { partitionForKey } from '../partitioner.js';
import { encodeBatch, type BatchProducer } from '../record-batch.js';
import {
  TopicExistsError,
  UnknownTopicError,
  type FetchOptions,
  type FetchRequest,
  type LogRecord,
  type LogTransaction,
  type ProduceRecord,
  type TopicDescription,
  type TopicLog,
  type TopicPartitionOffset,
  type TopicSpec,
  type GroupGeneration,
} from '../topic-log.js';
import { KafkaClient, type ClientOptions, type KafkajsCluster } from './cluster.js';
import { KafkaReader, EARLIEST, LATEST } from './reader.js';
import { commitGroupOffsets, readGroupOffsets } from './group-offsets.js';
import { KafkaError, checkError, isStaleMetadata } from './kafka-errors.js';
import { untilEveryBrokerKnows } from './metadata-requests.js';
import { KafkaRouting, STALE_RETRIES, sleep, type Body } from './routing.js';
import { KafkaTransactions } from './transactions.js';
import { sendRequest, type KafkajsBroker } from './wire.js';
import { KAFKA_LOG } from './is-kafka-log.js';

export interface KafkaLogOptions {
  /** Bootstrap servers, "host:port". */
  brokers: string[];
  clientId?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  ssl?: unknown;
  sasl?: unknown;
  logger?: ClientOptions['logger'];
}

const RESOURCE_TOPIC = 2;
const PRODUCE_CHUNK_BYTES = 512 * 1024;

export class KafkaLog implements TopicLog {
  private readonly routing: KafkaRouting;
  private readonly reader: KafkaReader;
  private roundRobin = 0;
  private closed = false;
  readonly transactions: KafkaTransactions;
  readonly [KAFKA_LOG] = true;

  private constructor(
    readonly client: KafkaClient,
    readonly requestTimeoutMs: number,
  ) {
    this.routing = new KafkaRouting(() => this.client.main);
    this.reader = new KafkaReader(client, this.routing, requestTimeoutMs);
    this.transactions = new KafkaTransactions(this);
  }

  static async connect(options: KafkaLogOptions): Promise<KafkaLog> {
    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    const client = await KafkaClient.connect({
      brokers: options.brokers,
      clientId: options.clientId ?? 'eddy',
      connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
      requestTimeoutMs,
      ssl: options.ssl,
      sasl: options.sasl,
      logger: options.logger,
    });
    return new KafkaLog(client, requestTimeoutMs);
  }

  private get cluster(): KafkajsCluster {
    return this.client.main;
  }

  // ------------------------------------------------------------------ metadata

  async anyBroker(): Promise<KafkajsBroker> {
    return this.routing.anyBroker();
  }

  /** Partition count known without I/O (from the metadata cache). */
  partitionCount(topic: string): number | undefined {
    return this.routing.partitionCount(topic);
  }

  /** Runs fn against a coordinator, looking it up again while it has moved or is loading. */
  withCoordinator<T>(key: string, type: number, fn: (broker: KafkajsBroker) => Promise<T>): Promise<T> {
    return this.routing.withCoordinator(key, type, fn);
  }

  // ------------------------------------------------------------------ topics

  async createTopic(name: string, spec: TopicSpec): Promise<void> {
    const controller = await this.cluster.findControllerBroker();
    const res = await sendRequest<Body>(controller, M.CreateTopics, 4, {
      topics: [
        {
          name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor ?? -1,
          assignments: [],
          configs: Object.entries(spec.configs ?? {}).map(([k, v]) => ({ name: k, value: v })),
        },
      ],
      timeoutMs: this.requestTimeoutMs,
      validateOnly: false,
    });
    const t = (res.topics as Body[])[0]!;
    if (t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) throw new TopicExistsError(`Topic '${name}' already exists`);
    checkError(t.errorCode, `Could not create topic '${name}'`, t.errorMessage);
    await untilEveryBrokerKnows(this.cluster, name, spec.partitions);
    await this.routing.topicMeta(name, true);
  }

  async deleteTopic(name: string): Promise<void> {
    if (!(await this.routing.topicMeta(name, true))) throw new UnknownTopicError(`Topic '${name}' does not exist`);
    const controller = await this.cluster.findControllerBroker();
    const res = await sendRequest<Body>(controller, M.DeleteTopics, 3, { topicNames: [name], timeoutMs: this.requestTimeoutMs });
    this.routing.meta.delete(name);
    const r = (res.responses as Body[])[0]!;
    if (r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new UnknownTopicError(`Topic '${name}' does not exist`);
    checkError(r.errorCode, `Could not delete topic '${name}'`, r.errorMessage);
  }

  private async topicConfigs(names: string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (names.length === 0) return out;
    const res = await sendRequest<Body>(await this.routing.anyBroker(), M.DescribeConfigs, 2, {
      resources: names.map((n) => ({ resourceType: RESOURCE_TOPIC, resourceName: n, configurationKeys: null })),
      includeSynonyms: false,
    });
    for (const r of res.results as Body[]) {
      if (r.errorCode !== 0) continue;
      const configs: Record<string, string> = {};
      // Every topic-level setting with a value, defaults included, as the embedded log describes them.
      for (const c of r.configs as Body[]) if (c.value !== null && !c.isSensitive) configs[c.name] = c.value;
      out.set(r.resourceName, configs);
    }
    return out;
  }

  async describeTopic(name: string): Promise<TopicDescription | undefined> {
    // Both requests at once: one round trip of latency for the common case.
    const [m, all] = await Promise.all([this.routing.topicMeta(name, true), this.topicConfigs([name])]);
    if (!m) return undefined;
    const configs = all.get(name);
    if (!configs) return (await this.routing.topicMeta(name, true)) ? { name, partitions: m.partitions, replicationFactor: m.replicationFactor, configs: {} } : undefined;
    return { name, partitions: m.partitions, replicationFactor: m.replicationFactor, configs };
  }

  async listTopics(): Promise<TopicDescription[]> {
    const topics = (await this.routing.loadMetadata(null)).filter((t) => t.errorCode === 0 && !t.isInternal).map((t) => t.name as string);
    const configs = await this.topicConfigs(topics);
    const out: TopicDescription[] = [];
    for (const name of topics.sort()) {
      const m = this.routing.meta.get(name);
      if (m) out.push({ name, partitions: m.partitions, replicationFactor: m.replicationFactor, configs: configs.get(name) ?? {} });
    }
    return out;
  }

  // ------------------------------------------------------------------ produce

  /** The partition of each record: explicit, by key hash, or round-robin for null keys. */
  async assignPartitions(topic: string, records: ProduceRecord[]): Promise<number[]> {
    let m = await this.routing.requireMeta(topic);
    if (records.some((r) => r.partition !== undefined && r.partition >= m.partitions)) m = await this.routing.requireMeta(topic, true);
    return records.map((r) => {
      if (r.partition !== undefined) {
        if (r.partition < 0 || r.partition >= m.partitions) throw new UnknownTopicError(`Topic '${topic}' has no partition ${r.partition}`);
        return r.partition;
      }
      if (r.key !== null) return partitionForKey(r.key, m.partitions);
      return this.roundRobin++ % m.partitions;
    });
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<{ partition: number; offset: number }[]> {
    return this.produceAs(topic, records, null);
  }

  /** Produces plainly or, with a producer, as part of its open transaction. */
  async produceAs(
    topic: string,
    records: ProduceRecord[],
    txn: { transactionalId: string; producer: (partition: number, count: number) => BatchProducer } | null,
    partitions?: number[],
  ): Promise<{ partition: number; offset: number }[]> {
    if (this.closed) throw new Error('The Kafka log is closed');
    if (records.length === 0) return [];
    const assigned = partitions ?? (await this.assignPartitions(topic, records));
    const out: { partition: number; offset: number }[] = new Array(records.length);
    // Chunks keep each batch well under a broker's message size limit.
    let start = 0;
    while (start < records.length) {
      let end = start;
      let bytes = 0;
      while (end < records.length && (end === start || bytes < PRODUCE_CHUNK_BYTES)) {
        const r = records[end]!;
        bytes += 32 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
        for (const h of r.headers ?? []) bytes += h.key.length + (h.value?.length ?? 0) + 8;
        end++;
      }
      await this.produceChunk(topic, records, assigned, start, end, out, txn);
      start = end;
    }
    return out;
  }

  private async produceChunk(
    topic: string,
    records: ProduceRecord[],
    assigned: number[],
    start: number,
    end: number,
    out: { partition: number; offset: number }[],
    txn: { transactionalId: string; producer: (partition: number, count: number) => BatchProducer } | null,
  ): Promise<void> {
    const byPartition = new Map<number, number[]>();
    for (let i = start; i < end; i++) {
      const p = assigned[i]!;
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(i);
    }
    const now = Date.now();
    const batches = new Map<number, Buffer>();
    for (const [p, idx] of byPartition) {
      const producer = txn ? txn.producer(p, idx.length) : undefined;
      batches.set(p, encodeBatch(idx.map((i) => records[i]!), 0, now, producer));
    }
    let pending = [...byPartition.keys()].map((partition) => ({ topic, partition }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const retry: { topic: string; partition: number }[] = [];
      let lastError: unknown;
      const groups = await this.routing.groupByLeader(pending, attempt > 0);
      await Promise.all(
        [...groups.values()].map(async ({ broker, items }) => {
          const res = await sendRequest<Body>(broker, M.Produce, 7, {
            transactionalId: txn ? txn.transactionalId : null,
            acks: -1,
            timeoutMs: this.requestTimeoutMs,
            topicData: [{ name: topic, partitionData: items.map((it) => ({ index: it.partition, records: batches.get(it.partition)! })) }],
          });
          for (const t of res.responses as Body[]) {
            for (const pr of t.partitionResponses as Body[]) {
              const p = pr.index as number;
              if (pr.errorCode !== 0) {
                const err = new KafkaError(pr.errorCode, `Could not produce to ${topic}-${p}`, pr.errorMessage);
                if (isStaleMetadata(pr.errorCode)) {
                  retry.push({ topic, partition: p });
                  lastError = err;
                  continue;
                }
                if (pr.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
                  this.routing.meta.delete(topic);
                  throw new UnknownTopicError(`Topic '${topic}' does not exist`);
                }
                checkError(pr.errorCode, `Could not produce to ${topic}-${p}`, pr.errorMessage);
              }
              const idx = byPartition.get(p)!;
              idx.forEach((recordIndex, k) => (out[recordIndex] = { partition: p, offset: (pr.baseOffset as number) + k }));
            }
          }
        }),
      );
      if (retry.length > 0 && attempt >= STALE_RETRIES) {
        if ((lastError as KafkaError).code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new UnknownTopicError(`Topic '${topic}' does not exist`);
        throw lastError;
      }
      if (retry.length > 0) await sleep(50 * (attempt + 1));
      pending = retry;
    }
  }

  // ------------------------------------------------------------------ fetch

  async fetch(requests: FetchRequest[], options: FetchOptions = {}): Promise<LogRecord[]> {
    if (this.closed) throw new Error('The Kafka log is closed');
    return this.reader.fetch(requests, options);
  }

  // ------------------------------------------------------------------ offsets

  private listOffsets(topic: string, partitions: number[], timestamp: number, readCommitted: boolean): Promise<number[]> {
    return this.reader.listOffsets(topic, partitions, timestamp, readCommitted);
  }

  private async allPartitions(topic: string): Promise<number[]> {
    const m = await this.routing.requireMeta(topic);
    return Array.from({ length: m.partitions }, (_, i) => i);
  }

  async beginningOffsets(topic: string): Promise<number[]> {
    return this.listOffsets(topic, await this.allPartitions(topic), EARLIEST, false);
  }

  async endOffsets(topic: string): Promise<number[]> {
    return this.listOffsets(topic, await this.allPartitions(topic), LATEST, true);
  }

  async offsetsForTimestamp(topic: string, timestamp: number): Promise<number[]> {
    const partitions = await this.allPartitions(topic);
    const found = await this.listOffsets(topic, partitions, timestamp, false);
    if (found.every((o) => o >= 0)) return found;
    const ends = await this.listOffsets(topic, partitions, LATEST, false);
    return found.map((o, i) => (o >= 0 ? o : ends[i]!));
  }

  commitOffsets(group: string, offsets: TopicPartitionOffset[], generation?: GroupGeneration): Promise<void> {
    return commitGroupOffsets(this, group, offsets, generation);
  }

  async committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    const meta = await this.routing.topicMeta(topic);
    return readGroupOffsets(this, group, topic, meta ? Array.from({ length: meta.partitions }, (_, i) => i) : null);
  }

  // ------------------------------------------------------------------ transactions

  beginTransaction(transactionalId: string): Promise<LogTransaction> {
    if (this.closed) return Promise.reject(new Error('The Kafka log is closed'));
    return this.transactions.begin(transactionalId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}
