// FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
// DescribeGroups, ListGroups, DeleteGroups, OffsetDelete.

import { ErrorCode } from '../../log/errors.js';
import type { Body, BrokerContext, RequestInfo } from '../context.js';
import { Operation, ResourceType } from '../security/acls.js';
import { allowed } from '../security/authorize.js';

const groupAllowed = (ctx: BrokerContext, info: RequestInfo, operation: number, group: string) => allowed(ctx, info, operation, ResourceType.GROUP, group);
const topicAllowed = (ctx: BrokerContext, info: RequestInfo, operation: number, topic: string) => allowed(ctx, info, operation, ResourceType.TOPIC, topic);
const DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;

export function findCoordinator(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const here = { nodeId: ctx.nodeId, host: ctx.host, port: ctx.port, errorCode: 0, errorMessage: null };
  const transactional = req.keyType === 1;
  const answer = (key: string) => {
    const ok = transactional ? allowed(ctx, info, Operation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key) : groupAllowed(ctx, info, Operation.DESCRIBE, key);
    if (ok) return here;
    const errorCode = transactional ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : DENIED;
    return { nodeId: -1, host: '', port: -1, errorCode, errorMessage: transactional ? 'Transactional Id authorization failed.' : 'Group authorization failed.' };
  };
  // v4+ asks for several keys at once (KIP-699); this single broker coordinates them all.
  if (info.version >= 4) return { throttleTimeMs: 0, ...here, coordinators: (req.coordinatorKeys as string[]).map((key) => ({ key, ...answer(key) })) };
  return { throttleTimeMs: 0, ...answer(req.key), coordinators: [] };
}

export async function joinGroup(ctx: BrokerContext, req: Body, info: RequestInfo): Promise<Body> {
  if (!req.groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID, generationId: -1, protocolName: '', leader: '', memberId: '', members: [] };
  if (!groupAllowed(ctx, info, Operation.READ, req.groupId)) return { errorCode: DENIED, generationId: -1, protocolName: '', leader: '', memberId: '', members: [] };
  if (ctx.consumerGroups.groups.get(req.groupId)?.members.size) {
    return { errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] };
  }
  if (req.sessionTimeoutMs < 1000 || req.sessionTimeoutMs > 30 * 60_000) {
    return { errorCode: ErrorCode.INVALID_SESSION_TIMEOUT, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] };
  }
  const group = ctx.groups.group(req.groupId);
  const r = await group.join(
    {
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: info.version >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      clientId: info.clientId,
      clientHost: info.clientHost,
      requireKnownMemberId: info.version >= 4,
    },
    Date.now(),
  );
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    protocolName: r.protocolName ?? (info.version >= 7 ? null : ''),
    leader: r.leader,
    memberId: r.memberId,
    members: r.members,
  };
}

export async function syncGroup(ctx: BrokerContext, req: Body, info: RequestInfo): Promise<Body> {
  if (!groupAllowed(ctx, info, Operation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: DENIED, assignment: Buffer.alloc(0) };
  const group = ctx.groups.groups.get(req.groupId);
  if (!group) return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
  const r = await group.sync(req.memberId, req.generationId, req.assignments, Date.now());
  return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
}

export function heartbeat(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  if (!groupAllowed(ctx, info, Operation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: DENIED };
  const group = ctx.groups.groups.get(req.groupId);
  const errorCode = group ? group.heartbeat(req.memberId, req.generationId, Date.now()) : ErrorCode.UNKNOWN_MEMBER_ID;
  return { throttleTimeMs: 0, errorCode };
}

export function leaveGroup(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  if (!groupAllowed(ctx, info, Operation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: DENIED, members: [] };
  const group = ctx.groups.groups.get(req.groupId);
  if (info.version < 3) {
    const errorCode = group ? group.leave(req.memberId, Date.now()) : ErrorCode.UNKNOWN_MEMBER_ID;
    return { throttleTimeMs: 0, errorCode };
  }
  const members = (req.members as Body[]).map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId ?? null,
    errorCode: group ? group.leave(m.memberId, Date.now()) : ErrorCode.UNKNOWN_MEMBER_ID,
  }));
  return { throttleTimeMs: 0, errorCode: 0, members };
}

export function offsetCommit(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const group = ctx.groups.groups.get(req.groupId);
  const generationId: number = info.version >= 1 ? req.generationId : -1;
  const memberId: string = info.version >= 1 ? req.memberId : '';
  let groupError: number = ErrorCode.NONE;
  if (!req.groupId) groupError = ErrorCode.INVALID_GROUP_ID;
  else if (!groupAllowed(ctx, info, Operation.READ, req.groupId)) groupError = DENIED;
  else if (ctx.consumerGroups.groups.get(req.groupId)?.members.size) groupError = ctx.consumerGroups.groups.get(req.groupId)!.checkMember(memberId, generationId);
  else if (group) groupError = group.checkCommit(memberId, generationId);
  else if (generationId >= 0) groupError = ErrorCode.ILLEGAL_GENERATION;
  const now = Date.now();
  const entries: { topic: string; partition: number; offset: number; metadata: string | null }[] = [];
  const topics = (req.topics as Body[]).map((t) => ({
    name: t.name,
    partitions: (t.partitions as Body[]).map((p) => {
      let errorCode = groupError;
      if (errorCode === ErrorCode.NONE && !topicAllowed(ctx, info, Operation.READ, t.name)) errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      if (errorCode === ErrorCode.NONE && !ctx.log.partitionLog(t.name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (errorCode === ErrorCode.NONE) entries.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata ?? null });
      return { partitionIndex: p.partitionIndex, errorCode };
    }),
  }));
  ctx.log.store.commitOffsets(req.groupId, entries, now);
  return { throttleTimeMs: 0, topics };
}

export function offsetFetch(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  if (info.version >= 8) {
    // v8+ fetches for several groups at once (KIP-709).
    const groups = (req.groups as Body[]).map((g) => ({ groupId: g.groupId, ...groupOffsets(ctx, info, g.groupId, g.topics) }));
    return { throttleTimeMs: 0, groups };
  }
  return { throttleTimeMs: 0, ...groupOffsets(ctx, info, req.groupId, req.topics) };
}

function groupOffsets(ctx: BrokerContext, info: RequestInfo, groupId: string, requested: { name: string; partitionIndexes: number[] }[] | null): Body {
  if (!groupAllowed(ctx, info, Operation.DESCRIBE, groupId)) return { topics: [], errorCode: DENIED };
  const stored = ctx.log.store.offsets.get(groupId);
  let wanted: { name: string; partitionIndexes: number[] }[];
  if (requested === null) {
    const byTopic = new Map<string, number[]>();
    for (const v of stored?.values() ?? []) {
      let l = byTopic.get(v.topic);
      if (!l) byTopic.set(v.topic, (l = []));
      l.push(v.partition);
    }
    // all the group's offsets: only for topics the principal may describe
    wanted = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes: partitionIndexes.sort((a, b) => a - b) })).filter((t) => topicAllowed(ctx, info, Operation.DESCRIBE, t.name));
  } else wanted = requested;
  const topics = wanted.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((p) => {
      if (!topicAllowed(ctx, info, Operation.DESCRIBE, t.name)) return { partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
      const o = ctx.log.store.committed(groupId, t.name, p);
      return { partitionIndex: p, committedOffset: o ? o.offset : -1, committedLeaderEpoch: -1, metadata: o ? (o.metadata ?? '') : '', errorCode: 0 };
    }),
  }));
  return { topics, errorCode: 0 };
}

export function describeGroups(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const groups = (req.groups as string[]).map((id) => {
    if (!groupAllowed(ctx, info, Operation.DESCRIBE, id)) return { errorCode: DENIED, groupId: id, groupState: '', protocolType: '', protocolData: '', members: [] };
    const cg = ctx.consumerGroups.groups.get(id);
    if (cg && cg.members.size > 0) {
      const members = [...cg.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: Buffer.alloc(0),
        memberAssignment: Buffer.alloc(0),
      }));
      return { errorCode: 0, groupId: id, groupState: cg.state, protocolType: 'consumer', protocolData: '', members };
    }
    const g = ctx.groups.groups.get(id);
    if (!g || (g.members.size === 0 && g.state !== 'Dead')) {
      const hasOffsets = (ctx.log.store.offsets.get(id)?.size ?? 0) > 0;
      return { errorCode: 0, groupId: id, groupState: g || hasOffsets ? 'Empty' : 'Dead', protocolType: g || hasOffsets ? 'consumer' : '', protocolData: '', members: [] };
    }
    const stable = g.state === 'Stable';
    return {
      errorCode: 0,
      groupId: id,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: stable ? (g.protocolName ?? '') : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? (m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? Buffer.alloc(0)) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  });
  return { throttleTimeMs: 0, groups };
}

export function listGroups(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const ids = new Map<string, { protocolType: string; groupState: string }>();
  for (const [id, g] of ctx.groups.groups) {
    if (g.state !== 'Dead' && (g.members.size > 0 || ctx.log.store.offsets.has(id))) {
      ids.set(id, { protocolType: g.protocolType ?? 'consumer', groupState: g.members.size > 0 ? g.state : 'Empty' });
    }
  }
  const consumer = new Set<string>();
  for (const [id, g] of ctx.consumerGroups.groups) {
    if (g.members.size === 0 || ids.has(id)) continue;
    ids.set(id, { protocolType: 'consumer', groupState: g.state });
    consumer.add(id);
  }
  for (const [id, m] of ctx.log.store.offsets) if (m.size > 0 && !ids.has(id)) ids.set(id, { protocolType: 'consumer', groupState: 'Empty' });
  // v4+ filters by state (KIP-518), v5+ by type (KIP-848)
  const states = info.version >= 4 ? (req.statesFilter as string[]).map((s) => s.toLowerCase()) : [];
  const types = info.version >= 5 ? (req.typesFilter as string[]).map((s) => s.toLowerCase()) : [];
  const groups = [...ids]
    .map(([groupId, g]) => ({ groupId, ...g, groupType: consumer.has(groupId) ? 'consumer' : 'classic' }))
    .filter((g) => groupAllowed(ctx, info, Operation.DESCRIBE, g.groupId))
    .filter((g) => (states.length === 0 || states.includes(g.groupState.toLowerCase())) && (types.length === 0 || types.includes(g.groupType)));
  return { throttleTimeMs: 0, errorCode: 0, groups };
}

export function deleteGroups(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const results = (req.groupsNames as string[]).map((groupId) => {
    if (!groupAllowed(ctx, info, Operation.DELETE, groupId)) return { groupId, errorCode: DENIED };
    const g = ctx.groups.groups.get(groupId);
    const cg = ctx.consumerGroups.groups.get(groupId);
    if ((g && g.members.size > 0) || (cg && cg.members.size > 0)) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
    if (!g && !cg && !ctx.log.store.offsets.has(groupId)) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
    ctx.groups.groups.delete(groupId);
    ctx.consumerGroups.groups.delete(groupId);
    if (ctx.log.store.offsets.has(groupId)) ctx.log.store.deleteGroup(groupId);
    return { groupId, errorCode: 0 };
  });
  return { throttleTimeMs: 0, results };
}

/** Topics a classic member subscribes to, from its consumer-protocol metadata (version, topics, …). */
function classicSubscription(metadata: Buffer): string[] {
  try {
    let p = 2;
    const n = metadata.readInt32BE(p);
    p += 4;
    const topics: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = metadata.readInt16BE(p);
      p += 2;
      topics.push(metadata.toString('utf8', p, p + len));
      p += len;
    }
    return topics;
  } catch {
    return [];
  }
}

/** Topics some live member of the group subscribes to (their offsets may not be deleted). */
function subscribedTopics(ctx: BrokerContext, groupId: string): Set<string> {
  const out = new Set<string>();
  for (const m of ctx.groups.groups.get(groupId)?.members.values() ?? []) {
    if (m.protocolType === 'consumer') for (const p of m.protocols) for (const t of classicSubscription(p.metadata)) out.add(t);
  }
  const cg = ctx.consumerGroups.groups.get(groupId);
  for (const m of cg?.members.values() ?? []) {
    for (const t of m.subscribedTopicNames) out.add(t);
    if (m.subscribedTopicRegex) {
      const re = new RegExp(`^(?:${m.subscribedTopicRegex})$`);
      for (const t of ctx.log.topics.keys()) if (re.test(t)) out.add(t);
    }
  }
  return out;
}

export function offsetDelete(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const groupId: string = req.groupId;
  const none = { throttleTimeMs: 0, topics: [] };
  if (!groupAllowed(ctx, info, Operation.DELETE, groupId)) return { ...none, errorCode: DENIED };
  const live = ctx.groups.groups.has(groupId) || ctx.consumerGroups.groups.has(groupId);
  if (!live && !ctx.log.store.offsets.has(groupId)) return { ...none, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
  const subscribed = subscribedTopics(ctx, groupId);
  const deleted: { topic: string; partition: number }[] = [];
  const topics = (req.topics as Body[]).map((t) => ({
    name: t.name,
    partitions: (t.partitions as Body[]).map((p) => {
      let errorCode: number = ErrorCode.NONE;
      if (!topicAllowed(ctx, info, Operation.READ, t.name)) errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      else if (!ctx.log.partitionLog(t.name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (subscribed.has(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      else deleted.push({ topic: t.name, partition: p.partitionIndex });
      return { partitionIndex: p.partitionIndex, errorCode };
    }),
  }));
  ctx.log.store.deleteOffsets(groupId, deleted);
  return { errorCode: 0, throttleTimeMs: 0, topics };
}
