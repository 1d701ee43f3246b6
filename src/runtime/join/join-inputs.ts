// The partition group a join query reads its inputs through: every partition of every
// joined topic, in event-time order (see ../partition-group.ts). At equal times the table
// sides come first, so a stream record sees a table row of the same timestamp (a table row
// is valid from its time on); then sources in join order, partitions in number order.

import { getProperty } from '../../config/index.js';
import type { TopicPartitionOffset } from '../../log/topic-log.js';
import { PartitionGroup } from '../partition-group.js';
import type { JoinRuntime } from './join-runtime.js';

/** ksqlDB's (Kafka Streams') default: wait for records already on the log, not for new ones. */
export const DEFAULT_MAX_TASK_IDLE_MS = 0;

/** A Kafka Streams or consumer setting, given with or without the ksql.streams. prefix. */
export function streamsNumber(properties: Record<string, unknown>, name: string, fallback: number): number {
  const v = getProperty(properties, `ksql.streams.${name}`) ?? getProperty(properties, name);
  const n = Number(v ?? fallback);
  return Number.isFinite(n) ? n : fallback;
}

export function maxTaskIdleMs(properties: Record<string, unknown>): number {
  return streamsNumber(properties, 'max.task.idle.ms', DEFAULT_MAX_TASK_IDLE_MS);
}

/** A group over `start` (every partition the join reads, with the offset to resume from). */
export function joinInputs(join: JoinRuntime, start: TopicPartitionOffset[], properties: Record<string, unknown>): PartitionGroup {
  const rank = new Map(join.topicsInTieOrder().map((t, i) => [t, i]));
  const ordered = [...start].sort((a, b) => (rank.get(a.topic)! - rank.get(b.topic)!) || a.partition - b.partition);
  return new PartitionGroup(ordered, {
    maxTaskIdleMs: maxTaskIdleMs(properties),
    maxBufferedPerPartition: Math.max(1, streamsNumber(properties, 'buffered.records.per.partition', 1000)),
    eventTime: (rec) => join.eventTime(rec),
  });
}
