// InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit: the wire
// face of the embedded log's transaction coordinator.

import { ErrorCode } from '../../log/errors.js';
import { errorCodeOf, type Body, type BrokerContext } from '../context.js';

function codeOf(e: unknown): number {
  const code = errorCodeOf(e);
  if (code === undefined) throw e;
  return code;
}

export function initProducerId(ctx: BrokerContext, req: Body): Body {
  try {
    const tid: string | null = req.transactionalId === '' ? null : req.transactionalId;
    const { producerId, epoch } = ctx.log.txns.initProducerId(tid, req.transactionTimeoutMs, Date.now());
    return { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch: epoch };
  } catch (e) {
    return { throttleTimeMs: 0, errorCode: codeOf(e), producerId: -1, producerEpoch: -1 };
  }
}

export function addPartitionsToTxn(ctx: BrokerContext, req: Body): Body {
  const parts: { topic: string; partition: number }[] = [];
  let unknown = false;
  for (const t of req.topics as Body[]) {
    for (const p of t.partitions as number[]) {
      parts.push({ topic: t.name, partition: p });
      if (!ctx.log.partitionLog(t.name, p)) unknown = true;
    }
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

export function addOffsetsToTxn(ctx: BrokerContext, req: Body): Body {
  try {
    ctx.log.txns.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, Date.now());
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (e) {
    return { throttleTimeMs: 0, errorCode: codeOf(e) };
  }
}

export function endTxn(ctx: BrokerContext, req: Body): Body {
  try {
    ctx.log.txns.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, Date.now());
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (e) {
    return { throttleTimeMs: 0, errorCode: codeOf(e) };
  }
}

export function txnOffsetCommit(ctx: BrokerContext, req: Body): Body {
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
