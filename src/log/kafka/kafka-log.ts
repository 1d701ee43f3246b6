// The TopicLog over a Kafka cluster, through kafkajs connections (see wire.ts for why the
// request bodies are encoded here). Metadata is cached per topic and refreshed when a
// broker says it is stale.

import * as M from '../../broker/protocol/messages.js';
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
} from '../topic-log.js';
import { KafkaClient, type ClientOptions, type KafkajsCluster } from './cluster.js';
import { decodeRecordSet } from './fetched-records.js';
import { commitGroupOffsets, readGroupOffsets } from './group-offsets.js';
import { KafkaError, checkError, isStaleMetadata } from './kafka-errors.js';
import { requestMetadata, untilEveryBrokerKnows } from './metadata-requests.js';
import { KafkaTransactions } from './transactions.js';
import { sendRequest, type KafkajsBroker } from './wire.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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

interface TopicMeta {
  partitions: number;
  replicationFactor: number;
  /** Leader node of each partition (-1 when none). */
  leaders: number[];
}

const RESOURCE_TOPIC = 2;
const LATEST = -1;
const EARLIEST = -2;
const PARTITION_FETCH_BYTES = 4 * 1024 * 1024;
const PRODUCE_CHUNK_BYTES = 512 * 1024;
const STALE_RETRIES = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KafkaLog implements TopicLog {
  private readonly meta = new Map<string, TopicMeta>();
  private readonly coordinators = new Map<string, KafkajsBroker>();
  private roundRobin = 0;
  private closed = false;
  readonly transactions: KafkaTransactions;

  private constructor(
    readonly client: KafkaClient,
    readonly requestTimeoutMs: number,
  ) {
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
    const ids = this.cluster.getNodeIds();
    if (ids.length === 0) await this.cluster.refreshMetadata();
    return this.cluster.findBroker({ nodeId: this.cluster.getNodeIds()[0]! });
  }

  /** Fetches metadata for the topics (all topics when null) and updates the cache. */
  private async loadMetadata(topics: string[] | null): Promise<Body[]> {
    const res = await requestMetadata(await this.anyBroker(), topics);
    const known = new Set((res.brokers as Body[]).map((b) => b.nodeId as number));
    if ((res.brokers as Body[]).some((b) => !this.cluster.getNodeIds().includes(b.nodeId))) await this.cluster.refreshMetadata();
    for (const t of res.topics as Body[]) {
      if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || t.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION) {
        this.meta.delete(t.name);
        continue;
      }
      if (t.errorCode !== 0 && (t.partitions as Body[]).length === 0) continue;
      const parts = [...(t.partitions as Body[])].sort((a, b) => a.partitionIndex - b.partitionIndex);
      this.meta.set(t.name, {
        partitions: parts.length,
        replicationFactor: parts[0] ? (parts[0].replicaNodes as number[]).length : 0,
        leaders: parts.map((p) => (known.has(p.leaderId) ? (p.leaderId as number) : -1)),
      });
    }
    return res.topics as Body[];
  }

  /** Metadata of a topic, from the cache unless refresh; undefined when the topic does not exist. */
  private async topicMeta(topic: string, refresh = false): Promise<TopicMeta | undefined> {
    if (!refresh) {
      const cached = this.meta.get(topic);
      if (cached) return cached;
    }
    this.meta.delete(topic);
    await this.loadMetadata([topic]);
    return this.meta.get(topic);
  }

  private async requireMeta(topic: string, refresh = false): Promise<TopicMeta> {
    const m = await this.topicMeta(topic, refresh);
    if (!m) throw new UnknownTopicError(`Topic '${topic}' does not exist`);
    return m;
  }

  /** Partition count known without I/O (from the metadata cache). */
  partitionCount(topic: string): number | undefined {
    return this.meta.get(topic)?.partitions;
  }

  /** The leader broker of each partition, refreshing metadata while a leader is unknown. */
  private async leaderOf(topic: string, partition: number, refresh = false): Promise<KafkajsBroker> {
    let m = await this.requireMeta(topic, refresh);
    if (partition >= m.partitions) m = await this.requireMeta(topic, true);
    if (partition < 0 || partition >= m.partitions) throw new UnknownTopicError(`Topic '${topic}' has no partition ${partition}`);
    for (let attempt = 0; m.leaders[partition]! < 0; attempt++) {
      if (attempt >= STALE_RETRIES) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `No leader for ${topic}-${partition}`);
      await sleep(100 * (attempt + 1));
      m = await this.requireMeta(topic, true);
    }
    return this.cluster.findBroker({ nodeId: m.leaders[partition]! });
  }

  private async groupByLeader<T extends { topic: string; partition: number }>(items: T[], refresh = false): Promise<Map<number, { broker: KafkajsBroker; items: T[] }>> {
    const byNode = new Map<number, { broker: KafkajsBroker; items: T[] }>();
    for (const item of items) {
      const broker = await this.leaderOf(item.topic, item.partition, refresh);
      const nodeId = broker.nodeId ?? -1;
      let entry = byNode.get(nodeId);
      if (!entry) byNode.set(nodeId, (entry = { broker, items: [] }));
      entry.items.push(item);
    }
    return byNode;
  }

  /** The coordinator of a consumer group or transactional id (cached until it moves). */
  async coordinator(key: string, type: number): Promise<KafkajsBroker> {
    const cacheKey = `${type}:${key}`;
    const cached = this.coordinators.get(cacheKey);
    if (cached) return cached;
    const broker = (await this.cluster.findGroupCoordinator({ groupId: key, coordinatorType: type })) as KafkajsBroker;
    this.coordinators.set(cacheKey, broker);
    return broker;
  }

  forgetCoordinator(key: string, type: number): void {
    this.coordinators.delete(`${type}:${key}`);
  }

  /** Runs fn against a coordinator, looking it up again while it has moved or is loading. */
  async withCoordinator<T>(key: string, type: number, fn: (broker: KafkajsBroker) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(await this.coordinator(key, type));
      } catch (e) {
        const code = (e as KafkaError).code;
        const moved = code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
        if (!moved || attempt >= STALE_RETRIES) throw e;
        this.forgetCoordinator(key, type);
        await sleep(100 * (attempt + 1));
      }
    }
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
    await this.topicMeta(name, true);
  }

  async deleteTopic(name: string): Promise<void> {
    if (!(await this.topicMeta(name, true))) throw new UnknownTopicError(`Topic '${name}' does not exist`);
    const controller = await this.cluster.findControllerBroker();
    const res = await sendRequest<Body>(controller, M.DeleteTopics, 3, { topicNames: [name], timeoutMs: this.requestTimeoutMs });
    this.meta.delete(name);
    const r = (res.responses as Body[])[0]!;
    if (r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new UnknownTopicError(`Topic '${name}' does not exist`);
    checkError(r.errorCode, `Could not delete topic '${name}'`, r.errorMessage);
  }

  private async topicConfigs(names: string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (names.length === 0) return out;
    const res = await sendRequest<Body>(await this.anyBroker(), M.DescribeConfigs, 2, {
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
    const [m, all] = await Promise.all([this.topicMeta(name, true), this.topicConfigs([name])]);
    if (!m) return undefined;
    const configs = all.get(name);
    if (!configs) return (await this.topicMeta(name, true)) ? { name, partitions: m.partitions, replicationFactor: m.replicationFactor, configs: {} } : undefined;
    return { name, partitions: m.partitions, replicationFactor: m.replicationFactor, configs };
  }

  async listTopics(): Promise<TopicDescription[]> {
    const topics = (await this.loadMetadata(null)).filter((t) => t.errorCode === 0 && !t.isInternal).map((t) => t.name as string);
    const configs = await this.topicConfigs(topics);
    const out: TopicDescription[] = [];
    for (const name of topics.sort()) {
      const m = this.meta.get(name);
      if (m) out.push({ name, partitions: m.partitions, replicationFactor: m.replicationFactor, configs: configs.get(name) ?? {} });
    }
    return out;
  }

  // ------------------------------------------------------------------ produce

  /** The partition of each record: explicit, by key hash, or round-robin for null keys. */
  async assignPartitions(topic: string, records: ProduceRecord[]): Promise<number[]> {
    let m = await this.requireMeta(topic);
    if (records.some((r) => r.partition !== undefined && r.partition >= m.partitions)) m = await this.requireMeta(topic, true);
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
      const groups = await this.groupByLeader(pending, attempt > 0);
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
                  this.meta.delete(topic);
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
    if (requests.length === 0) return [];
    const maxRecords = options.maxRecords ?? 10_000;
    const maxWaitMs = Math.max(0, options.maxWaitMs ?? 0);
    const readCommitted = options.readCommitted ?? true;
    let offsets = requests.map((r) => r.offset);
    for (let attempt = 0; ; attempt++) {
      const stale: unknown[] = [];
      const groups = await this.groupByLeader(
        requests.map((r, i) => ({ ...r, offset: offsets[i]!, index: i })),
        attempt > 0,
      );
      const perRequest: LogRecord[][] = requests.map(() => []);
      const outOfRange: number[] = [];
      await Promise.all(
        [...groups.values()].map(async ({ broker, items }) => {
          const res = await this.fetchFrom(broker.nodeId ?? -1, items, maxWaitMs, readCommitted);
          const byKey = new Map(items.map((it) => [`${it.topic}\u0000${it.partition}`, it]));
          for (const t of res.responses as Body[]) {
            for (const p of t.partitions as Body[]) {
              const item = byKey.get(`${t.topic}\u0000${p.partitionIndex}`);
              if (!item) continue;
              if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
                outOfRange.push(item.index);
                continue;
              }
              if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
                this.meta.delete(item.topic);
                stale.push(new UnknownTopicError(`Topic '${item.topic}' does not exist`));
                continue;
              }
              if (isStaleMetadata(p.errorCode)) {
                stale.push(new KafkaError(p.errorCode, `Could not fetch ${item.topic}-${item.partition}`));
                continue;
              }
              checkError(p.errorCode, `Could not fetch ${item.topic}-${item.partition}`);
              decodeRecordSet(
                {
                  topic: item.topic,
                  partition: item.partition,
                  fetchOffset: item.offset,
                  records: p.records,
                  abortedTransactions: p.abortedTransactions,
                },
                perRequest[item.index]!,
                maxRecords,
              );
            }
          }
        }),
      );
      const out: LogRecord[] = [];
      for (const recs of perRequest) for (const r of recs) if (out.length < maxRecords) out.push(r);
      if (stale.length === 0 && outOfRange.length === 0) return out;
      if (out.length > 0) return out;
      if (attempt >= STALE_RETRIES) throw stale[0] ?? new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, 'Fetch offset out of range');
      if (stale.some((e) => e instanceof UnknownTopicError)) {
        // confirm against fresh metadata before reporting the topic as gone
        for (const r of requests) if (!(await this.topicMeta(r.topic, true))) throw new UnknownTopicError(`Topic '${r.topic}' does not exist`);
      }
      if (outOfRange.length > 0) {
        offsets = [...offsets];
        for (const i of outOfRange) {
          const r = requests[i]!;
          const [start] = await this.listOffsets(r.topic, [r.partition], EARLIEST, false);
          // Before the log start: read from the start. Past the end: nothing to read yet.
          if (offsets[i]! < start!) offsets[i] = start!;
          else return out;
        }
      }
      if (stale.length > 0) await sleep(50 * (attempt + 1));
    }
  }

  private async fetchFrom(
    nodeId: number,
    items: { topic: string; partition: number; offset: number }[],
    maxWaitMs: number,
    readCommitted: boolean,
  ): Promise<Body> {
    const byTopic = new Map<string, { partition: number; fetchOffset: number }[]>();
    for (const it of items) {
      let list = byTopic.get(it.topic);
      if (!list) byTopic.set(it.topic, (list = []));
      list.push({ partition: it.partition, fetchOffset: it.offset });
    }
    const fetcher = await this.client.acquireFetcher();
    let broken = false;
    try {
      const broker = await fetcher.findBroker({ nodeId });
      return await sendRequest<Body>(
        broker,
        M.Fetch,
        11,
        {
          replicaId: -1,
          maxWaitMs,
          minBytes: 1,
          maxBytes: 64 * 1024 * 1024,
          isolationLevel: readCommitted ? 1 : 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...byTopic].map(([topic, parts]) => ({
            topic,
            partitions: parts.map((p) => ({ ...p, currentLeaderEpoch: -1, logStartOffset: -1, partitionMaxBytes: PARTITION_FETCH_BYTES })),
          })),
          forgottenTopicsData: [],
          rackId: '',
        },
        { requestTimeout: this.requestTimeoutMs + maxWaitMs },
      );
    } catch (e) {
      broken = true;
      throw e;
    } finally {
      this.client.releaseFetcher(fetcher, broken);
    }
  }

  // ------------------------------------------------------------------ offsets

  /** ListOffsets for the given partitions at a timestamp (or LATEST / EARLIEST); -1 where none. */
  private async listOffsets(topic: string, partitions: number[], timestamp: number, readCommitted: boolean): Promise<number[]> {
    const out = new Array<number>(partitions.length).fill(-1);
    for (let attempt = 0; ; attempt++) {
      const groups = await this.groupByLeader(
        partitions.map((partition, index) => ({ topic, partition, index })),
        attempt > 0,
      );
      let stale = false;
      await Promise.all(
        [...groups.values()].map(async ({ broker, items }) => {
          const res = await sendRequest<Body>(broker, M.ListOffsets, 5, {
            replicaId: -1,
            isolationLevel: readCommitted ? 1 : 0,
            topics: [{ name: topic, partitions: items.map((it) => ({ partitionIndex: it.partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
          });
          for (const t of res.topics as Body[]) {
            for (const p of t.partitions as Body[]) {
              const item = items.find((it) => it.partition === p.partitionIndex);
              if (!item) continue;
              if (isStaleMetadata(p.errorCode) && attempt < STALE_RETRIES) {
                stale = true;
                continue;
              }
              if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new UnknownTopicError(`Topic '${topic}' does not exist`);
              checkError(p.errorCode, `Could not list offsets of ${topic}-${p.partitionIndex}`);
              out[item.index] = res.apiVersion === 0 ? ((p.oldStyleOffsets as number[])[0] ?? -1) : (p.offset as number);
            }
          }
        }),
      );
      if (!stale) return out;
      await sleep(50 * (attempt + 1));
    }
  }

  private async allPartitions(topic: string): Promise<number[]> {
    const m = await this.requireMeta(topic);
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

  commitOffsets(group: string, offsets: TopicPartitionOffset[]): Promise<void> {
    return commitGroupOffsets(this, group, offsets);
  }

  async committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    const meta = await this.topicMeta(topic);
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
