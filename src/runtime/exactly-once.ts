// Processing guarantees of a persistent query's commit cycle.
//
// at_least_once (default): outputs are produced as each batch is processed; the SQLite
// state and the consumed offsets are committed on the cycle. A crash repeats the outputs
// of the cycle that was not committed.
//
// exactly_once_v2: the outputs of a cycle are written in one log transaction together
// with the consumed offsets of the query's consumer group, so read_committed consumers see
// them only when the cycle commits. The SQLite state is committed with its offsets just
// before the log transaction, keeping the before-images of that commit. At start, the log
// has already finished or aborted any transaction a crash left open; if it aborted ours,
// the group's offsets are those before the cycle and the store is rolled back to them. So
// state, outputs and offsets always describe the same cycle: nothing lost, nothing repeated.

import { getProperty } from '../config/index.js';
import type { GroupGeneration, LogTransaction, ProduceRecord, TopicLog, TopicPartitionOffset } from '../log/topic-log.js';
import { EddyError } from '../common/errors.js';

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

export class ProcessingGuaranteeError extends EddyError {
  override readonly kind = 'config';
}

const ACCEPTED: Record<string, ProcessingGuarantee> = {
  at_least_once: 'at_least_once',
  exactly_once_v2: 'exactly_once_v2',
  // Older names Kafka Streams still accepts; both mean the same thing here.
  exactly_once: 'exactly_once_v2',
  exactly_once_beta: 'exactly_once_v2',
};

/** Reads `processing.guarantee` (any of its aliases) from merged properties. */
export function processingGuarantee(properties: Record<string, unknown>): ProcessingGuarantee {
  const raw = getProperty(properties, 'processing.guarantee');
  if (raw === undefined || raw === null || raw === '') return 'at_least_once';
  const g = ACCEPTED[String(raw).trim().toLowerCase()];
  if (!g) {
    throw new ProcessingGuaranteeError(
      `Invalid value '${String(raw)}' for configuration processing.guarantee: use at_least_once or exactly_once_v2`,
    );
  }
  return g;
}

/** A state store that commits together with the consumed offsets (TableStore is one). */
export interface OffsetCommittingStore {
  commit(offsets: TopicPartitionOffset[], options?: { undoable?: boolean }): void;
  committedOffsets(topic: string): Map<number, number>;
  /** The offsets the last undoable commit replaced (-1 where it added one), if it can be undone. */
  undoOffsets(): TopicPartitionOffset[] | undefined;
  undoLastCommit(): void;
  discardPending(): void;
}

/** How a persistent query's outputs and commits reach the log. */
export interface OutputCommitter {
  readonly guarantee: ProcessingGuarantee;
  /** Where to start reading each partition of the topics: state and log reconciled. */
  startOffsets(topics: string[]): Promise<Map<string, Map<number, number>>>;
  produce(topic: string, records: ProduceRecord[]): Promise<void>;
  /** Commits the cycle: state, offsets and (exactly-once) the outputs produced since the last commit. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Drops what the current cycle wrote (exactly-once); at-least-once has nothing to drop. */
  abort(): Promise<void>;
}

/** How one task of a query shared by several servers commits (src/runtime/cluster). */
export interface CommitterOptions {
  /** The transactional id (default: the group): one per task, so a task's new owner fences the old. */
  transactionalId?: string;
  /** The source partitions the task reads: the group's offsets of other partitions are another task's. */
  partitions?: number[];
  /** The member's group generation, for at-least-once commits to a group that has members. */
  generation?: () => GroupGeneration | undefined;
  /** Runs after the stores committed and before the log commit (changelog records go into the same transaction). */
  afterStoreCommit?: (produce: (topic: string, records: ProduceRecord[]) => Promise<void>) => Promise<void>;
}

export function createOutputCommitter(
  guarantee: ProcessingGuarantee,
  log: TopicLog,
  group: string,
  stores: OffsetCommittingStore[],
  options: CommitterOptions = {},
): OutputCommitter {
  return guarantee === 'exactly_once_v2' ? new TransactionalCommitter(log, group, stores, options) : new AtLeastOnceCommitter(log, group, stores, options);
}

function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

async function groupOffsets(log: TopicLog, group: string, topics: string[], only?: number[]): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const t of topics) for (const [p, o] of await log.committedOffsets(group, t)) if (!only || only.includes(p)) m.set(offsetKey(t, p), o);
  return m;
}

function storeOffsets(store: OffsetCommittingStore, topics: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of topics) for (const [p, o] of store.committedOffsets(t)) m.set(offsetKey(t, p), o);
  return m;
}

function sameOffsets(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** The group's offsets, overridden per partition by the stores' (they match the state). */
function merge(topics: string[], fromStores: Map<string, number>[], fromGroup: Map<string, number>): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>(topics.map((t) => [t, new Map()]));
  for (const m of [fromGroup, ...fromStores]) {
    for (const [k, o] of m) {
      const [t, p] = k.split('\u0000');
      out.get(t!)?.set(Number(p), o);
    }
  }
  return out;
}

class AtLeastOnceCommitter implements OutputCommitter {
  readonly guarantee = 'at_least_once' as const;

  constructor(
    private readonly log: TopicLog,
    private readonly group: string,
    private readonly stores: OffsetCommittingStore[],
    private readonly options: CommitterOptions,
  ) {}

  async startOffsets(topics: string[]): Promise<Map<string, Map<number, number>>> {
    const fromStores = this.stores.map((s) => storeOffsets(s, topics));
    return merge(topics, fromStores, await groupOffsets(this.log, this.group, topics, this.options.partitions));
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<void> {
    await this.log.produce(topic, records);
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    for (const s of this.stores) s.commit(offsets);
    await this.options.afterStoreCommit?.((topic, records) => this.log.produce(topic, records).then(() => undefined));
    await this.log.commitOffsets(this.group, offsets, this.options.generation?.());
  }

  async abort(): Promise<void> {}
}

class TransactionalCommitter implements OutputCommitter {
  readonly guarantee = 'exactly_once_v2' as const;
  private txn: LogTransaction | null = null;

  constructor(
    private readonly log: TopicLog,
    /** The consumer group; also the transactional id (unless one is given), so a restarted query fences its predecessor. */
    private readonly group: string,
    private readonly stores: OffsetCommittingStore[],
    private readonly options: CommitterOptions,
  ) {}

  private get transactionalId(): string {
    return this.options.transactionalId ?? this.group;
  }

  async startOffsets(topics: string[]): Promise<Map<string, Map<number, number>>> {
    // A fresh transaction fences any older producer of this query and aborts what it left open.
    await (await this.log.beginTransaction(this.transactionalId)).abort();
    const fromGroup = await groupOffsets(this.log, this.group, topics, this.options.partitions);
    const fromStores = this.stores.map((store) => {
      const fromStore = storeOffsets(store, topics);
      if (sameOffsets(fromStore, fromGroup)) return fromStore;
      const undo = store.undoOffsets();
      if (!undo) return fromStore;
      const before = new Map(fromStore);
      for (const o of undo) {
        const k = offsetKey(o.topic, o.partition);
        if (o.offset < 0) before.delete(k);
        else before.set(k, o.offset);
      }
      if (!sameOffsets(before, fromGroup)) return fromStore;
      // The state committed a cycle whose log transaction was aborted: take it back.
      store.undoLastCommit();
      return before;
    });
    return merge(topics, fromStores, fromGroup);
  }

  private async open(): Promise<LogTransaction> {
    if (!this.txn) this.txn = await this.log.beginTransaction(this.transactionalId);
    return this.txn;
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<void> {
    await (await this.open()).produce(topic, records);
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const txn = await this.open();
    this.txn = null;
    try {
      await txn.commitOffsets(this.group, offsets);
      for (const s of this.stores) s.commit(offsets, { undoable: true });
      await this.options.afterStoreCommit?.((topic, records) => txn.produce(topic, records));
    } catch (e) {
      await txn.abort().catch(() => undefined);
      throw e;
    }
    // From here a crash leaves the store one cycle ahead of the log, which startOffsets undoes.
    await txn.commit();
  }

  async abort(): Promise<void> {
    const txn = this.txn;
    this.txn = null;
    for (const s of this.stores) s.discardPending();
    if (txn) await txn.abort().catch(() => undefined);
  }
}
