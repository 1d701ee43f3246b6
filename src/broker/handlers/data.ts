// Metadata, Produce, Fetch and ListOffsets.

import { ErrorCode } from '../../log/errors.js';
import { codecAvailable, decompress, zstdDecompress } from '../../log/compression.js';
import {
  ATTR_COMPRESSION,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  CODEC_ZSTD,
  CorruptBatchError,
  batchCrcValid,
  validateBatchRecords,
  withUncompressedBody,
} from '../../log/record-batch.js';
import { TopicExistsError } from '../../log/topic-log.js';
import type { PartitionLog } from '../../log/embedded/partition.js';
import { NO_RESPONSE, errorCodeOf, type Body, type BrokerContext, type RequestInfo } from '../context.js';
import { UNKNOWN_TOPIC_ID, topicIdOf, topicNameOf } from '../topic-ids.js';
import { CLUSTER_NAME, Operation, ResourceType } from '../security/acls.js';
import { allowed } from '../security/authorize.js';

const topicAllowed = (ctx: BrokerContext, info: RequestInfo, operation: number, topic: string) => allowed(ctx, info, operation, ResourceType.TOPIC, topic);

function partitionMetadata(ctx: BrokerContext, count: number): Body[] {
  const out: Body[] = [];
  for (let p = 0; p < count; p++) {
    out.push({ errorCode: 0, partitionIndex: p, leaderId: ctx.nodeId, leaderEpoch: 0, replicaNodes: [ctx.nodeId], isrNodes: [ctx.nodeId], offlineReplicas: [] });
  }
  return out;
}

/** Creates a topic on first use when the broker and the request allow it. */
export function autoCreate(ctx: BrokerContext, name: string): number {
  try {
    ctx.log.createTopicSync(name, { partitions: ctx.defaultPartitions });
    return ErrorCode.NONE;
  } catch (e) {
    if (e instanceof TopicExistsError) return ErrorCode.NONE;
    return errorCodeOf(e) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }
}

export function metadata(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const v = info.version;
  const requested: { name: string | null; topicId?: Buffer }[] | null = req.topics;
  const all = requested === null || (v === 0 && requested.length === 0);
  const allowAuto = ctx.autoCreateTopics && (v < 4 || req.allowAutoTopicCreation !== false);
  const topics: Body[] = [];
  const names: string[] = [];
  // all topics: only those the principal may describe
  if (all) names.push(...[...ctx.log.topics.keys()].sort().filter((n) => topicAllowed(ctx, info, Operation.DESCRIBE, n)));
  for (const t of all ? [] : requested!) {
    if (t.name !== null) {
      names.push(t.name);
      continue;
    }
    // v10+: a topic asked for by id alone
    const byId = t.topicId ? topicNameOf(ctx, t.topicId) : undefined;
    if (byId === undefined) topics.push({ errorCode: UNKNOWN_TOPIC_ID, name: null, topicId: t.topicId, isInternal: false, partitions: [] });
    else names.push(byId);
  }
  for (const name of names) {
    if (!topicAllowed(ctx, info, Operation.DESCRIBE, name)) {
      topics.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId: Buffer.alloc(16), isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 });
      continue;
    }
    let t = ctx.log.topic(name);
    let errorCode: number = ErrorCode.NONE;
    if (!t) {
      const mayCreate = allowed(ctx, info, Operation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME) || topicAllowed(ctx, info, Operation.CREATE, name);
      errorCode = allowAuto && mayCreate ? autoCreate(ctx, name) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      t = ctx.log.topic(name);
      if (!t && errorCode === ErrorCode.NONE) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    topics.push({
      errorCode,
      name,
      topicId: t ? topicIdOf(ctx, name) : Buffer.alloc(16),
      isInternal: false,
      partitions: t ? partitionMetadata(ctx, t.partitions.length) : [],
      topicAuthorizedOperations: -2147483648,
    });
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: ctx.nodeId, host: ctx.host, port: ctx.port, rack: null }],
    clusterId: ctx.clusterId,
    controllerId: ctx.nodeId,
    topics,
  };
}

async function produceToPartition(ctx: BrokerContext, topic: string, partition: number, records: Buffer | null, version: number): Promise<Body> {
  const fail = (errorCode: number, errorMessage: string | null = null): Body => ({
    index: partition,
    errorCode,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage,
  });
  const p = ctx.log.partitionLog(topic, partition);
  if (!p) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic or partition ${topic}-${partition}`);
  if (!records || records.length < BATCH_HEADER_SIZE) return fail(ErrorCode.CORRUPT_MESSAGE, 'no record batch');
  let baseOffset = -1;
  let pos = 0;
  try {
    while (pos < records.length) {
      if (records.length - pos < BATCH_HEADER_SIZE) throw new CorruptBatchError('trailing bytes after the last batch');
      const size = records.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || pos + size > records.length) throw new CorruptBatchError('batch length runs past the records');
      if (records[pos + 16] !== 2) return fail(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 'only record batches of magic 2 are accepted');
      const codec = records.readInt16BE(pos + 21) & ATTR_COMPRESSION;
      if ((codec === CODEC_ZSTD && version < 7) || !codecAvailable(codec)) {
        return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `compression codec ${codec} is not supported here`);
      }
      let batch = records.subarray(pos, pos + size);
      let verifyCrc = true;
      if (codec === CODEC_ZSTD) {
        // zstd has no synchronous decoder here: store the records uncompressed
        if (!batchCrcValid(batch, 0, size)) throw new CorruptBatchError('record batch CRC mismatch');
        const body = await zstdDecompress(batch.subarray(BATCH_HEADER_SIZE)).catch((e: unknown) => {
          throw errorCodeOf(e) !== undefined ? e : new CorruptBatchError(`cannot decompress zstd batch: ${(e as Error).message}`);
        });
        batch = withUncompressedBody(batch, body);
        verifyCrc = false;
      }
      validateBatchRecords(batch, 0, batch.length, decompress);
      const res = ctx.log.appendRawBatch(topic, partition, batch, verifyCrc);
      if (baseOffset < 0) baseOffset = res.baseOffset;
      pos += size;
    }
  } catch (e) {
    if (e instanceof CorruptBatchError) return fail(ErrorCode.CORRUPT_MESSAGE, e.message);
    const code = errorCodeOf(e);
    if (code !== undefined) return fail(code, (e as Error).message);
    throw e;
  }
  return { index: partition, errorCode: 0, baseOffset, logAppendTimeMs: -1, logStartOffset: p.logStartOffset, recordErrors: [], errorMessage: null };
}

export async function produce(ctx: BrokerContext, req: Body, info: RequestInfo): Promise<Body | typeof NO_RESPONSE> {
  const acks: number = req.acks;
  const responses: Body[] = [];
  const txnDenied = req.transactionalId ? !allowed(ctx, info, Operation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId) : false;
  for (const t of req.topicData as Body[]) {
    const partitionResponses: Body[] = [];
    const denied = txnDenied ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : topicAllowed(ctx, info, Operation.WRITE, t.name) ? 0 : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    for (const p of t.partitionData as Body[]) {
      if (denied) {
        partitionResponses.push({ index: p.index, errorCode: denied, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null });
        continue;
      }
      if (acks !== 0 && acks !== 1 && acks !== -1) {
        partitionResponses.push({ index: p.index, errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1 });
        continue;
      }
      partitionResponses.push(await produceToPartition(ctx, t.name, p.index, p.records, info.version));
    }
    responses.push({ name: t.name, partitionResponses });
  }
  if (acks === 0) return NO_RESPONSE;
  return { responses, throttleTimeMs: 0 };
}

/** Upper bound on a Fetch long poll, whatever the client asks. */
const MAX_WAIT_MS = 60_000;

interface FetchTarget {
  topic: string;
  /** Set from Fetch v13, where topics are named by id. */
  topicId?: Buffer;
  partition: number;
  fetchOffset: number;
  maxBytes: number;
  log: PartitionLog | undefined;
  /** Set when the principal may not read the topic. */
  denied?: boolean;
}

function readFetch(targets: FetchTarget[], readCommitted: boolean, maxBytes: number): { responses: Body[]; bytes: number } {
  const byTopic = new Map<string, Body[]>();
  let bytes = 0;
  for (const t of targets) {
    const key = t.topicId ? t.topicId.toString('hex') : t.topic;
    let list = byTopic.get(key);
    if (!list) byTopic.set(key, (list = []));
    const p = t.log;
    if (t.denied) {
      list.push({ partitionIndex: t.partition, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: null });
      continue;
    }
    if (!p) {
      const errorCode = t.topicId && t.topic === '' ? UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      list.push({ partitionIndex: t.partition, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: null });
      continue;
    }
    const hw = p.endOffset;
    const lso = p.lastStableOffset;
    const base = { partitionIndex: t.partition, highWatermark: hw, lastStableOffset: lso, logStartOffset: p.logStartOffset, preferredReadReplica: -1 };
    if (t.fetchOffset < p.logStartOffset || t.fetchOffset > hw) {
      list.push({ ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, abortedTransactions: null, records: null });
      continue;
    }
    const limit = readCommitted ? lso : hw;
    let records: Buffer | null = null;
    let aborted: Body[] | null = null;
    const room = Math.min(t.maxBytes, maxBytes - bytes);
    if (t.fetchOffset < limit && (room > 0 || bytes === 0)) {
      const r = p.readRaw(t.fetchOffset, Math.max(room, 1), limit);
      records = r.records;
      if (records) {
        bytes += records.length;
        if (readCommitted) aborted = p.abortedBetween(t.fetchOffset, r.nextOffset).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }));
      }
    }
    list.push({ ...base, errorCode: 0, abortedTransactions: readCommitted ? (aborted ?? []) : null, records: records ?? Buffer.alloc(0) });
  }
  const responses = [...byTopic].map(([key, partitions]) => {
    const first = targets.find((t) => (t.topicId ? t.topicId.toString('hex') : t.topic) === key)!;
    return { topic: first.topic, topicId: first.topicId ?? Buffer.alloc(16), partitions };
  });
  return { responses, bytes };
}

export async function fetch(ctx: BrokerContext, req: Body, info: RequestInfo): Promise<Body> {
  const readCommitted = req.isolationLevel === 1;
  const maxBytes: number = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff;
  const targets: FetchTarget[] = [];
  for (const t of req.topics as Body[]) {
    const byId = info.version >= 13;
    const topic: string = byId ? (topicNameOf(ctx, t.topicId) ?? '') : t.topic;
    const denied = topic !== '' && !topicAllowed(ctx, info, Operation.READ, topic);
    for (const p of t.partitions as Body[]) {
      targets.push({
        denied,
        topic,
        topicId: byId ? t.topicId : undefined,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        log: topic === '' || denied ? undefined : ctx.log.partitionLog(topic, p.partition),
      });
    }
  }
  const deadline = Date.now() + Math.min(Math.max(0, req.maxWaitMs), MAX_WAIT_MS);
  let result = readFetch(targets, readCommitted, maxBytes);
  while (result.bytes < Math.max(1, req.minBytes) && Date.now() < deadline && !ctx.closing && targets.length > 0) {
    const woke = await new Promise<boolean>((resolve) => {
      const cancels: (() => void)[] = [];
      const done = (v: boolean) => {
        clearTimeout(timer);
        for (const c of cancels) c();
        resolve(v);
      };
      const timer = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
      for (const t of targets) if (t.log) cancels.push(t.log.waitForData(() => done(true)));
      cancels.push(ctx.onClose(() => done(false)));
      cancels.push(info.onDisconnect(() => done(false)));
    });
    for (const t of targets) t.log = t.topic === '' || t.denied ? undefined : ctx.log.partitionLog(t.topic, t.partition);
    result = readFetch(targets, readCommitted, maxBytes);
    if (!woke) break;
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: result.responses };
}

export function listOffsets(ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const readCommitted = req.isolationLevel === 1;
  const topics: Body[] = [];
  for (const t of req.topics as Body[]) {
    const partitions: Body[] = [];
    const denied = !topicAllowed(ctx, info, Operation.DESCRIBE, t.name);
    for (const p of t.partitions as Body[]) {
      const log = denied ? undefined : ctx.log.partitionLog(t.name, p.partitionIndex);
      if (!log) {
        const errorCode = denied ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        partitions.push({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1, offset: -1, oldStyleOffsets: [] });
        continue;
      }
      let offset = -1;
      let timestamp = -1;
      if (p.timestamp === -1) offset = readCommitted ? log.lastStableOffset : log.endOffset;
      else if (p.timestamp === -2) offset = log.logStartOffset;
      else {
        const found = log.findByTimestamp(p.timestamp, decompress);
        if (found) ({ offset, timestamp } = found);
      }
      partitions.push({ partitionIndex: p.partitionIndex, errorCode: 0, timestamp, offset, leaderEpoch: 0, oldStyleOffsets: offset >= 0 ? [offset] : [] });
    }
    topics.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, topics };
}
