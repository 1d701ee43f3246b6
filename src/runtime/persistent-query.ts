// A running persistent query: pulls record batches from the source topic's partitions,
// runs the pipeline, produces to the sink, and commits the consumed offsets on a cycle
// (to the consumer group, and for materialized tables in the same SQLite transaction as
// the state). Restarts resume from the committed offsets. How outputs and commits reach
// the log (at-least-once or exactly-once) is the OutputCommitter's job (exactly-once.ts).
// A join reads its inputs through a PartitionGroup (partition-group.ts), which releases the
// fetched records in event-time order; the positions committed are those it consumed.

import { join } from 'node:path';
import { getProperty } from '../config/index.js';
import type { FetchRequest, LogRecord, PartitionProgress, TopicLog, TopicSpec } from '../log/topic-log.js';
import type { PersistentPhysicalPlan } from './builder.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { RunningQuery } from './contract.js';
import { Pipeline, QueryFailure, type OutputRow, type ProcessingLogSink } from './pipeline.js';
import { SinkWriter } from './sink-writer.js';
import { TableStore } from './table-store.js';
import { ProcessingLogType } from './processing-log.js';
import { countingProcessingLog, queryRecordsConsumed, queryRecordsProduced } from './query-metrics.js';
import { AggregateStateStore } from './aggregate/state-store.js';
import { materializedKeyTypes } from './aggregate/materialized.js';
import { produceInEmitOrder } from './aggregate/ordered-produce.js';
import { JoinRuntime } from './join/join-runtime.js';
import { joinInputs, streamsNumber } from './join/join-inputs.js';
import { deleteJoinInternalTopics, ensureJoinInternalTopics } from './join/internal-topics.js';
import type { PartitionGroup } from './partition-group.js';
import { createOutputCommitter, processingGuarantee, type CommitterOptions, type OutputCommitter } from './exactly-once.js';
import { ensureSinkTopic } from './sink-topic.js';
import { ensureLateTopic, lateProduceRecords } from './window/late-topic.js';
import { windowStatistics } from './window/statistics.js';
import { CatchUpMeter, type CatchUp } from './catch-up.js';
import { pipelineOptions } from './pipeline-options.js';

export interface PersistentQueryServices {
  log: TopicLog;
  functions: FunctionRegistry;
  dataDir: string;
  properties: Record<string, unknown>;
  processingLog: ProcessingLogSink;
  /** Set when this runs one task of a query shared by several servers (src/runtime/cluster). */
  task?: QueryTask;
}

/** One task of a shared query: the source partitions it reads and how it commits. */
export interface QueryTask {
  partitions: number[];
  committer: CommitterOptions;
  /** Brings the task's state up to date (from its changelogs) before the start offsets are read. */
  prepareState?(store: TableStore | null, join?: JoinState): Promise<void>;
}

/**
 * Records per fetch (max.poll.records when unset). Everything a batch decodes and produces
 * stays alive until the batch is produced; at 1000 most of it dies young, where 5000 made the
 * young-generation GC copy and promote a batch's worth on every scavenge (measured: the
 * stateless and join benches ran 15-20% faster, aggregations no slower).
 */
const MAX_BATCH = 1000;
/**
 * Uncommitted state writes (materialized rows, aggregate entries, cached changes) above which a cycle
 * commits before its interval is up: what waits for a commit is held in memory.
 */
const MAX_UNCOMMITTED_WRITES = 20_000;
const POLL_WAIT_MS = 100;

/** A join task's state as its changelog sees it. */
export interface JoinState {
  database: import('better-sqlite3').Database;
  committedOffsets(topic: string): Map<number, number>;
  /** Rereads the state after its tables were replaced. */
  reload(): void;
}

export function consumerGroup(properties: Record<string, unknown>, queryId: string): string {
  const serviceId = String(getProperty(properties, 'ksql.service.id') ?? 'default_');
  const prefix = String(getProperty(properties, 'ksql.persistent.prefix') ?? 'query_');
  return `_confluent-ksql-${serviceId}${prefix}${queryId}`;
}

export function storeFile(dataDir: string, queryId: string): string {
  return join(dataDir, 'state', `${queryId}.db`);
}

export function joinStoreFile(dataDir: string, queryId: string): string {
  return join(dataDir, 'state', `${queryId}-join.db`);
}

/** Position map key of a topic partition. */
function tp(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}

function splitTp(id: string): { topic: string; partition: number } {
  const i = id.indexOf('\u0000');
  return { partition: Number(id.slice(0, i)), topic: id.slice(i + 1) };
}

export class PersistentQuery implements RunningQuery {
  readonly id: string;
  private status: 'RUNNING' | 'PAUSED' | 'ERROR' = 'RUNNING';
  private stopped = false;
  private readonly pipeline: Pipeline;
  private readonly group: string;
  private readonly sourceTopic: string;
  /** Every topic the query reads (several for joins). */
  private readonly sourceTopics: string[];
  private readonly join: JoinRuntime | null = null;
  /** A join's inputs in event-time order; null when the query reads one source. */
  private inputs: PartitionGroup | null = null;
  /** Next offset to read, by topic partition (see tp()). */
  private positions = new Map<string, number>();
  private committed = new Map<string, number>();
  private store: TableStore | null = null;
  private aggregateState: AggregateStateStore | null = null;
  private writer!: SinkWriter;
  private output!: OutputCommitter;
  private readonly ready: Promise<void>;
  private lock: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | null = null;
  private lastCommit = Date.now();
  private readonly meter = new CatchUpMeter();
  private readonly commitIntervalMs: number;
  /** Records per fetch (max.poll.records). */
  private readonly maxBatch: number;
  /** cache.max.bytes.buffering: aggregations collapse changes per group within a commit interval. */
  private readonly cacheMaxBytes: number;
  /** The error that put the query into ERROR, if any. */
  error: Error | null = null;

  constructor(
    readonly plan: PersistentPhysicalPlan,
    private readonly services: PersistentQueryServices,
    private readonly sinkTopic: TopicSpec,
    private readonly inheritPartitionsFrom: string | undefined,
    private readonly onStoreOpened: (name: string, store: TableStore | null) => void,
  ) {
    this.id = plan.queryId;
    const props = services.properties;
    this.pipeline = new Pipeline(
      plan.analysis,
      pipelineOptions(plan.queryId, services.functions, props, countingProcessingLog(plan.queryId, services.processingLog)),
    );
    this.group = consumerGroup(props, plan.queryId);
    this.sourceTopic = plan.analysis.source.topic;
    if (plan.analysis.join) {
      this.join = new JoinRuntime(plan.analysis, this.pipeline, this.pipeline.options, joinStoreFile(services.dataDir, plan.queryId), this.group);
    }
    this.sourceTopics = this.join ? this.join.topics : [this.sourceTopic];
    const interval = Number(getProperty(props, 'commit.interval.ms') ?? 2000);
    this.commitIntervalMs = Number.isFinite(interval) ? interval : 2000;
    this.maxBatch = Math.max(1, streamsNumber(props, 'max.poll.records', MAX_BATCH));
    const cache = Number(getProperty(props, 'cache.max.bytes.buffering') ?? 0);
    this.cacheMaxBytes = Number.isFinite(cache) && cache > 0 ? cache : 0;
    this.ready = this.init();
    this.ready.catch((e) => this.fail(e));
  }

  get state(): 'RUNNING' | 'PAUSED' | 'ERROR' {
    return this.status;
  }

  private fail(e: unknown): void {
    this.error = e instanceof Error ? e : new Error(String(e));
    this.status = 'ERROR';
    this.services.processingLog.write({
      logger: `processing.${this.id}`,
      message: {
        type: ProcessingLogType.KAFKA_STREAMS_THREAD_ERROR,
        kafkaStreamsThreadError: { threadName: this.id, errorMessage: this.error.message, cause: [] },
      },
    });
  }

  private async init(): Promise<void> {
    const { log, properties } = this.services;
    const source = await log.describeTopic(this.sourceTopic);
    if (!source) throw new Error(`Topic '${this.sourceTopic}' of source ${this.plan.analysis.source.name} does not exist`);
    const partitions = new Map<string, number>([[this.sourceTopic, source.partitions]]);
    for (const topic of this.sourceTopics) {
      if (partitions.has(topic)) continue;
      const d = await log.describeTopic(topic);
      if (!d) throw new Error(`Topic '${topic}' of a joined source does not exist`);
      partitions.set(topic, d.partitions);
    }
    const sink = this.plan.sink;
    if (this.plan.produce) await ensureSinkTopic(log, sink.topic, this.sinkTopic, this.inheritPartitionsFrom, source);
    const lateTopic = this.plan.analysis.aggregate?.window?.lateRecordsTopic;
    if (lateTopic) await ensureLateTopic(log, lateTopic);
    if (this.plan.analysis.join) await ensureJoinInternalTopics(log, this.group, this.plan.analysis.join, this.join?.repartitions ?? null, partitions, properties);
    if (this.plan.materialize) {
      this.store = new TableStore(
        storeFile(this.services.dataDir, this.id),
        materializedKeyTypes(this.plan),
        this.plan.analysis.valueColumns.map((c) => c.type),
      );
      if (this.plan.analysis.aggregate) {
        const state = new AggregateStateStore(this.store.database);
        this.aggregateState = state;
        this.store.onCommit(() => state.flush());
        this.store.onDiscard(() => state.discard());
        this.pipeline.useAggregateState(state, false, this.cacheMaxBytes);
      }
      this.onStoreOpened(sink.stateStore ?? this.id, this.store);
    }
    this.writer = new SinkWriter(this.plan, this.services.functions, this.services.processingLog, this.store, this.pipeline.options.failOnProductionError);
    if (this.store) {
      const partitions = (await log.describeTopic(sink.topic))?.partitions;
      this.writer.storePartitions = partitions;
      if (this.plan.analysis.aggregate && this.plan.produce) this.writer.sinkPartitions = partitions;
    } else if (this.writer.placesByBaseKey && this.plan.produce) {
      this.writer.sinkPartitions = (await log.describeTopic(sink.topic))?.partitions;
    }

    const guarantee = processingGuarantee(properties);
    const stores = [this.store, this.join?.committedState(guarantee === 'exactly_once_v2')].filter((s) => !!s);
    const task = this.services.task;
    const join = this.join;
    await task?.prepareState?.(this.store, join ? { ...join.stateDatabase(), committedOffsets: (topic) => join.committedOffsets(topic) } : undefined);
    this.output = createOutputCommitter(guarantee, log, this.group, stores, task?.committer);

    const starts = await this.output.startOffsets(this.sourceTopics);
    const reset = String(getProperty(properties, 'auto.offset.reset') ?? 'latest').toLowerCase();
    let fresh = false;
    for (const topic of this.sourceTopics) {
      const start = starts.get(topic) ?? new Map<number, number>();
      // Join state carries the offsets it was committed with.
      if (this.join) for (const [p, o] of this.join.committedOffsets(topic)) start.set(p, o);
      const fallback = reset === 'earliest' ? await log.beginningOffsets(topic) : await log.endOffsets(topic);
      for (let p = 0; p < partitions.get(topic)!; p++) {
        if (task && !task.partitions.includes(p)) continue;
        const offset = start.get(p) ?? fallback[p] ?? 0;
        if (!start.has(p)) fresh = true;
        this.positions.set(tp(topic, p), offset);
        this.committed.set(tp(topic, p), offset);
      }
    }
    if (this.join) this.inputs = joinInputs(this.join, this.offsetsToCommit(), properties);
    // Under exactly-once the starting point is committed at once, so a crash before the
    // first cycle resumes where this run started rather than at a later 'latest'.
    if (fresh && this.output.guarantee === 'exactly_once_v2') await this.output.commit(this.offsetsToCommit());
  }

  /** Starts the background poll loop. */
  startLoop(): void {
    if (this.loop || this.stopped) return;
    this.loop = (async () => {
      while (!this.stopped && this.status === 'RUNNING') {
        let n = 0;
        try {
          n = await this.poll();
          if (n === 0) {
            await this.exclusive(() => this.closeIdleWindows());
            await this.exclusive(() => this.commitIfDirty(true));
            await new Promise((r) => setTimeout(r, 5));
          } else {
            // A log that answers at once would otherwise keep timers and requests waiting until the backlog is done.
            await new Promise((r) => setImmediate(r));
          }
        } catch (e) {
          this.fail(e);
        }
      }
      // A paused query commits what it has (an open transaction would hold back readers);
      // a failed one drops its uncommitted cycle.
      await this.exclusive(async () => {
        if (this.status === 'PAUSED') await this.commitIfDirty(true);
        else if (this.status === 'ERROR') await this.abortCycle();
      }).catch((e) => this.fail(e));
      this.loop = null;
    })();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  /** Processes one batch; resolves with the number of records consumed. */
  pump(maxWaitMs = 0): Promise<number> {
    return this.exclusive(async () => {
      await this.ready.catch(() => undefined);
      if (this.stopped || this.status !== 'RUNNING') return 0;
      const progress: PartitionProgress[] = [];
      const requests = this.requests();
      const records = requests.length > 0 ? await this.services.log.fetch(requests, { maxRecords: this.maxBatch, maxWaitMs, progress }) : [];
      return this.processFetched(records, progress);
    });
  }

  /**
   * The background loop's step: waits for data without holding the lock (so drain() never
   * queues behind a long poll), then processes the batch only if no one else moved the
   * positions meanwhile.
   */
  private async poll(): Promise<number> {
    await this.ready.catch(() => undefined);
    if (this.stopped || this.status !== 'RUNNING') return 0;
    const requests = this.requests();
    const progress: PartitionProgress[] = [];
    // With records buffered there is work to do now: ask only for what is already there.
    const maxWaitMs = this.inputs?.buffered ? 0 : POLL_WAIT_MS;
    const records = requests.length > 0 ? await this.services.log.fetch(requests, { maxRecords: this.maxBatch, maxWaitMs, progress }) : [];
    if (records.length === 0 && !this.inputs?.buffered) return 0;
    return this.exclusive(async () => {
      if (this.stopped || this.status !== 'RUNNING') return 0;
      const unchanged = requests.every((r) => this.fetchPosition(r) === r.offset);
      return unchanged ? this.processFetched(records, progress) : 0;
    });
  }

  private fetchPosition(r: FetchRequest): number | undefined {
    return this.inputs ? this.inputs.fetchOffset(r.topic, r.partition) : this.positions.get(tp(r.topic, r.partition));
  }

  /**
   * A join buffers what it fetched and processes what its partition group releases in
   * event-time order; resolves with the records fetched plus those processed.
   */
  private async processFetched(records: LogRecord[], progress: PartitionProgress[]): Promise<number> {
    if (!this.inputs) return this.processBatch(records);
    this.inputs.add(records, progress);
    const processed = await this.processBatch(this.inputs.take(this.maxBatch));
    for (const c of this.inputs.consumed()) {
      const id = tp(c.topic, c.partition);
      if (c.offset > (this.positions.get(id) ?? 0)) this.positions.set(id, c.offset);
    }
    return records.length + processed;
  }

  private requests(): FetchRequest[] {
    if (this.inputs) return this.inputs.requests();
    const requests: FetchRequest[] = [];
    for (const [id, offset] of this.positions) requests.push({ ...splitTp(id), offset });
    return requests;
  }

  private async processBatch(records: LogRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    let outputs;
    try {
      outputs = this.join ? this.join.processInOrder(records) : this.pipeline.process(records);
      // A record the sink cannot write fails the query too, before its offset moves.
      await this.produceOutputs(outputs);
      if (this.pipeline.cached.full) await this.flushCache();
    } catch (e) {
      if (e instanceof QueryFailure) {
        this.fail(e);
        return 0;
      }
      throw e;
    }
    queryRecordsConsumed.inc({ query_id: this.id }, records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      // Within a run of one partition's records only the last moves its position.
      const following = records[i + 1];
      if (following !== undefined && following.partition === r.partition && following.topic === r.topic && following.offset > r.offset) continue;
      const next = r.offset + 1;
      const id = tp(r.topic, r.partition);
      if (next > (this.positions.get(id) ?? 0)) this.positions.set(id, next);
    }
    this.meter.count(records.length);
    await this.commitIfDirty(false);
    return records.length;
  }

  private async produceOutputs(outputs: OutputRow[]): Promise<void> {
    for (const [topic, records] of this.join?.repartitions?.take() ?? []) await this.output.produce(topic, records);
    const produce = this.writer.toRecords(outputs);
    if (produce.length > 0 && this.plan.produce) {
      if (this.plan.analysis.aggregate) await produceInEmitOrder((t, r) => this.output.produce(t, r), this.plan.sink.topic, produce);
      else await this.output.produce(this.plan.sink.topic, produce);
      queryRecordsProduced.inc({ query_id: this.id }, produce.length);
    }
    const lateTopic = this.plan.analysis.aggregate?.window?.lateRecordsTopic;
    const late = this.pipeline.windowProgress?.takeLate() ?? [];
    if (lateTopic && late.length > 0) await this.output.produce(lateTopic, lateProduceRecords(this.id, late));
  }

  /** Produces the record cache's changes, a batch's worth at a time. */
  private async flushCache(): Promise<void> {
    for (const outputs of this.pipeline.flushCache(this.maxBatch)) await this.produceOutputs(outputs);
  }

  /** EMIT FINAL with an idle timeout: a quiet input's stream time follows the wall clock. */
  private async closeIdleWindows(): Promise<void> {
    if (this.stopped || this.status !== 'RUNNING' || !this.plan.analysis.aggregate?.window?.idleCloseMs) return;
    const outputs = this.pipeline.advanceIdle(Date.now());
    if (outputs.length === 0) return;
    await this.produceOutputs(outputs);
    // The windows emitted are marked so in the state: committed now, not re-emitted after a restart.
    await this.commitNow();
  }

  private dirty(): boolean {
    for (const [p, o] of this.positions) if (this.committed.get(p) !== o) return true;
    return false;
  }

  private uncommittedWrites(): number {
    // Changes held in the record cache become materialized rows at the commit: they count too.
    return (this.store?.pendingCount ?? 0) + (this.aggregateState?.dirtyCount ?? 0) + this.pipeline.cached.pending;
  }

  private async commitIfDirty(force: boolean): Promise<void> {
    if (!this.dirty()) return;
    if (!force && Date.now() - this.lastCommit < this.commitIntervalMs && this.uncommittedWrites() <= MAX_UNCOMMITTED_WRITES) return;
    await this.commitNow();
  }

  private offsetsToCommit(): { topic: string; partition: number; offset: number }[] {
    return [...this.positions].map(([id, offset]) => ({ ...splitTp(id), offset }));
  }

  /** Drops an uncommitted exactly-once cycle: its outputs, its state writes and its progress. */
  private async abortCycle(): Promise<void> {
    if (!this.output || this.output.guarantee !== 'exactly_once_v2') return;
    await this.output.abort();
    this.join?.rollback();
    for (const [p, o] of this.committed) this.positions.set(p, o);
    this.inputs?.reset(this.offsetsToCommit());
  }

  /** Commits consumed offsets (and the table state with them). */
  async commitNow(): Promise<void> {
    // The record cache flushes on commit, as Kafka Streams' does.
    if (this.pipeline.cached.pending > 0) await this.flushCache();
    const offsets = this.offsetsToCommit();
    await this.output.commit(offsets);
    for (const [p, o] of this.positions) this.committed.set(p, o);
    this.lastCommit = Date.now();
  }

  /** Processes until nothing is available, then commits. Returns the number of records consumed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.pump(0);
      if (n === 0) break;
      total += n;
    }
    await this.exclusive(async () => {
      await this.ready.catch(() => undefined);
      if (this.status !== 'ERROR' || this.store) await this.commitIfDirty(true);
    }).catch((e) => {
      if (!(e instanceof QueryFailure)) throw e;
      this.fail(e);
    });
    return total;
  }

  /** Counters DESCRIBE EXTENDED shows for the query's sink (its joins' unjoined records). */
  statistics(): Record<string, number> {
    const progress = this.pipeline.windowProgress;
    const store = this.pipeline.aggregateStore;
    return { ...(this.join?.statistics() ?? {}), ...(progress ? windowStatistics(progress, this.plan.analysis.aggregate!, store) : {}) };
  }

  /** How far the query is behind the end of its sources. */
  catchUp(): Promise<CatchUp> {
    return this.meter.snapshot(this.services.log, this.sourceTopics, (topic, partition) => this.positions.get(tp(topic, partition)));
  }

  storeRef(): TableStore | null {
    return this.store;
  }

  async whenReady(): Promise<void> {
    await this.ready;
  }

  pause(): void {
    if (this.status === 'RUNNING') this.status = 'PAUSED';
  }

  resume(): void {
    if (this.status === 'PAUSED') {
      this.status = 'RUNNING';
      this.startLoop();
    }
  }

  async stop(cleanup: boolean): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.exclusive(async () => {
      try {
        await this.ready;
        await this.commitIfDirty(true);
      } catch {
        // a query that never started has nothing to commit
      }
    });
    this.onStoreOpened(this.plan.sink.stateStore ?? this.id, null);
    if (cleanup) {
      this.store?.destroy();
      this.join?.destroy();
      // A shared query's tasks leave its internal topics to the query (src/runtime/cluster).
      if (this.plan.analysis.join && !this.services.task) await deleteJoinInternalTopics(this.services.log, this.group, this.plan.analysis.join).catch(() => undefined);
    } else {
      this.store?.close();
      this.join?.close();
    }
  }
}
