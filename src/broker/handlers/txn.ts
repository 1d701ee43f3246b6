// InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit,
// ListTransactions, DescribeTransactions, DescribeProducers: the wire face of the embedded log's transaction coordinator.

import { ErrorCode } from '../../log/errors.js';
import { errorCodeOf, type Body, type BrokerContext, type RequestInfo } from '../context.js';
import { Operation, ResourceType } from '../security/acls.js';
import { allowed } from '../security/authorize.js';

/** The error a transactional request gets when its principal may not use the id (0: allowed). */
function txnDenied(ctx: BrokerContext, info: RequestInfo, transactionalId: string | null): number {
  if (transactionalId === null || transactionalId === '') return 0;
  return allowed(ctx, info, Operation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId) ? 0 : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
}

function codeOf(e: unknown): number {
  const code = errorCodeOf(e);
  if (code === undefined) throw e;
  return code;
}

export function initProducerId(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const denied = txnDenied(ctx, info, req.transactionalId);
  if (denied) return { throttleTimeMs: 0, errorCode: denied, producerId: -1, producerEpoch: -1 };
  try {
    const tid: string | null = req.transactionalId === '' ? null : req.transactionalId;
    const { producerId, epoch } = ctx.log.txns.initProducerId(tid, req.transactionTimeoutMs, Date.now());
    return { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch: epoch };
  } catch (e) {
    return { throttleTimeMs: 0, errorCode: codeOf(e), producerId: -1, producerEpoch: -1 };
  }
}

export function addPartitionsToTxn(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const parts: { topic: string; partition: number }[] = [];
  let unknown = false;
  for (const t of req.topics as Body[]) {
    for (const p of t.partitions as number[]) {
      parts.push({ topic: t.name, partition: p });
      if (!ctx.log.partitionLog(t.name, p)) unknown = true;
    }
  }
  const denied = txnDenied(ctx, info, req.transactionalId);
  const deniedTopics = new Set((req.topics as Body[]).filter((t) => !allowed(ctx, info, Operation.WRITE, ResourceType.TOPIC, t.name)).map((t) => t.name as string));
  if (denied || deniedTopics.size > 0) {
    const results = (req.topics as Body[]).map((t) => ({
      name: t.name,
      results: (t.partitions as number[]).map((p) => ({
        partitionIndex: p,
        errorCode: denied || (deniedTopics.has(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED),
      })),
    }));
    return { throttleTimeMs: 0, results };
  }
  let error: number = ErrorCode.NONE;
  if (!unknown) {
    try {
      ctx.log.txns.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, parts, Date.now());
    } catch (e) {
      error = codeOf(e);
    }
  }
  const results = (req.topics as Body[]).map((t) => ({
    name: t.name,
    results: (t.partitions as number[]).map((p) => ({
      partitionIndex: p,
      errorCode: unknown
        ? ctx.log.partitionLog(t.name, p)
          ? ErrorCode.OPERATION_NOT_ATTEMPTED
          : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        : error,
    })),
  }));
  return { throttleTimeMs: 0, results };
}

export function addOffsetsToTxn(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const denied = txnDenied(ctx, info, req.transactionalId) || (allowed(ctx, info, Operation.READ, ResourceType.GROUP, req.groupId) ? 0 : ErrorCode.GROUP_AUTHORIZATION_FAILED);
  if (denied) return { throttleTimeMs: 0, errorCode: denied };
  try {
    ctx.log.txns.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, Date.now());
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (e) {
    return { throttleTimeMs: 0, errorCode: codeOf(e) };
  }
}

export function endTxn(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const denied = txnDenied(ctx, info, req.transactionalId);
  if (denied) return { throttleTimeMs: 0, errorCode: denied };
  try {
    ctx.log.txns.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, Date.now());
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (e) {
    return { throttleTimeMs: 0, errorCode: codeOf(e) };
  }
}

export function txnOffsetCommit(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const denied = txnDenied(ctx, info, req.transactionalId) || (allowed(ctx, info, Operation.READ, ResourceType.GROUP, req.groupId) ? 0 : ErrorCode.GROUP_AUTHORIZATION_FAILED);
  if (denied) {
    const topics = (req.topics as Body[]).map((t) => ({ name: t.name, partitions: (t.partitions as Body[]).map((p) => ({ partitionIndex: p.partitionIndex, errorCode: denied })) }));
    return { throttleTimeMs: 0, topics };
  }
  const offsets: { topic: string; partition: number; offset: number; metadata: string | null }[] = [];
  for (const t of req.topics as Body[]) {
    for (const p of t.partitions as Body[]) {
      offsets.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata ?? null });
    }
  }
  let error: number = ErrorCode.NONE;
  try {
    ctx.log.txns.txnOffsetCommit(req.transactionalId, req.groupId, req.producerId, req.producerEpoch, offsets, Date.now());
  } catch (e) {
    error = codeOf(e);
  }
  const topics = (req.topics as Body[]).map((t) => ({
    name: t.name,
    partitions: (t.partitions as Body[]).map((p) => ({ partitionIndex: p.partitionIndex, errorCode: error })),
  }));
  return { throttleTimeMs: 0, topics };
}

/** Kafka's name of a transactional id's state; the embedded coordinator knows ongoing or not. */
function stateName(ongoing: boolean): string {
  return ongoing ? 'Ongoing' : 'Empty';
}

const mayDescribe = (ctx: BrokerContext, info: RequestInfo, id: string) => allowed(ctx, info, Operation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id);

export function listTransactions(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const known = new Set(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence']);
  const states: string[] = req.stateFilters ?? [];
  const pids: number[] = (req.producerIdFilters ?? []).map(Number);
  const minDuration: number = info.version >= 1 ? Number(req.durationFilter ?? -1) : -1;
  const now = Date.now();
  const transactionStates: Body[] = [];
  for (const [id, saved] of ctx.log.store.txnIds) {
    const live = ctx.log.txns.describe(id);
    const ongoing = live?.ongoing ?? false;
    const state = stateName(ongoing);
    const producerId = live?.producerId ?? saved.producerId;
    if (states.length > 0 && !states.includes(state)) continue;
    if (pids.length > 0 && !pids.includes(producerId)) continue;
    if (minDuration >= 0 && !(ongoing && now - live!.startedAt >= minDuration)) continue;
    if (!mayDescribe(ctx, info, id)) continue;
    transactionStates.push({ transactionalId: id, producerId, transactionState: state });
  }
  return { throttleTimeMs: 0, errorCode: 0, unknownStateFilters: states.filter((s) => !known.has(s)), transactionStates };
}

export function describeTransactions(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const transactionStates = (req.transactionalIds as string[]).map((id) => {
    const empty = { transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
    if (!mayDescribe(ctx, info, id)) return { ...empty, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    const saved = ctx.log.store.txnIds.get(id);
    const live = ctx.log.txns.describe(id);
    if (!saved && !live) return { ...empty, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of live?.ongoing ? live.partitions.values() : []) {
      if (!byTopic.has(topic)) byTopic.set(topic, []);
      byTopic.get(topic)!.push(partition);
    }
    return {
      errorCode: 0,
      transactionalId: id,
      transactionState: stateName(live?.ongoing ?? false),
      transactionTimeoutMs: live?.timeoutMs ?? 60_000,
      transactionStartTimeMs: live?.ongoing ? live.startedAt : -1,
      producerId: live?.producerId ?? saved!.producerId,
      producerEpoch: live?.epoch ?? saved!.epoch,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) })),
    };
  });
  return { throttleTimeMs: 0, transactionStates };
}

export function describeProducers(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const topics = (req.topics as Body[]).map((t) => ({
    name: t.name,
    partitions: (t.partitionIndexes as number[]).map((partitionIndex) => {
      const none = { partitionIndex, activeProducers: [] };
      if (!allowed(ctx, info, Operation.READ, ResourceType.TOPIC, t.name)) return { ...none, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Topic authorization failed.' };
      const p = ctx.log.partitionLog(t.name, partitionIndex);
      if (!p) return { ...none, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Partition ${t.name}-${partitionIndex} does not exist.` };
      const activeProducers = [...p.producers].map(([producerId, st]) => ({
        producerId,
        producerEpoch: st.epoch,
        lastSequence: st.recent.at(-1)?.lastSeq ?? -1,
        lastTimestamp: -1,
        coordinatorEpoch: 0,
        currentTxnStartOffset: p.openTxns.get(producerId) ?? -1,
      }));
      return { partitionIndex, errorCode: 0, errorMessage: null, activeProducers };
    }),
  }));
  return { throttleTimeMs: 0, topics };
}
