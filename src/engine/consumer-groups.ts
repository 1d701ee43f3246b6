// Consumer groups as whoever coordinates them sees them: members with their partition
// assignments and committed offsets. Three sources give the same shape: the embedded log
// (committed offsets) with the embedded broker's coordinator (live members), a Kafka admin
// client (ListGroups, DescribeGroups, OffsetFetch), and Eddy's own persistent queries.
// SHOW TOPICS EXTENDED and `eddy topic describe` count consumers and compute lag from it.

import { kafkaSecurity } from '../log/kafka/security.js';
import type { Admin } from 'kafkajs';
import type { TopicLog } from '../log/topic-log.js';
import { EmbeddedLog } from '../log/embedded/index.js';
import { consumerGroup } from '../runtime/persistent-query.js';
import { bootstrapServers } from './defaults.js';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface GroupMemberInfo {
  memberId: string;
  clientId: string;
  host: string;
  assignment: TopicPartitions[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The next offset the group will read. */
  offset: number;
}

export interface ConsumerGroupInfo {
  groupId: string;
  /** Stable, Empty, PreparingRebalance, ... as Kafka names group states. */
  state: string;
  members: GroupMemberInfo[];
  offsets: CommittedOffset[];
}

/** What the embedded broker's group coordinator exposes (structurally; see src/broker/groups.ts). */
export interface GroupMembership {
  readonly groups: ReadonlyMap<
    string,
    {
      readonly state: string;
      readonly protocolType: string | null;
      readonly members: ReadonlyMap<string, { memberId: string; clientId: string; clientHost: string; assignment: Buffer }>;
    }
  >;
}

/** A TopicLog that can list consumer groups itself (e.g. one over a Kafka cluster). */
export interface ConsumerGroupLister {
  listConsumerGroups(): Promise<ConsumerGroupInfo[]>;
}

function hasLister(log: unknown): log is ConsumerGroupLister {
  return typeof (log as Partial<ConsumerGroupLister>).listConsumerGroups === 'function';
}

/**
 * Decodes a consumer-protocol assignment: int16 version, then an array of (topic string,
 * int32 partition array), then user data. Returns [] for bytes of other protocols.
 */
export function decodeConsumerAssignment(bytes: Buffer): TopicPartitions[] {
  try {
    if (bytes.length < 6) return [];
    let at = 2;
    const int32 = () => {
      const v = bytes.readInt32BE(at);
      at += 4;
      return v;
    };
    const topics = int32();
    if (topics < 0 || topics > 100_000) return [];
    const out: TopicPartitions[] = [];
    for (let i = 0; i < topics; i++) {
      const len = bytes.readInt16BE(at);
      at += 2;
      if (len < 0 || at + len > bytes.length) return [];
      const topic = bytes.toString('utf8', at, at + len);
      at += len;
      const n = int32();
      if (n < 0 || at + 4 * n > bytes.length) return [];
      const partitions: number[] = [];
      for (let j = 0; j < n; j++) partitions.push(int32());
      out.push({ topic, partitions: partitions.sort((a, b) => a - b) });
    }
    return out;
  } catch {
    return [];
  }
}

/** Groups of the embedded log: committed offsets from its store, members from the broker's coordinator. */
export function embeddedConsumerGroups(log: EmbeddedLog, membership?: GroupMembership): ConsumerGroupInfo[] {
  const byId = new Map<string, ConsumerGroupInfo>();
  for (const [groupId, offsets] of log.store.offsets) {
    if (offsets.size === 0) continue;
    byId.set(groupId, {
      groupId,
      state: 'Empty',
      members: [],
      offsets: [...offsets.values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })),
    });
  }
  for (const [groupId, g] of membership?.groups ?? []) {
    if (g.state === 'Dead' || (g.members.size === 0 && !byId.has(groupId))) continue;
    const info = byId.get(groupId) ?? { groupId, state: 'Empty', members: [], offsets: [] };
    info.state = g.members.size > 0 ? g.state : 'Empty';
    info.members = [...g.members.values()].map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: g.protocolType === 'consumer' || g.protocolType === null ? decodeConsumerAssignment(m.assignment) : [],
    }));
    byId.set(groupId, info);
  }
  return [...byId.values()];
}

/** Groups of a Kafka cluster (or the embedded broker) through an admin client. */
export async function adminConsumerGroups(admin: Admin): Promise<ConsumerGroupInfo[]> {
  const { groups } = await admin.listGroups();
  const ids = groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId);
  if (ids.length === 0) return [];
  const described = await admin.describeGroups(ids);
  const out: ConsumerGroupInfo[] = [];
  for (const g of described.groups) {
    const offsets: CommittedOffset[] = [];
    for (const t of await admin.fetchOffsets({ groupId: g.groupId })) {
      for (const p of t.partitions) {
        const offset = Number(p.offset);
        if (offset >= 0) offsets.push({ topic: t.topic, partition: p.partition, offset });
      }
    }
    out.push({
      groupId: g.groupId,
      state: g.state,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: decodeConsumerAssignment(m.memberAssignment),
      })),
      offsets,
    });
  }
  return out;
}

/** Groups of the Kafka cluster at `bootstrap.servers`, through a short-lived admin client. */
async function clusterConsumerGroups(brokers: string[], config: Record<string, unknown>): Promise<ConsumerGroupInfo[]> {
  const security = kafkaSecurity(config);
  const { default: kafkajs } = await import('kafkajs');
  const kafka = new kafkajs.Kafka({
    brokers,
    clientId: `eddy-${String(config['ksql.service.id'] ?? 'default_')}-admin`,
    ssl: security.ssl,
    sasl: security.sasl,
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await adminConsumerGroups(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The groups of whatever cluster the log is on: the log's own lister, the embedded store and
 * broker, or the Kafka cluster of `bootstrap.servers`; [] when none can tell.
 */
export async function consumerGroupsOf(log: TopicLog, membership?: GroupMembership, config: Record<string, unknown> = {}): Promise<ConsumerGroupInfo[]> {
  if (hasLister(log)) return log.listConsumerGroups();
  if (log instanceof EmbeddedLog) return embeddedConsumerGroups(log, membership);
  const brokers = bootstrapServers(config);
  return brokers ? clusterConsumerGroups(brokers, config) : [];
}

/** A running persistent query of Eddy: one consumer in its own group reading whole topics. */
export interface OwnQueryConsumer {
  queryId: string;
  group: string;
  topics: { topic: string; partitions: number }[];
}

/** Adds Eddy's running queries as members of their groups (they read without joining a coordinator). */
export function withOwnQueries(groups: ConsumerGroupInfo[], queries: OwnQueryConsumer[]): ConsumerGroupInfo[] {
  const byId = new Map(groups.map((g) => [g.groupId, { ...g, members: [...g.members] }]));
  for (const q of queries) {
    const g = byId.get(q.group) ?? { groupId: q.group, state: 'Stable', members: [], offsets: [] };
    if (g.members.some((m) => m.memberId === q.queryId)) continue;
    g.state = 'Stable';
    g.members.push({
      memberId: q.queryId,
      clientId: q.queryId,
      host: 'eddy',
      assignment: q.topics.map((t) => ({ topic: t.topic, partitions: Array.from({ length: t.partitions }, (_, i) => i) })),
    });
    byId.set(q.group, g);
  }
  return [...byId.values()];
}

export interface PartitionLag {
  partition: number;
  /** null when the group has no committed offset there (its position is unknown). */
  committed: number | null;
  end: number;
  /** end - committed; null (unknown, and left out of sums) without a committed offset. */
  lag: number | null;
}

export interface TopicGroupSummary {
  groupId: string;
  state: string;
  consumers: number;
  lag: number;
  partitions: PartitionLag[];
}

export interface TopicConsumers {
  consumerCount: number;
  consumerGroupCount: number;
  /** Sum of the known lag of every group on the topic. */
  lag: number;
  groups: TopicGroupSummary[];
}

/**
 * Consumers of one topic: a group counts when a member is assigned one of its partitions or
 * when it has committed offsets there. Lag is end offset minus committed offset on each
 * partition of the topic; where the group has not committed yet its position is unknown
 * (as Kafka's tools show it), so that partition's lag is null and not summed.
 */
export function topicConsumers(topic: string, end: number[], groups: ConsumerGroupInfo[]): TopicConsumers {
  const summaries: TopicGroupSummary[] = [];
  for (const g of groups) {
    const consumers = g.members.filter((m) => m.assignment.some((a) => a.topic === topic && a.partitions.length > 0)).length;
    const committed = new Map(g.offsets.filter((o) => o.topic === topic).map((o) => [o.partition, o.offset]));
    if (consumers === 0 && committed.size === 0) continue;
    const partitions: PartitionLag[] = [];
    for (let p = 0; p < end.length; p++) {
      const c = committed.get(p);
      partitions.push({ partition: p, committed: c ?? null, end: end[p]!, lag: c === undefined ? null : Math.max(0, end[p]! - c) });
    }
    summaries.push({
      groupId: g.groupId,
      state: g.state,
      consumers,
      lag: partitions.reduce((s, p) => s + (p.lag ?? 0), 0),
      partitions,
    });
  }
  summaries.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  return {
    consumerCount: summaries.reduce((s, g) => s + g.consumers, 0),
    consumerGroupCount: summaries.length,
    lag: summaries.reduce((s, g) => s + g.lag, 0),
    groups: summaries,
  };
}

/** The group, topics and partition counts of each running persistent query. */
export async function ownQueryConsumers(
  log: TopicLog,
  queries: { queryId: string; properties: Record<string, unknown>; sourceTopics: string[] }[],
): Promise<OwnQueryConsumer[]> {
  const out: OwnQueryConsumer[] = [];
  for (const q of queries) {
    const topics: { topic: string; partitions: number }[] = [];
    for (const name of new Set(q.sourceTopics)) {
      const d = await log.describeTopic(name);
      if (d) topics.push({ topic: d.name, partitions: d.partitions });
    }
    out.push({ queryId: q.queryId, group: consumerGroup(q.properties, q.queryId), topics });
  }
  return out;
}
