// ConsumerGroupHeartbeat and ConsumerGroupDescribe (KIP-848): the wire face of
// ConsumerGroupCoordinator; partitions travel as topic ids.

import { ErrorCode } from '../../log/errors.js';
import type { Body, BrokerContext, RequestInfo } from '../context.js';
import type { Assignment, TopicView } from '../consumer-groups.js';
import { Operation, ResourceType } from '../security/acls.js';
import { allowed } from '../security/authorize.js';
import { topicIdOf, topicNameOf } from '../topic-ids.js';

export function topicView(ctx: BrokerContext): TopicView {
  return {
    partitions: (t) => ctx.log.topic(t)?.partitions.length,
    names: () => [...ctx.log.topics.keys()].filter((t) => !t.startsWith('__')),
  };
}

function wireAssignment(ctx: BrokerContext, a: Assignment, withNames = false): Body[] {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .map(([t, ps]) => ({ topicId: topicIdOf(ctx, t), ...(withNames ? { topicName: t } : {}), partitions: [...ps].sort((x, y) => x - y) }));
}

function ownedFrom(ctx: BrokerContext, list: Body[] | null): Assignment | null {
  if (list === null) return null;
  const out: Assignment = new Map();
  for (const tp of list) {
    const name = topicNameOf(ctx, tp.topicId);
    if (name !== undefined) out.set(name, new Set(tp.partitions as number[]));
  }
  return out;
}

export function consumerGroupHeartbeat(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const interval = ctx.consumerGroups.heartbeatIntervalMs;
  const fail = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: interval, assignment: null });
  if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID, 'GroupId cannot be empty.');
  if (!allowed(ctx, info, Operation.READ, ResourceType.GROUP, req.groupId)) return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
  const names = req.subscribedTopicNames as string[] | null;
  if (names?.some((t) => !allowed(ctx, info, Operation.DESCRIBE, ResourceType.TOPIC, t))) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
  const classic = ctx.groups.groups.get(req.groupId);
  if (classic && classic.members.size > 0) {
    return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is a classic group with members; it cannot take consumer-protocol members.`);
  }
  const r = ctx.consumerGroups.group(req.groupId).heartbeat(
    {
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId ?? null,
      rackId: req.rackId ?? null,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: names,
      subscribedTopicRegex: req.subscribedTopicRegex ?? null,
      serverAssignor: req.serverAssignor ?? null,
      ownedPartitions: ownedFrom(ctx, req.topicPartitions),
      clientId: info.clientId,
      clientHost: info.clientHost,
    },
    topicView(ctx),
    Date.now(),
  );
  if (r.errorCode !== 0) return fail(r.errorCode, r.errorMessage ?? '');
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    memberId: r.memberId,
    memberEpoch: r.memberEpoch,
    heartbeatIntervalMs: interval,
    assignment: r.assignment ? { topicPartitions: wireAssignment(ctx, r.assignment) } : null,
  };
}

export function consumerGroupDescribe(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const groups = (req.groupIds as string[]).map((groupId) => {
    const base = { groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [], authorizedOperations: -2147483648 };
    if (!allowed(ctx, info, Operation.DESCRIBE, ResourceType.GROUP, groupId)) return { ...base, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Group authorization failed.' };
    const g = ctx.consumerGroups.groups.get(groupId);
    // a classic group (or none) answers GROUP_ID_NOT_FOUND: admin clients then ask DescribeGroups
    if (!g) return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} is not a consumer group.` };
    const members = [...g.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: { topicPartitions: wireAssignment(ctx, m.assigned, true) },
      targetAssignment: { topicPartitions: wireAssignment(ctx, g.targetOf(m.memberId), true) },
    }));
    const assignorName = [...g.members.values()].some((m) => m.serverAssignor === 'range') ? 'range' : 'uniform';
    return { ...base, errorCode: 0, errorMessage: null, groupState: g.state, groupEpoch: g.groupEpoch, assignmentEpoch: g.targetEpoch, assignorName, members };
  });
  return { throttleTimeMs: 0, groups };
}
