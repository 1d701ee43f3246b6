// ApiVersions, CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords,
// DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DescribeCluster, DescribeLogDirs.

import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, LogError } from '../../log/errors.js';
import { DEFAULT_TOPIC_CONFIGS, validateTopicConfigs, validateTopicName } from '../../log/embedded/embedded-log.js';
import { TopicExistsError, UnknownTopicError } from '../../log/topic-log.js';
import { ADVERTISED } from '../../kafka-protocol/messages.js';
import { errorCodeOf, type Body, type BrokerContext, type RequestInfo } from '../context.js';
import { UNKNOWN_TOPIC_ID, topicIdOf, topicNameOf } from '../topic-ids.js';
import { CLUSTER_NAME, Operation, ResourceType } from '../security/acls.js';
import { allowed } from '../security/authorize.js';

const topicAllowed = (ctx: BrokerContext, info: RequestInfo, operation: number, topic: string) => allowed(ctx, info, operation, ResourceType.TOPIC, topic);
const TOPIC_DENIED = { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Topic authorization failed.' };

function describeError(e: unknown): { errorCode: number; errorMessage: string } {
  if (e instanceof TopicExistsError) return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: e.message };
  if (e instanceof UnknownTopicError) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: e.message };
  const code = errorCodeOf(e);
  if (code === undefined) throw e;
  return { errorCode: code, errorMessage: (e as Error).message };
}

export function apiVersions(): Body {
  const apiKeys = Object.entries(ADVERTISED)
    .map(([k, [min, max]]) => ({ apiKey: Number(k), minVersion: min, maxVersion: max }))
    .sort((a, b) => a.apiKey - b.apiKey);
  return { errorCode: 0, apiKeys, throttleTimeMs: 0 };
}

export function createTopics(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const clusterCreate = allowed(ctx, info, Operation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME);
  const topics = (req.topics as Body[]).map((t) => {
    const name: string = t.name;
    if (!clusterCreate && !topicAllowed(ctx, info, Operation.CREATE, name)) return { name, ...TOPIC_DENIED };
    try {
      validateTopicName(name);
      let partitions: number = t.numPartitions;
      if ((t.assignments as Body[]).length > 0) partitions = t.assignments.length;
      else if (partitions === -1) partitions = ctx.defaultPartitions;
      if (partitions < 1) return { name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Number of partitions must be larger than 0, got ${partitions}.` };
      const rf: number = t.replicationFactor === -1 ? 1 : t.replicationFactor;
      if (rf !== 1) {
        return { name, errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `Replication factor: ${rf} larger than available brokers: 1.` };
      }
      const configs: Record<string, string> = {};
      for (const c of t.configs as Body[]) if (c.value !== null) configs[c.name] = c.value;
      validateTopicConfigs(configs);
      if (ctx.log.topic(name)) return { name, errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `Topic '${name}' already exists.` };
      if (!req.validateOnly) ctx.log.createTopicSync(name, { partitions, replicationFactor: 1, configs });
      // v5+ answers with the topic's effective configs (source 1: set on the topic, 5: default).
      const effective = Object.entries({ ...DEFAULT_TOPIC_CONFIGS, ...configs }).map(([configName, value]) => ({
        name: configName,
        value,
        readOnly: false,
        configSource: configName in configs ? 1 : 5,
        isSensitive: false,
      }));
      return { name, topicId: topicIdOf(ctx, name), errorCode: 0, errorMessage: null, numPartitions: partitions, replicationFactor: 1, configs: effective };
    } catch (e) {
      return { name, ...describeError(e), numPartitions: -1, replicationFactor: -1 };
    }
  });
  return { throttleTimeMs: 0, topics: topics.map((t) => ({ numPartitions: -1, replicationFactor: -1, ...t })) };
}

export async function deleteTopics(ctx: BrokerContext, req: Body, info: RequestInfo): Promise<Body> {
  const responses: Body[] = [];
  // v6+ names each topic by name or by id (KIP-516).
  const wanted: { name: string | null; topicId?: Buffer }[] = info.version >= 6 ? req.topics : (req.topicNames as string[]).map((name) => ({ name }));
  for (const t of wanted) {
    const name = t.name ?? (t.topicId ? topicNameOf(ctx, t.topicId) : undefined);
    if (name === undefined) {
      responses.push({ name: null, topicId: t.topicId, errorCode: UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' });
      continue;
    }
    if (!topicAllowed(ctx, info, Operation.DELETE, name)) {
      responses.push({ name, topicId: Buffer.alloc(16), ...TOPIC_DENIED });
      continue;
    }
    const topicId = topicIdOf(ctx, name);
    try {
      await ctx.log.deleteTopic(name);
      responses.push({ name, topicId, errorCode: 0, errorMessage: null });
    } catch (e) {
      responses.push({ name, topicId, ...describeError(e) });
    }
  }
  return { throttleTimeMs: 0, responses };
}

export function createPartitions(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const results = (req.topics as Body[]).map((t) => {
    if (!topicAllowed(ctx, info, Operation.ALTER, t.name)) return { name: t.name, ...TOPIC_DENIED };
    try {
      const topic = ctx.log.topic(t.name);
      if (!topic) throw new UnknownTopicError(`Topic '${t.name}' does not exist.`);
      if (t.count <= topic.partitions.length) {
        return { name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic currently has ${topic.partitions.length} partitions, which is higher than the requested ${t.count}.` };
      }
      if (!req.validateOnly) ctx.log.createPartitions(t.name, t.count);
      return { name: t.name, errorCode: 0, errorMessage: null };
    } catch (e) {
      return { name: t.name, ...describeError(e) };
    }
  });
  return { throttleTimeMs: 0, results };
}

export function deleteRecords(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const topics = (req.topics as Body[]).map((t) => ({
    name: t.name,
    partitions: (t.partitions as Body[]).map((p) => {
      if (!topicAllowed(ctx, info, Operation.DELETE, t.name)) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
      try {
        const lowWatermark = ctx.log.deleteRecords(t.name, p.partitionIndex, p.offset);
        return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: 0 };
      } catch (e) {
        return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: describeError(e).errorCode };
      }
    }),
  }));
  return { throttleTimeMs: 0, topics };
}

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const SOURCE_TOPIC_CONFIG = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

const TOPIC_DEFAULTS: Record<string, string> = {
  ...DEFAULT_TOPIC_CONFIGS,
  'retention.bytes': '-1',
  'segment.bytes': String(128 << 20),
  'segment.ms': '604800000',
  'max.message.bytes': '1048588',
  'min.insync.replicas': '1',
  'compression.type': 'producer',
  'message.timestamp.type': 'CreateTime',
  'min.compaction.lag.ms': '0',
  'delete.retention.ms': '86400000',
  'unclean.leader.election.enable': 'false',
};

function brokerConfigs(ctx: BrokerContext): Record<string, string> {
  return {
    'broker.id': String(ctx.nodeId),
    'num.partitions': String(ctx.defaultPartitions),
    'auto.create.topics.enable': String(ctx.autoCreateTopics),
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'log.retention.ms': DEFAULT_TOPIC_CONFIGS['retention.ms'],
    'message.max.bytes': '1048588',
    'group.initial.rebalance.delay.ms': '0',
  };
}

/** The ACL resource a config resource is checked against. */
function configResource(r: Body): [number, string] {
  return r.resourceType === RESOURCE_TOPIC ? [ResourceType.TOPIC, r.resourceName] : [ResourceType.CLUSTER, CLUSTER_NAME];
}

function configDenied(r: Body): { errorCode: number; errorMessage: string } {
  return r.resourceType === RESOURCE_TOPIC ? TOPIC_DENIED : { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' };
}

export function describeConfigs(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const results = (req.resources as Body[]).map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (!allowed(ctx, info, Operation.DESCRIBE_CONFIGS, ...configResource(r))) return { ...base, ...configDenied(r), configs: [] };
    let entries: { name: string; value: string; source: number; readOnly: boolean }[];
    if (r.resourceType === RESOURCE_TOPIC) {
      const t = ctx.log.topic(r.resourceName);
      if (!t) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${r.resourceName}' does not exist.`, configs: [] };
      const names = new Set([...Object.keys(TOPIC_DEFAULTS), ...Object.keys(t.configs)]);
      entries = [...names].sort().map((name) =>
        name in t.configs
          ? { name, value: t.configs[name], source: SOURCE_TOPIC_CONFIG, readOnly: false }
          : { name, value: TOPIC_DEFAULTS[name], source: SOURCE_DEFAULT, readOnly: false },
      );
    } else if (r.resourceType === RESOURCE_BROKER) {
      entries = Object.entries(brokerConfigs(ctx)).map(([name, value]) => ({ name, value, source: SOURCE_STATIC_BROKER, readOnly: true }));
    } else {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${r.resourceType} is not supported`, configs: [] };
    }
    const keys: string[] | null = r.configurationKeys;
    if (keys) entries = entries.filter((e) => keys.includes(e.name));
    return {
      ...base,
      errorCode: 0,
      errorMessage: null,
      configs: entries.map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: e.readOnly,
        isDefault: e.source === SOURCE_DEFAULT,
        configSource: e.source,
        isSensitive: false,
        synonyms: req.includeSynonyms ? [{ name: e.name, value: e.value, source: e.source }] : [],
      })),
    };
  });
  return { throttleTimeMs: 0, results };
}

export function alterConfigs(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const responses = (req.resources as Body[]).map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (!allowed(ctx, info, Operation.ALTER_CONFIGS, ...configResource(r))) return { ...base, ...configDenied(r) };
    if (r.resourceType !== RESOURCE_TOPIC) {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'only topic configs can be altered on this broker' };
    }
    try {
      const configs: Record<string, string> = {};
      for (const c of r.configs as Body[]) if (c.value !== null) configs[c.name] = c.value;
      if (!ctx.log.topic(r.resourceName)) throw new UnknownTopicError(`Topic '${r.resourceName}' does not exist.`);
      if (req.validateOnly) validateTopicConfigs(configs);
      else ctx.log.alterTopicConfigs(r.resourceName, configs);
      return { ...base, errorCode: 0, errorMessage: null };
    } catch (e) {
      return { ...base, ...describeError(e) };
    }
  });
  return { throttleTimeMs: 0, responses };
}

const OP_SET = 0;
const OP_DELETE = 1;
const OP_APPEND = 2;
const OP_SUBTRACT = 3;
/** Topic configs whose values are comma-separated lists (the only ones APPEND and SUBTRACT apply to). */
const LIST_CONFIGS = new Set(['cleanup.policy', 'leader.replication.throttled.replicas', 'follower.replication.throttled.replicas']);

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** One resource's incremental changes as the new values (null: back to the default). */
function incrementalChanges(current: Record<string, string>, configs: Body[]): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const c of configs) {
    const name: string = c.name;
    if (name in changes) throw new LogError(ErrorCode.INVALID_REQUEST, `config '${name}' is changed twice in one request: send one operation per config`);
    const op: number = c.configOperation;
    if (op === OP_SET) {
      if (c.value === null) throw new LogError(ErrorCode.INVALID_REQUEST, `SET of '${name}' needs a value`);
      changes[name] = c.value;
    } else if (op === OP_DELETE) {
      changes[name] = null;
    } else if (op === OP_APPEND || op === OP_SUBTRACT) {
      if (!LIST_CONFIGS.has(name)) throw new LogError(ErrorCode.INVALID_CONFIG, `config '${name}' is not a list: APPEND and SUBTRACT apply only to ${[...LIST_CONFIGS].join(', ')}`);
      const have = listOf(current[name] ?? TOPIC_DEFAULTS[name]);
      const given = listOf(c.value ?? '');
      const next = op === OP_APPEND ? [...have, ...given.filter((v) => !have.includes(v))] : have.filter((v) => !given.includes(v));
      changes[name] = next.join(',');
    } else {
      throw new LogError(ErrorCode.INVALID_REQUEST, `unknown config operation ${op} for '${name}': use 0 (SET), 1 (DELETE), 2 (APPEND) or 3 (SUBTRACT)`);
    }
  }
  return changes;
}

export function incrementalAlterConfigs(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const responses = (req.resources as Body[]).map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (!allowed(ctx, info, Operation.ALTER_CONFIGS, ...configResource(r))) return { ...base, ...configDenied(r) };
    if (r.resourceType !== RESOURCE_TOPIC) {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'only topic configs can be altered on this broker' };
    }
    try {
      const t = ctx.log.topic(r.resourceName);
      if (!t) throw new UnknownTopicError(`Topic '${r.resourceName}' does not exist.`);
      const changes = incrementalChanges(t.configs, r.configs as Body[]);
      const set: Record<string, string> = {};
      for (const [k, v] of Object.entries(changes)) if (v !== null) set[k] = v;
      validateTopicConfigs(set);
      if (!req.validateOnly) ctx.log.alterTopicConfigs(r.resourceName, changes, true);
      return { ...base, errorCode: 0, errorMessage: null };
    } catch (e) {
      return { ...base, ...describeError(e) };
    }
  });
  return { throttleTimeMs: 0, responses };
}

export function describeCluster(ctx: BrokerContext): Body {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    endpointType: 1,
    clusterId: ctx.clusterId,
    controllerId: ctx.nodeId,
    brokers: [{ brokerId: ctx.nodeId, host: ctx.host, port: ctx.port, rack: null }],
    clusterAuthorizedOperations: -2147483648,
  };
}

/** The one log directory of the embedded log: every partition's size on disk. */
export function describeLogDirs(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  if (!allowed(ctx, info, Operation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
  }
  const wanted: { topic: string; partitions: number[] }[] | null = req.topics;
  const names = wanted ? wanted.map((t) => t.topic) : [...ctx.log.topics.keys()].sort();
  const topics = names
    .map((name) => {
      const t = ctx.log.topic(name);
      const indexes = wanted ? wanted.find((w) => w.topic === name)!.partitions : (t?.partitions.map((_, i) => i) ?? []);
      const partitions = indexes
        .map((i) => ({ i, p: ctx.log.partitionLog(name, i) }))
        .filter((x) => x.p !== undefined)
        .map(({ i, p }) => ({ partitionIndex: i, partitionSize: p!.segments.reduce((n, s) => n + s.size, 0), offsetLag: 0, isFutureKey: false }));
      return { name, partitions };
    })
    .filter((t) => t.partitions.length > 0);
  const logDir = path.join(ctx.log.dataDir, 'topics');
  let totalBytes = -1;
  let usableBytes = -1;
  try {
    const st = fs.statfsSync(logDir);
    totalBytes = st.blocks * st.bsize;
    usableBytes = st.bavail * st.bsize;
  } catch {
    // unknown: -1, as Kafka answers
  }
  return { throttleTimeMs: 0, errorCode: 0, results: [{ errorCode: 0, logDir, topics, totalBytes, usableBytes }] };
}
