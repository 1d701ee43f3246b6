// The embedded TopicLog: durable topics in <dataDir>/topics/<topic>/<partition>/ as Kafka
// RecordBatch v2 segment files (the embedded broker serves the same bytes), consumer group
// offsets and transaction state in <dataDir>/coordinator.log.

import fs from 'node:fs';
import path from 'node:path';
import {
  ProducerFencedError,
  TopicExistsError,
  UnknownTopicError,
  type FetchOptions,
  type FetchRequest,
  type LogRecord,
  type LogTransaction,
  type PartitionProgress,
  type ProduceRecord,
  type TopicDescription,
  type TopicLog,
  type TopicPartitionOffset,
  type TopicSpec,
} from '../topic-log.js';
import { ATTR_TRANSACTIONAL, decodeBatchRecords, encodeBatch, readInt64, stampTransactional } from '../record-batch.js';
import { decompress } from '../compression.js';
import { ErrorCode, LogError } from '../errors.js';
import { partitionForKey } from '../partitioner.js';
import { CoordinatorStore, type OffsetEntry } from './coordinator-store.js';
import { PartitionLog } from './partition.js';
import { TxnCoordinator, type TxnState } from './transactions.js';

/** A transaction of the embedded log: also takes encoded batches (see ../raw-batches.ts). */
export interface EmbeddedTransaction extends LogTransaction {
  /** Appends one encoded batch as this transaction's producer (it is stamped with its id, epoch and sequence). */
  appendRawBatch(topic: string, partition: number, batch: Buffer): void;
}

export interface EmbeddedLogOptions {
  /** Roll to a new segment file past this size (default 128 MiB). */
  segmentBytes?: number;
  /** How often transaction timeouts (and, when due, retention) are checked (default 5 s; 0 disables the timer). */
  maintenanceIntervalMs?: number;
  /**
   * Least time between two retention passes (default 5 min, Kafka's log.retention.check.interval.ms).
   * The first pass comes one interval after opening, so records with old timestamps written by a
   * test or a backfill are not deleted seconds after they arrive.
   */
  retentionCheckIntervalMs?: number;
}

export interface TopicState {
  name: string;
  dir: string;
  partitions: PartitionLog[];
  replicationFactor: number;
  configs: Record<string, string>;
  /** Next partition for records without key and partition (sticky per produce call). */
  nextSticky: number;
}

export type AppendListener = (topic: string, records: LogRecord[]) => void;

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
export const DEFAULT_TOPIC_CONFIGS: Record<string, string> = {
  'cleanup.policy': 'delete',
  'retention.ms': '604800000',
};
const KNOWN_CLEANUP = new Set(['delete', 'compact', 'compact,delete', 'delete,compact']);
const MAX_BATCH_RECORDS = 4096;
const MAX_BATCH_BYTES = 1 << 20;

export function validateTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new LogError(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      `invalid topic name '${name}': use 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-'`,
    );
  }
}

export function validateTopicConfigs(configs: Record<string, string>): void {
  for (const [k, v] of Object.entries(configs)) {
    if (k === 'cleanup.policy' && !KNOWN_CLEANUP.has(v.replace(/\s+/g, ''))) {
      throw new LogError(ErrorCode.INVALID_CONFIG, `invalid cleanup.policy '${v}': use delete, compact or compact,delete`);
    }
    if ((k === 'retention.ms' || k === 'segment.bytes' || k === 'retention.bytes') && !/^-?\d+$/.test(v)) {
      throw new LogError(ErrorCode.INVALID_CONFIG, `invalid ${k} '${v}': expected an integer`);
    }
  }
}

export class EmbeddedLog implements TopicLog {
  readonly topics = new Map<string, TopicState>();
  readonly txns: TxnCoordinator;
  private readonly listeners = new Set<AppendListener>();
  private readonly timer: NodeJS.Timeout | undefined;
  private lastRetentionCheck = Date.now();
  private closed = false;
  private fetchRotation = 0;

  private constructor(
    readonly dataDir: string,
    readonly store: CoordinatorStore,
    private readonly options: Required<EmbeddedLogOptions>,
  ) {
    this.txns = new TxnCoordinator({
      partitionLog: (t, p) => this.partitionLog(t, p),
      store,
      emitCommitted: (records) => this.emitGrouped(records),
    });
    if (options.maintenanceIntervalMs > 0) {
      this.timer = setInterval(() => this.maintenance(Date.now()), options.maintenanceIntervalMs);
      this.timer.unref();
    }
  }

  static async open(dataDir: string, options: EmbeddedLogOptions = {}): Promise<EmbeddedLog> {
    const topicsDir = path.join(dataDir, 'topics');
    fs.mkdirSync(topicsDir, { recursive: true });
    const store = CoordinatorStore.open(path.join(dataDir, 'coordinator.log'));
    const log = new EmbeddedLog(dataDir, store, {
      segmentBytes: options.segmentBytes ?? 128 << 20,
      maintenanceIntervalMs: options.maintenanceIntervalMs ?? 5000,
      retentionCheckIntervalMs: options.retentionCheckIntervalMs ?? 300_000,
    });
    for (const name of fs.readdirSync(topicsDir)) {
      const dir = path.join(topicsDir, name);
      const metaFile = path.join(dir, 'topic.json');
      if (!fs.existsSync(metaFile)) {
        // A creation interrupted before its metadata was written.
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { partitions: number; replicationFactor: number; configs: Record<string, string> };
      const partitions: PartitionLog[] = [];
      for (let p = 0; p < meta.partitions; p++) {
        partitions.push(PartitionLog.open(path.join(dir, String(p)), name, p, { segmentBytes: log.segmentBytesFor(meta.configs) }));
      }
      log.topics.set(name, { name, dir, partitions, replicationFactor: meta.replicationFactor, configs: meta.configs, nextSticky: 0 });
    }
    const all: PartitionLog[] = [];
    for (const t of log.topics.values()) all.push(...t.partitions);
    log.txns.recover(all, Date.now());
    log.maintenance(Date.now());
    return log;
  }

  private segmentBytesFor(configs: Record<string, string>): number {
    const v = Number(configs['segment.bytes']);
    return v > 0 ? v : this.options.segmentBytes;
  }

  private maintenance(now: number): void {
    if (this.closed) return;
    this.txns.abortExpired(now);
    if (now - this.lastRetentionCheck < this.options.retentionCheckIntervalMs) return;
    this.lastRetentionCheck = now;
    for (const t of this.topics.values()) {
      const policy = t.configs['cleanup.policy'] ?? 'delete';
      if (!policy.includes('delete')) continue;
      const retention = Number(t.configs['retention.ms'] ?? DEFAULT_TOPIC_CONFIGS['retention.ms']);
      if (retention < 0) continue;
      for (const p of t.partitions) p.enforceRetention(now, retention);
    }
  }

  // ---- listeners ----

  /** Synchronous notification of appended records in global append order (transactional records at commit). */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  private emit(topic: string, records: LogRecord[]): void {
    for (const l of this.listeners) l(topic, records);
  }

  private emitGrouped(records: LogRecord[]): void {
    let start = 0;
    for (let i = 1; i <= records.length; i++) {
      if (i === records.length || records[i].topic !== records[start].topic) {
        this.emit(records[start].topic, records.slice(start, i));
        start = i;
      }
    }
  }

  // ---- topics ----

  topic(name: string): TopicState | undefined {
    return this.topics.get(name);
  }

  partitionLog(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  private requireTopic(name: string): TopicState {
    const t = this.topics.get(name);
    if (!t) throw new UnknownTopicError(`topic '${name}' does not exist`);
    return t;
  }

  private writeTopicMeta(t: TopicState): void {
    const file = path.join(t.dir, 'topic.json');
    fs.writeFileSync(file + '.tmp', JSON.stringify({ partitions: t.partitions.length, replicationFactor: t.replicationFactor, configs: t.configs }));
    fs.renameSync(file + '.tmp', file);
  }

  async createTopic(name: string, spec: TopicSpec): Promise<void> {
    this.createTopicSync(name, spec);
  }

  createTopicSync(name: string, spec: TopicSpec): TopicState {
    validateTopicName(name);
    if (this.topics.has(name)) throw new TopicExistsError(`topic '${name}' already exists`);
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1 || spec.partitions > 10000) {
      throw new LogError(ErrorCode.INVALID_PARTITIONS, `invalid partition count ${spec.partitions} for topic '${name}': use 1 to 10000`);
    }
    const configs = { ...(spec.configs ?? {}) };
    validateTopicConfigs(configs);
    const dir = path.join(this.dataDir, 'topics', name);
    fs.rmSync(dir, { recursive: true, force: true });
    const partitions: PartitionLog[] = [];
    for (let p = 0; p < spec.partitions; p++) {
      partitions.push(PartitionLog.open(path.join(dir, String(p)), name, p, { segmentBytes: this.segmentBytesFor(configs) }));
    }
    const t: TopicState = { name, dir, partitions, replicationFactor: spec.replicationFactor && spec.replicationFactor > 0 ? spec.replicationFactor : 1, configs, nextSticky: 0 };
    this.writeTopicMeta(t);
    this.topics.set(name, t);
    return t;
  }

  async deleteTopic(name: string): Promise<void> {
    const t = this.requireTopic(name);
    this.topics.delete(name);
    for (const p of t.partitions) p.close();
    this.txns.forgetTopic(name);
    this.store.deleteTopic(name);
    const trash = path.join(this.dataDir, 'deleted');
    fs.mkdirSync(trash, { recursive: true });
    const target = path.join(trash, `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
    fs.renameSync(t.dir, target);
    await fs.promises.rm(target, { recursive: true, force: true });
  }

  private describe(t: TopicState): TopicDescription {
    return { name: t.name, partitions: t.partitions.length, replicationFactor: t.replicationFactor, configs: { ...DEFAULT_TOPIC_CONFIGS, ...t.configs } };
  }

  async describeTopic(name: string): Promise<TopicDescription | undefined> {
    const t = this.topics.get(name);
    return t && this.describe(t);
  }

  async listTopics(): Promise<TopicDescription[]> {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => this.describe(t));
  }

  /** Adds partitions to a topic (Kafka only allows growing). */
  createPartitions(name: string, count: number): void {
    const t = this.requireTopic(name);
    if (!Number.isInteger(count) || count <= t.partitions.length) {
      throw new LogError(ErrorCode.INVALID_PARTITIONS, `topic '${name}' has ${t.partitions.length} partitions; the new count must be larger, got ${count}`);
    }
    for (let p = t.partitions.length; p < count; p++) {
      t.partitions.push(PartitionLog.open(path.join(t.dir, String(p)), name, p, { segmentBytes: this.segmentBytesFor(t.configs) }));
    }
    this.writeTopicMeta(t);
  }

  /** Replaces (or with `incremental`, merges) a topic's configs. */
  alterTopicConfigs(name: string, configs: Record<string, string | null>, incremental = false): void {
    const t = this.requireTopic(name);
    const next: Record<string, string> = incremental ? { ...t.configs } : {};
    for (const [k, v] of Object.entries(configs)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    validateTopicConfigs(next);
    t.configs = next;
    this.writeTopicMeta(t);
  }

  deleteRecords(topic: string, partition: number, offset: number): number {
    const p = this.partitionLog(topic, partition);
    if (!p) throw new LogError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown partition ${topic}-${partition}`);
    p.deleteRecordsBefore(offset < 0 ? p.endOffset : offset);
    return p.logStartOffset;
  }

  // ---- produce ----

  private choosePartitions(t: TopicState, records: ProduceRecord[]): Int32Array {
    const n = t.partitions.length;
    const out = new Int32Array(records.length);
    let sticky = -1;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= n) {
          throw new LogError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${t.name}' has no partition ${r.partition} (it has ${n})`);
        }
        out[i] = r.partition;
      } else if (r.key !== null) {
        out[i] = partitionForKey(r.key, n);
      } else {
        if (sticky < 0) sticky = t.nextSticky++ % n;
        out[i] = sticky;
      }
    }
    return out;
  }

  /** Splits one partition's records into batches and appends them; fills offsets. */
  private appendRecords(
    t: TopicState,
    p: PartitionLog,
    records: ProduceRecord[],
    now: number,
    txn: TxnState | undefined,
    onOffset: (i: number, offset: number) => void,
    /** Takes the appended records instead of notifying listeners (the caller notifies, in its own order). */
    collect?: (i: number, record: LogRecord) => void,
  ): void {
    let start = 0;
    while (start < records.length) {
      let end = start;
      let bytes = 0;
      while (end < records.length && end - start < MAX_BATCH_RECORDS && bytes < MAX_BATCH_BYTES) {
        const r = records[end++];
        bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0) + 16;
      }
      const chunk = start === 0 && end === records.length ? records : records.slice(start, end);
      const producer = txn
        ? { producerId: txn.producerId, producerEpoch: txn.epoch, baseSequence: p.nextSequence(txn.producerId, txn.epoch), transactional: true }
        : undefined;
      const base = p.appendOwnBatch(encodeBatch(chunk, p.endOffset, now, producer));
      for (let i = 0; i < chunk.length; i++) onOffset(start + i, base + i);
      // Listeners are told at once, or at commit for a transaction's records.
      if (collect || this.listeners.size > 0) {
        const recs: LogRecord[] = chunk.map((r, i) => ({ topic: t.name, partition: p.partition, offset: base + i, timestamp: r.timestamp ?? now, key: r.key, value: r.value, headers: r.headers ?? [] }));
        if (collect) for (let i = 0; i < recs.length; i++) collect(start + i, recs[i]);
        else if (txn) txn.pendingRecords.push(...recs);
        else this.emit(t.name, recs);
      }
      start = end;
    }
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<{ partition: number; offset: number }[]> {
    return this.produceSync(topic, records, undefined);
  }

  private produceSync(topic: string, records: ProduceRecord[], txn: TxnState | undefined): { partition: number; offset: number }[] {
    if (this.closed) throw new Error('the log is closed');
    const t = this.requireTopic(topic);
    const result: { partition: number; offset: number }[] = new Array(records.length);
    if (records.length === 0) return result;
    const now = Date.now();
    const parts = this.choosePartitions(t, records);
    let single = true;
    for (let i = 1; i < parts.length; i++) if (parts[i] !== parts[0]) single = false;
    const addToTxn = (partition: number) => {
      if (txn) this.txns.addPartitions(txn.transactionalId, txn.producerId, txn.epoch, [{ topic, partition }], now);
    };
    if (single) {
      const partition = parts[0];
      addToTxn(partition);
      this.appendRecords(t, t.partitions[partition], records, now, txn, (i, offset) => (result[i] = { partition, offset }));
      return result;
    }
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < parts.length; i++) {
      let b = buckets.get(parts[i]);
      if (!b) buckets.set(parts[i], (b = []));
      b.push(i);
    }
    // Listeners (and a transaction's pending records) see the records in the order they were
    // produced, as one producer's sends across partitions would arrive, not partition by partition.
    const notify = this.listeners.size > 0;
    const appended: LogRecord[] = notify ? new Array(records.length) : [];
    for (const [partition, idx] of [...buckets].sort((a, b) => a[0] - b[0])) {
      addToTxn(partition);
      const recs = idx.map((i) => records[i]);
      const collect = notify ? (i: number, rec: LogRecord) => (appended[idx[i]] = rec) : undefined;
      this.appendRecords(t, t.partitions[partition], recs, now, txn, (i, offset) => (result[idx[i]] = { partition, offset }), collect);
    }
    if (notify) {
      if (txn) txn.pendingRecords.push(...appended);
      else this.emit(t.name, appended);
    }
    return result;
  }

  /**
   * Appends a client's RecordBatch v2 (the broker's Produce path). Checks producer sequences
   * and, for transactional batches, the transaction state. Returns the base offset.
   */
  appendRawBatch(topic: string, partition: number, batch: Buffer, verifyCrc = true): { baseOffset: number; duplicate: boolean } {
    const p = this.partitionLog(topic, partition);
    if (!p) throw new LogError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown partition ${topic}-${partition}`);
    const attributes = batch.length >= 61 ? batch.readInt16BE(21) : 0;
    let txn: TxnState | undefined;
    if (attributes & ATTR_TRANSACTIONAL) txn = this.txns.checkProduce(readInt64(batch, 43), batch.readInt16BE(51), topic, partition);
    const res = p.appendBatch(batch, verifyCrc);
    if (!res.duplicate && (this.listeners.size > 0)) {
      const recs: LogRecord[] = [];
      decodeBatchRecords(batch, 0, batch.length, topic, partition, 0, recs, decompress);
      if (txn) txn.pendingRecords.push(...recs);
      else this.emit(topic, recs);
    }
    return res;
  }

  // ---- fetch ----

  private collect(requests: FetchRequest[], maxRecords: number, readCommitted: boolean, progress?: PartitionProgress[]): LogRecord[] {
    const out: LogRecord[] = [];
    const n = requests.length;
    const first = n > 1 ? this.fetchRotation++ % n : 0;
    if (progress) progress.length = 0;
    for (let k = 0; k < n; k++) {
      const r = requests[(first + k) % n];
      const p = this.topics.get(r.topic)?.partitions[r.partition];
      if (!p) continue;
      const position = { next: r.offset, end: readCommitted ? p.lastStableOffset : p.endOffset };
      if (out.length < maxRecords) p.readRecords(r.offset, maxRecords - out.length, readCommitted, out, decompress, position);
      else if (!progress) break;
      progress?.push({ topic: r.topic, partition: r.partition, nextOffset: position.next, endOffset: position.end });
    }
    return out;
  }

  async fetch(requests: FetchRequest[], options: FetchOptions = {}): Promise<LogRecord[]> {
    const maxRecords = options.maxRecords ?? 10000;
    const readCommitted = options.readCommitted ?? true;
    const partitions: PartitionLog[] = [];
    for (const r of requests) {
      const t = this.requireTopic(r.topic);
      const p = t.partitions[r.partition];
      if (!p) throw new UnknownTopicError(`topic '${r.topic}' has no partition ${r.partition}`);
      partitions.push(p);
    }
    const out = this.collect(requests, maxRecords, readCommitted, options.progress);
    const maxWait = options.maxWaitMs ?? 0;
    if (out.length > 0 || maxWait <= 0 || this.closed) return out;
    const deadline = Date.now() + maxWait;
    for (;;) {
      const woke = await new Promise<boolean>((resolve) => {
        const cancels: (() => void)[] = [];
        const done = (v: boolean) => {
          clearTimeout(timer);
          for (const c of cancels) c();
          resolve(v);
        };
        const timer = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
        for (const p of partitions) cancels.push(p.waitForData(() => done(true)));
      });
      if (this.closed) return [];
      for (const r of requests) if (!this.topics.has(r.topic)) throw new UnknownTopicError(`topic '${r.topic}' was deleted`);
      const again = this.collect(requests, maxRecords, readCommitted, options.progress);
      if (again.length > 0 || !woke || Date.now() >= deadline) return again;
    }
  }

  // ---- offsets ----

  async beginningOffsets(topic: string): Promise<number[]> {
    return this.requireTopic(topic).partitions.map((p) => p.logStartOffset);
  }

  async endOffsets(topic: string): Promise<number[]> {
    return this.requireTopic(topic).partitions.map((p) => p.lastStableOffset);
  }

  async offsetsForTimestamp(topic: string, timestamp: number): Promise<number[]> {
    return this.requireTopic(topic).partitions.map((p) => p.offsetForTimestamp(timestamp, decompress));
  }

  async commitOffsets(group: string, offsets: TopicPartitionOffset[]): Promise<void> {
    this.store.commitOffsets(group, offsets, Date.now());
  }

  async committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
    const m = new Map<number, number>();
    const g = this.store.offsets.get(group);
    if (g) for (const v of g.values()) if (v.topic === topic) m.set(v.partition, v.offset);
    return m;
  }

  // ---- transactions ----

  async beginTransaction(transactionalId: string): Promise<EmbeddedTransaction> {
    const { producerId, epoch } = this.txns.initProducerId(transactionalId, 0, Date.now());
    const live = (): TxnState => {
      try {
        return this.txns.check(transactionalId, producerId, epoch);
      } catch (e) {
        if (e instanceof LogError) throw new ProducerFencedError(`transaction '${transactionalId}' was fenced: ${e.message}`);
        throw e;
      }
    };
    let finished = false;
    const open = (): TxnState => {
      if (finished) throw new Error(`transaction '${transactionalId}' is already committed or aborted`);
      return live();
    };
    return {
      produce: async (topic: string, records: ProduceRecord[]) => {
        this.produceSync(topic, records, open());
      },
      // Not in LogTransaction: raw-batches.ts offers it to threads that move encoded batches.
      appendRawBatch: (topic: string, partition: number, batch: Buffer) => {
        const p = this.partitionLog(topic, partition);
        if (!p) throw new LogError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown partition ${topic}-${partition}`);
        open();
        this.txns.addPartitions(transactionalId, producerId, epoch, [{ topic, partition }], Date.now());
        stampTransactional(batch, producerId, epoch, p.nextSequence(producerId, epoch));
        this.appendRawBatch(topic, partition, batch, false);
      },
      commitOffsets: async (group: string, offsets: TopicPartitionOffset[]) => {
        open();
        this.txns.txnOffsetCommit(transactionalId, group, producerId, epoch, offsets as OffsetEntry[], Date.now());
      },
      commit: async () => {
        open();
        finished = true;
        this.txns.endTxn(transactionalId, producerId, epoch, true, Date.now());
      },
      abort: async () => {
        if (finished) throw new Error(`transaction '${transactionalId}' is already committed or aborted`);
        finished = true;
        try {
          live();
        } catch {
          return; // fenced: the newer producer already aborted it
        }
        this.txns.endTxn(transactionalId, producerId, epoch, false, Date.now());
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.topics.values()) for (const p of t.partitions) p.close();
    this.store.close();
  }
}
