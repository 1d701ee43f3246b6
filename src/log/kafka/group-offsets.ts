// Consumer group offsets on a Kafka cluster: commit, read back, and wait until a committed
// transaction's offsets have reached the group.

import * as M from '../../kafka-protocol/messages.js';
import { ErrorCode } from '../errors.js';
import type { GroupGeneration, TopicPartitionOffset } from '../topic-log.js';
import { COORDINATOR_GROUP } from './cluster.js';
import { checkError } from './kafka-errors.js';
import { sendRequest, type KafkajsBroker } from './wire.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What these functions need of the log. */
export interface GroupCoordinatorAccess {
  readonly requestTimeoutMs: number;
  withCoordinator<T>(key: string, type: number, fn: (broker: KafkajsBroker) => Promise<T>): Promise<T>;
}

/** Partitions of one topic, as OffsetFetch names them. */
export interface TopicPartitions {
  name: string;
  partitionIndexes: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function byTopic(offsets: TopicPartitionOffset[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const o of offsets) {
    let parts = out.get(o.topic);
    if (!parts) out.set(o.topic, (parts = new Map()));
    parts.set(o.partition, o.offset);
  }
  return out;
}

export async function commitGroupOffsets(log: GroupCoordinatorAccess, group: string, offsets: TopicPartitionOffset[], generation?: GroupGeneration): Promise<void> {
  if (offsets.length === 0) return;
  await log.withCoordinator(group, COORDINATOR_GROUP, async (broker) => {
    const res = await sendRequest<Body>(broker, M.OffsetCommit, 7, {
      groupId: group,
      generationId: generation?.generationId ?? -1,
      memberId: generation?.memberId ?? '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [...byTopic(offsets)].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([partitionIndex, committedOffset]) => ({
          partitionIndex,
          committedOffset,
          committedLeaderEpoch: -1,
          commitTimestamp: -1,
          committedMetadata: null,
        })),
      })),
    });
    for (const t of res.topics as Body[]) for (const p of t.partitions as Body[]) checkError(p.errorCode, `Could not commit offsets of group '${group}' for ${t.name}-${p.partitionIndex}`);
  });
}

/**
 * The group's last committed offsets of one topic (all its topics' when `partitions` is
 * null). Offsets of a transaction still open, or whose commit markers are still on their
 * way, are not among them.
 */
export async function readGroupOffsets(log: GroupCoordinatorAccess, group: string, topic: string, partitions: number[] | null): Promise<Map<number, number>> {
  return log.withCoordinator(group, COORDINATOR_GROUP, async (broker) => {
    const topics = partitions ? [{ name: topic, partitionIndexes: partitions }] : null;
    const res = await sendRequest<Body>(broker, M.OffsetFetch, 5, { groupId: group, topics, requireStable: false });
    checkError(res.errorCode ?? 0, `Could not read the offsets of group '${group}'`);
    const out = new Map<number, number>();
    for (const t of res.topics as Body[]) {
      if (t.name !== topic) continue;
      for (const p of t.partitions as Body[]) {
        if (p.errorCode !== 0 || p.committedOffset < 0) continue;
        out.set(p.partitionIndex, p.committedOffset);
      }
    }
    return out;
  });
}

/**
 * Waits until the named partitions of a group hold no pending transactional offsets. Kafka
 * answers EndTxn before the commit markers reach the group, so a commit waits for them here:
 * after commit() a reader of the group sees the new offsets, as on the embedded log. The
 * partitions are named because, asked for all of a group's offsets, Kafka leaves out a
 * partition whose only offset is pending instead of calling it unstable. Gives up after the
 * request timeout: the commit itself has succeeded by then.
 */
export async function untilGroupOffsetsStable(log: GroupCoordinatorAccess, group: string, topics: TopicPartitions[]): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + log.requestTimeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const stable = await log.withCoordinator(group, COORDINATOR_GROUP, async (broker) => {
      const res = await sendRequest<Body>(broker, M.OffsetFetch, 7, { groupId: group, topics, requireStable: true });
      if (res.apiVersion < 7) return true; // no way to ask: the broker predates KIP-447
      if (res.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT) return false;
      return !(res.topics as Body[]).some((t) => (t.partitions as Body[]).some((p) => p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT));
    });
    if (stable) return;
    await sleep(Math.min(10 * (attempt + 1), 100));
  }
}
