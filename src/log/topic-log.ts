// The log the runtime reads and writes. Two implementations: the embedded log (durable
// files in the data directory, shared with the embedded broker) and the Kafka log
// (kafkajs against any cluster). Both pass test/log/contract tests.
//
// Transactions (exactly_once_v2) on the Kafka log are Kafka transactions: the first
// beginTransaction(id) of a process runs InitProducerId (fencing any other process using the
// id and aborting its open transaction); later ones reuse that producer session while the
// previous transaction is finished, and start a new session (fencing the open one) when it is
// not. LogTransaction.produce adds partitions to the transaction and writes transactional
// batches; commitOffsets is AddOffsetsToTxn + TxnOffsetCommit, visible only after commit().
// A fenced transaction rejects every call with ProducerFencedError; after one, begin again.
//
// What exactly-once processing (src/runtime/exactly-once.ts) relies on, with no change to
// the interface: records produced in a LogTransaction are invisible to read-committed
// fetches (the default) and held behind endOffsets (the last stable offset) until commit;
// its commitOffsets become visible to committedOffsets only at commit; a transaction may
// commit or abort without having produced anything; beginTransaction(id) fences every
// older producer of that id and resolves only once a transaction they left open is
// aborted (or, when its commit was already decided, completed), so committedOffsets read
// after it is stable. The transactional id a persistent query uses is its consumer group.

import { EddyError } from '../common/errors.js';
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record to append. A null value is a tombstone. */
export interface ProduceRecord {
  key: Buffer | null;
  value: Buffer | null;
  /** Epoch ms; defaults to the append time. */
  timestamp?: number;
  headers?: RecordHeader[];
  /** Explicit partition; otherwise Kafka's murmur2 partitioner on the key (round-robin for null keys). */
  partition?: number;
}

export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface TopicSpec {
  partitions: number;
  replicationFactor?: number;
  /** Kafka topic configs, e.g. cleanup.policy, retention.ms */
  configs?: Record<string, string>;
}

export interface TopicDescription {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: number;
}

/** A consumer group member's id and generation, for offset commits of a group with members. */
export interface GroupGeneration {
  memberId: string;
  generationId: number;
}

export interface FetchRequest {
  topic: string;
  partition: number;
  offset: number;
}

export interface FetchOptions {
  /** Upper bound on the records returned across all partitions. */
  maxRecords?: number;
  /** How long to wait for data when none is available (0 = return at once). */
  maxWaitMs?: number;
  /** Read only committed transactional data (default true). */
  readCommitted?: boolean;
  /**
   * When given, the log fills it with where each requested partition stands after this
   * fetch (partitions it could not read are left out), so a reader knows which partitions
   * are caught up: see PartitionProgress.
   */
  progress?: PartitionProgress[];
}

/** Where a fetched partition stands. nextOffset >= endOffset means the reader is caught up. */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The offset to fetch from next: past every record returned and every control or aborted batch skipped. */
  nextOffset: number;
  /** The end offset the fetch saw: the last stable offset for read-committed fetches, else the high watermark. */
  endOffset: number;
}

/** Writes that become visible together, with the consumer offsets, or not at all. */
export interface LogTransaction {
  produce(topic: string, records: ProduceRecord[]): Promise<void>;
  commitOffsets(group: string, offsets: TopicPartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export class TopicExistsError extends EddyError {
  override readonly kind = 'log';
}
export class UnknownTopicError extends EddyError {
  override readonly kind = 'log';
}
/** A transaction's producer was fenced by a newer beginTransaction with the same transactional id. */
export class ProducerFencedError extends EddyError {
  override readonly kind = 'log';
}

export interface TopicLog {
  createTopic(name: string, spec: TopicSpec): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  describeTopic(name: string): Promise<TopicDescription | undefined>;
  listTopics(): Promise<TopicDescription[]>;

  /** Appends records; resolves with the partition and offset of each, in order. */
  produce(topic: string, records: ProduceRecord[]): Promise<{ partition: number; offset: number }[]>;
  /** Reads from several partitions at once; waits up to maxWaitMs when there is nothing to read. */
  fetch(requests: FetchRequest[], options?: FetchOptions): Promise<LogRecord[]>;

  /** Log start offset of each partition (index = partition). */
  beginningOffsets(topic: string): Promise<number[]>;
  /** High watermark (or last stable offset for read-committed) of each partition. */
  endOffsets(topic: string): Promise<number[]>;
  /** First offset with timestamp >= ts per partition (end offset when none). */
  offsetsForTimestamp(topic: string, timestamp: number): Promise<number[]>;

  /**
   * Commits a group's offsets. A member of the group (see src/log/kafka/group-member.ts)
   * names its generation: Kafka refuses plain commits to a group that has members.
   */
  commitOffsets(group: string, offsets: TopicPartitionOffset[], generation?: GroupGeneration): Promise<void>;
  committedOffsets(group: string, topic: string): Promise<Map<number, number>>;

  /**
   * Partition count of a topic known without I/O (a metadata cache), or undefined. Optional:
   * the planner uses it to size sink topics like their source.
   */
  partitionCount?(topic: string): number | undefined;

  /** Starts a transaction for a transactional id; a newer one with the same id fences the older. */
  beginTransaction(transactionalId: string): Promise<LogTransaction>;

  close(): Promise<void>;
}
