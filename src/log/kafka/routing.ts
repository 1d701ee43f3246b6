// Where a Kafka request goes: the cached topic metadata (refreshed when a broker says it is
// stale), the leader of each partition and the coordinator of a group or transactional id.

import * as M from '../../kafka-protocol/messages.js';
import { ErrorCode } from '../errors.js';
import { UnknownTopicError } from '../topic-log.js';
import type { KafkajsCluster } from './cluster.js';
import { KafkaError } from './kafka-errors.js';
import { sendRequest, type KafkajsBroker } from './wire.js';

export type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface TopicMeta {
  partitions: number;
  replicationFactor: number;
  /** Leader node of each partition (-1 when none). */
  leaders: number[];
}

export const STALE_RETRIES = 5;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KafkaRouting {
  readonly meta = new Map<string, TopicMeta>();
  private readonly coordinators = new Map<string, KafkajsBroker>();

  constructor(private readonly clusterOf: () => KafkajsCluster) {}

  private get cluster(): KafkajsCluster {
    return this.clusterOf();
  }

  async anyBroker(): Promise<KafkajsBroker> {
    const ids = this.cluster.getNodeIds();
    if (ids.length === 0) await this.cluster.refreshMetadata();
    return this.cluster.findBroker({ nodeId: this.cluster.getNodeIds()[0]! });
  }

  /** Fetches metadata for the topics (all topics when null) and updates the cache. */
  async loadMetadata(topics: string[] | null): Promise<Body[]> {
    const res = await sendRequest<Body>(await this.anyBroker(), M.Metadata, 8, {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
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
  async topicMeta(topic: string, refresh = false): Promise<TopicMeta | undefined> {
    if (!refresh) {
      const cached = this.meta.get(topic);
      if (cached) return cached;
    }
    this.meta.delete(topic);
    await this.loadMetadata([topic]);
    return this.meta.get(topic);
  }

  async requireMeta(topic: string, refresh = false): Promise<TopicMeta> {
    const m = await this.topicMeta(topic, refresh);
    if (!m) throw new UnknownTopicError(`Topic '${topic}' does not exist`);
    return m;
  }

  /** Partition count known without I/O (from the metadata cache). */
  partitionCount(topic: string): number | undefined {
    return this.meta.get(topic)?.partitions;
  }

  /** The leader broker of each partition, refreshing metadata while a leader is unknown. */
  async leaderOf(topic: string, partition: number, refresh = false): Promise<KafkajsBroker> {
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

  async groupByLeader<T extends { topic: string; partition: number }>(items: T[], refresh = false): Promise<Map<number, { broker: KafkajsBroker; items: T[] }>> {
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
}
