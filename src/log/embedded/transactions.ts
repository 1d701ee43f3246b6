// The transaction coordinator of the embedded log (also the broker's, over the wire):
// producer ids and epochs per transactional id, the partitions and groups a transaction
// touches, pending offsets, and the COMMIT/ABORT markers that end it.

import { ErrorCode, LogError } from '../errors.js';
import type { LogRecord } from '../topic-log.js';
import { txnKey, type CoordinatorStore, type OffsetEntry } from './coordinator-store.js';
import type { PartitionLog } from './partition.js';

export interface TxnHost {
  partitionLog(topic: string, partition: number): PartitionLog | undefined;
  readonly store: CoordinatorStore;
  /** Hands records of a committed transaction to the append listeners. */
  emitCommitted(records: LogRecord[]): void;
}

export interface TxnState {
  transactionalId: string;
  producerId: number;
  epoch: number;
  timeoutMs: number;
  ongoing: boolean;
  startedAt: number;
  partitions: Map<string, { topic: string; partition: number }>;
  groups: Set<string>;
  /** group → "topic\0partition" → offset, visible at commit */
  pendingOffsets: Map<string, Map<string, OffsetEntry>>;
  /** Records written in the transaction, for the append listeners (only when any are registered). */
  pendingRecords: LogRecord[];
}

const MAX_EPOCH = 32766;
export const DEFAULT_TXN_TIMEOUT_MS = 60_000;

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class TxnCoordinator {
  private readonly byId = new Map<string, TxnState>();
  private readonly byPid = new Map<number, TxnState>();

  constructor(private readonly host: TxnHost) {}

  /** Finishes transactions left open by a crash: commits those whose decision was journaled, aborts the rest. */
  recover(partitions: Iterable<PartitionLog>, now: number): void {
    const committed = this.host.store.committedTxns;
    for (const p of partitions) {
      for (const [pid, first] of [...p.openTxns]) {
        const commit = committed.has(txnKey(pid, p.topic, p.partition, first));
        const epoch = p.producers.get(pid)?.epoch ?? 0;
        p.appendControl(commit, pid, epoch, now);
      }
    }
    this.host.store.recoveryDone();
  }

  private stateFor(transactionalId: string): TxnState | undefined {
    let st = this.byId.get(transactionalId);
    if (!st) {
      const saved = this.host.store.txnIds.get(transactionalId);
      if (!saved) return undefined;
      st = this.newState(transactionalId, saved.producerId, saved.epoch, DEFAULT_TXN_TIMEOUT_MS);
    }
    return st;
  }

  private newState(transactionalId: string, producerId: number, epoch: number, timeoutMs: number): TxnState {
    const st: TxnState = {
      transactionalId,
      producerId,
      epoch,
      timeoutMs,
      ongoing: false,
      startedAt: 0,
      partitions: new Map(),
      groups: new Set(),
      pendingOffsets: new Map(),
      pendingRecords: [],
    };
    this.byId.set(transactionalId, st);
    this.byPid.set(producerId, st);
    return st;
  }

  /**
   * InitProducerId: a plain idempotent producer gets a fresh id; a transactional id gets its
   * id with the epoch bumped, which fences older producers and aborts their open transaction.
   */
  initProducerId(transactionalId: string | null, timeoutMs: number, now: number): { producerId: number; epoch: number } {
    const store = this.host.store;
    if (transactionalId === null) return { producerId: store.allocateProducerId(), epoch: 0 };
    const old = this.stateFor(transactionalId);
    let producerId: number;
    let epoch: number;
    if (old) {
      if (old.ongoing) this.finish(old, false, now);
      this.byPid.delete(old.producerId);
      producerId = old.producerId;
      epoch = old.epoch + 1;
      if (epoch > MAX_EPOCH) {
        producerId = store.allocateProducerId();
        epoch = 0;
      }
    } else {
      producerId = store.allocateProducerId();
      epoch = 0;
    }
    store.setTxnId(transactionalId, { producerId, epoch });
    this.newState(transactionalId, producerId, epoch, timeoutMs > 0 ? timeoutMs : DEFAULT_TXN_TIMEOUT_MS);
    return { producerId, epoch };
  }

  /** The state of a live producer session, or a fencing / mapping error. */
  check(transactionalId: string, producerId: number, epoch: number): TxnState {
    const st = this.stateFor(transactionalId);
    if (!st || st.producerId !== producerId) {
      throw new LogError(ErrorCode.INVALID_PRODUCER_ID_MAPPING, `transactional id ${transactionalId} is not mapped to producer id ${producerId}`);
    }
    if (epoch !== st.epoch) {
      throw new LogError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${producerId} of transactional id ${transactionalId} has epoch ${epoch}; the current epoch is ${st.epoch} (fenced by a newer producer)`,
      );
    }
    return st;
  }

  private begin(st: TxnState, now: number): void {
    if (!st.ongoing) {
      st.ongoing = true;
      st.startedAt = now;
    }
  }

  addPartitions(transactionalId: string, producerId: number, epoch: number, parts: { topic: string; partition: number }[], now: number): void {
    const st = this.check(transactionalId, producerId, epoch);
    this.begin(st, now);
    for (const p of parts) st.partitions.set(tpKey(p.topic, p.partition), p);
  }

  addOffsets(transactionalId: string, producerId: number, epoch: number, group: string, now: number): void {
    const st = this.check(transactionalId, producerId, epoch);
    this.begin(st, now);
    st.groups.add(group);
  }

  txnOffsetCommit(transactionalId: string, group: string, producerId: number, epoch: number, offsets: OffsetEntry[], now: number): void {
    const st = this.check(transactionalId, producerId, epoch);
    this.begin(st, now);
    st.groups.add(group);
    let m = st.pendingOffsets.get(group);
    if (!m) st.pendingOffsets.set(group, (m = new Map()));
    for (const o of offsets) m.set(tpKey(o.topic, o.partition), o);
  }

  /** Checks a transactional batch before it is appended; returns the transaction it belongs to. */
  checkProduce(producerId: number, epoch: number, topic: string, partition: number): TxnState {
    const st = this.byPid.get(producerId);
    if (!st) throw new LogError(ErrorCode.INVALID_PRODUCER_ID_MAPPING, `producer id ${producerId} has no transactional id`);
    if (epoch !== st.epoch) throw new LogError(ErrorCode.INVALID_PRODUCER_EPOCH, `producer ${producerId} epoch ${epoch} is fenced (current ${st.epoch})`);
    if (!st.ongoing || !st.partitions.has(tpKey(topic, partition))) {
      throw new LogError(ErrorCode.INVALID_TXN_STATE, `partition ${topic}-${partition} was not added to the transaction of ${st.transactionalId}`);
    }
    return st;
  }

  endTxn(transactionalId: string, producerId: number, epoch: number, commit: boolean, now: number): void {
    const st = this.check(transactionalId, producerId, epoch);
    if (st.ongoing) this.finish(st, commit, now);
  }

  /** Writes the decision (commit), the markers, then makes offsets and records visible. */
  private finish(st: TxnState, commit: boolean, now: number): void {
    const parts: [PartitionLog, number][] = [];
    for (const { topic, partition } of st.partitions.values()) {
      const p = this.host.partitionLog(topic, partition);
      const first = p?.openTxns.get(st.producerId);
      if (p && first !== undefined) parts.push([p, first]);
    }
    if (commit) {
      const offsets = new Map<string, OffsetEntry[]>();
      for (const [g, m] of st.pendingOffsets) offsets.set(g, [...m.values()]);
      if (parts.length > 0 || offsets.size > 0) {
        this.host.store.recordCommit(
          st.producerId,
          st.epoch,
          parts.map(([p, first]) => [p.topic, p.partition, first]),
          offsets,
          now,
        );
      }
    }
    for (const [p] of parts) p.appendControl(commit, st.producerId, st.epoch, now);
    const records = st.pendingRecords;
    st.ongoing = false;
    st.partitions = new Map();
    st.groups = new Set();
    st.pendingOffsets = new Map();
    st.pendingRecords = [];
    if (commit && records.length > 0) this.host.emitCommitted(records);
  }

  /** Aborts transactions open longer than their timeout and fences their producer (epoch bump). */
  abortExpired(now: number): void {
    for (const st of [...this.byId.values()]) {
      if (!st.ongoing || now - st.startedAt <= st.timeoutMs) continue;
      this.finish(st, false, now);
      this.byPid.delete(st.producerId);
      const epoch = st.epoch + 1 > MAX_EPOCH ? 0 : st.epoch + 1;
      const producerId = epoch === 0 ? this.host.store.allocateProducerId() : st.producerId;
      this.host.store.setTxnId(st.transactionalId, { producerId, epoch });
      this.newState(st.transactionalId, producerId, epoch, st.timeoutMs);
    }
  }

  /** True when a transaction holds an uncommitted offset for this group and partition. */
  hasPendingOffset(group: string, topic: string, partition: number): boolean {
    const k = tpKey(topic, partition);
    for (const st of this.byId.values()) if (st.pendingOffsets.get(group)?.has(k)) return true;
    return false;
  }

  describe(transactionalId: string): TxnState | undefined {
    return this.byId.get(transactionalId);
  }

  /** Drops coordinator references to a deleted topic. */
  forgetTopic(topic: string): void {
    for (const st of this.byId.values()) {
      for (const [k, v] of st.partitions) if (v.topic === topic) st.partitions.delete(k);
    }
  }
}
