// A stateless persistent query run by worker threads. The source topic's partitions are
// its tasks, dealt round-robin to the workers. This (main) thread only moves bytes: it
// reads stored batches of a task's partition and transfers them to the task's worker,
// appends the sink batches the worker sends back, and commits the consumer group's
// offsets on the cycle. A partition's position advances only once the outputs of what was
// consumed are appended, so a commit never covers an output not yet in the log
// (at-least-once, as in the main-thread query). Under exactly_once_v2 the batches are
// appended in the cycle's log transaction, committed with the offsets they cover; what a
// worker answers while a commit is under way waits for the next transaction.

import type { Worker } from 'node:worker_threads';
import { getProperty } from '../../config/index.js';
import type { TopicLog, TopicPartitionOffset, TopicSpec } from '../../log/topic-log.js';
import type { RawBatchLog, RawTransaction } from '../../log/raw-batches.js';
import type { SqlType } from '../../common/types.js';
import type { QueryPlan } from '../../plan/steps.js';
import type { PersistentPhysicalPlan } from '../builder.js';
import type { RunningQuery } from '../contract.js';
import type { ProcessingLogSink } from '../pipeline.js';
import type { TableStore } from '../table-store.js';
import { ProcessingLogType } from '../processing-log.js';
import { countingProcessingLog, queryRecordsConsumed, queryRecordsProduced } from '../query-metrics.js';
import { createOutputCommitter, processingGuarantee, type OutputCommitter } from '../exactly-once.js';
import { ensureSinkTopic } from '../sink-topic.js';
import { CatchUpMeter, type CatchUp } from '../catch-up.js';
import { consumerGroup } from '../persistent-query.js';
import { ownedBytes, type FromWorker, type ToWorker, type WorkerInit } from './messages.js';
import { acquireWorker, discardWorker, releaseWorker } from './worker-pool.js';

/** Bytes of stored batches per message to a worker (about max.poll.records of small records). */
const READ_BYTES = 512 << 10;
/** Messages a worker may have queued: one being processed, one waiting, so it never idles on this thread. */
const IN_FLIGHT_PER_WORKER = 2;
const POLL_WAIT_MS = 100;

export interface ThreadedQueryServices {
  log: TopicLog;
  raw: RawBatchLog;
  properties: Record<string, unknown>;
  processingLog: ProcessingLogSink;
}

interface PartitionTask {
  partition: number;
  /** Next offset to send to the worker. */
  fetchOffset: number;
  /** Next offset whose outputs are not yet appended: what a commit may cover. */
  doneOffset: number;
  committedOffset: number;
  /** Nothing left to read at the last look. */
  caughtUp: boolean;
}

interface QueryWorker {
  worker: Worker;
  tasks: PartitionTask[];
  /** Messages sent and not answered, in order: the task and the offset after the batch. */
  inFlight: Map<number, { task: PartitionTask; end: number }>;
  next: number;
  /** Set when the worker failed or crashed: it goes back to no pool. */
  broken: boolean;
  /** Removes this query's listeners from the worker. */
  detach: () => void;
  /** Resolves when the worker has answered 'close'. */
  closed: Promise<void>;
}

export class ThreadedQuery implements RunningQuery {
  readonly id: string;
  private status: 'RUNNING' | 'PAUSED' | 'ERROR' = 'RUNNING';
  private stopped = false;
  error: Error | null = null;
  private readonly group: string;
  private readonly sourceTopic: string;
  private readonly workers: QueryWorker[] = [];
  private readonly tasks: PartitionTask[] = [];
  private output!: OutputCommitter;
  private readonly ready: Promise<void>;
  private loop: Promise<void> | null = null;
  private lastCommit = Date.now();
  private readonly commitIntervalMs: number;
  private readonly meter = new CatchUpMeter();
  private readonly processingLog: ProcessingLogSink;
  private nextId = 0;
  /** Records consumed so far (drain() reports the difference). */
  private consumed = 0;
  /** Wakes the loop: a worker answered, or stop/drain/resume wants it to look again. */
  private wake: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  private readonly exactlyOnce: boolean;
  /** Exactly-once: the cycle's open transaction; null while one commits. */
  private txn: RawTransaction | null = null;
  /** Exactly-once: answers that came while no transaction was open. */
  private held: { w: QueryWorker; m: Extract<FromWorker, { type: 'done' }> }[] = [];

  constructor(
    readonly plan: PersistentPhysicalPlan,
    private readonly steps: QueryPlan,
    private readonly types: Record<string, SqlType>,
    private readonly threads: number,
    private readonly services: ThreadedQueryServices,
    private readonly sinkTopic: TopicSpec,
    private readonly inheritPartitionsFrom: string | undefined,
  ) {
    this.id = plan.queryId;
    this.group = consumerGroup(services.properties, plan.queryId);
    this.sourceTopic = plan.analysis.source.topic;
    this.processingLog = countingProcessingLog(plan.queryId, services.processingLog);
    const interval = Number(getProperty(services.properties, 'commit.interval.ms') ?? 2000);
    this.commitIntervalMs = Number.isFinite(interval) ? interval : 2000;
    this.exactlyOnce = processingGuarantee(services.properties) === 'exactly_once_v2';
    this.ready = this.init();
    this.ready.catch((e) => this.fail(e));
  }

  get state(): 'RUNNING' | 'PAUSED' | 'ERROR' {
    return this.status;
  }

  private fail(e: unknown): void {
    if (this.status === 'ERROR') return;
    this.error = e instanceof Error ? e : new Error(String(e));
    this.status = 'ERROR';
    this.services.processingLog.write({
      logger: `processing.${this.id}`,
      message: {
        type: ProcessingLogType.KAFKA_STREAMS_THREAD_ERROR,
        kafkaStreamsThreadError: { threadName: this.id, errorMessage: this.error.message, cause: [] },
      },
    });
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async init(): Promise<void> {
    const { log, properties, raw } = this.services;
    const source = await log.describeTopic(this.sourceTopic);
    if (!source) throw new Error(`Topic '${this.sourceTopic}' of source ${this.plan.analysis.source.name} does not exist`);
    await ensureSinkTopic(log, this.plan.sink.topic, this.sinkTopic, this.inheritPartitionsFrom, source);
    const sinkPartitions = raw.partitionCount(this.plan.sink.topic);
    if (!sinkPartitions) throw new Error(`Sink topic '${this.plan.sink.topic}' of ${this.id} does not exist`);
    // Exactly-once: starting fences an older instance of the query and aborts what it left open.
    this.output = createOutputCommitter(this.exactlyOnce ? 'exactly_once_v2' : 'at_least_once', log, this.group, []);
    const start = (await this.output.startOffsets([this.sourceTopic])).get(this.sourceTopic) ?? new Map<number, number>();
    const reset = String(getProperty(properties, 'auto.offset.reset') ?? 'latest').toLowerCase();
    const fallback = reset === 'earliest' ? await log.beginningOffsets(this.sourceTopic) : await log.endOffsets(this.sourceTopic);
    for (let p = 0; p < source.partitions; p++) {
      const offset = start.get(p) ?? fallback[p] ?? 0;
      this.tasks.push({ partition: p, fetchOffset: offset, doneOffset: offset, committedOffset: offset, caughtUp: false });
    }
    if (this.exactlyOnce) {
      this.txn = await raw.beginTransaction(this.group);
      // The starting point is committed at once, so a crash before the first cycle resumes here.
      if (this.tasks.some((t) => !start.has(t.partition))) await this.commit();
    }
    const init: WorkerInit = { plan: this.steps, types: this.types, properties, sourceTopic: this.sourceTopic, sinkPartitions };
    const count = Math.max(1, Math.min(this.threads, this.tasks.length));
    const started: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const w: QueryWorker = { worker: acquireWorker(), tasks: [], inFlight: new Map(), next: 0, broken: false, detach: () => undefined, closed: Promise.resolve() };
      for (let p = i; p < this.tasks.length; p += count) w.tasks.push(this.tasks[p]!);
      this.workers.push(w);
      started.push(this.listen(w));
      w.worker.postMessage({ type: 'open', init } satisfies ToWorker);
    }
    await Promise.all(started);
  }

  /** Wires a worker's messages; resolves once it has compiled the plan. */
  private listen(w: QueryWorker): Promise<void> {
    let closed!: () => void;
    w.closed = new Promise((r) => (closed = r));
    return new Promise((resolve, reject) => {
      let ready = false;
      const broke = (e: Error) => {
        w.broken = true;
        closed();
        if (ready) this.fail(e);
        else reject(e);
      };
      const onMessage = (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            resolve();
            break;
          case 'closed':
            closed();
            break;
          case 'log':
            this.processingLog.write(m.entry);
            break;
          case 'done':
            this.completed(w, m);
            break;
          case 'failed': {
            const e = new Error(m.message);
            if (m.stack) e.stack = m.stack;
            if (m.id !== undefined) w.inFlight.delete(m.id);
            // A record the query may not skip leaves the worker sound; anything else may not.
            if (!m.queryFailure) w.broken = true;
            if (!ready) reject(e);
            else this.fail(e);
            this.poke();
            break;
          }
        }
      };
      const onError = (e: Error) => broke(e);
      const onExit = (code: number) => broke(new Error(`A worker thread of query ${this.id} exited (code ${code})`));
      w.worker.on('message', onMessage);
      w.worker.on('error', onError);
      w.worker.on('exit', onExit);
      w.detach = () => {
        w.worker.off('message', onMessage);
        w.worker.off('error', onError);
        w.worker.off('exit', onExit);
      };
    });
  }

  private completed(w: QueryWorker, m: Extract<FromWorker, { type: 'done' }>): void {
    if (this.exactlyOnce && !this.txn) {
      this.held.push({ w, m });
      return;
    }
    const sent = w.inFlight.get(m.id);
    w.inFlight.delete(m.id);
    if (!sent) return;
    try {
      const topic = this.plan.sink.topic;
      for (const b of m.batches) {
        const batch = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
        if (this.txn) this.txn.appendRawBatch(topic, b.partition, batch);
        else this.services.raw.append(topic, b.partition, batch);
      }
    } catch (e) {
      this.fail(e);
      return;
    }
    sent.task.doneOffset = sent.end;
    this.consumed += m.consumed;
    this.meter.count(m.consumed);
    if (m.consumed > 0) queryRecordsConsumed.inc({ query_id: this.id }, m.consumed);
    if (m.produced > 0) queryRecordsProduced.inc({ query_id: this.id }, m.produced);
    this.poke();
  }

  /** Sends every worker batches until it has IN_FLIGHT_PER_WORKER; returns how many were sent. */
  private dispatch(): number {
    let sent = 0;
    for (const w of this.workers) {
      let idle = 0;
      while (w.inFlight.size < IN_FLIGHT_PER_WORKER && idle < w.tasks.length) {
        const task = w.tasks[w.next++ % w.tasks.length]!;
        const read = this.services.raw.read(this.sourceTopic, task.partition, task.fetchOffset, READ_BYTES);
        if (!read.bytes) {
          task.caughtUp = true;
          // Nothing was in flight for it: skipped control batches move it on by themselves.
          if (task.fetchOffset === task.doneOffset && read.nextOffset > task.fetchOffset) task.doneOffset = task.fetchOffset = read.nextOffset;
          idle++;
          continue;
        }
        idle = 0;
        task.caughtUp = false;
        const id = this.nextId++;
        const bytes = ownedBytes(read.bytes);
        const message: ToWorker = { type: 'batch', id, partition: task.partition, from: task.fetchOffset, bytes, aborted: read.aborted };
        w.inFlight.set(id, { task, end: read.nextOffset });
        task.fetchOffset = read.nextOffset;
        w.worker.postMessage(message, [bytes.buffer as ArrayBuffer]);
        sent++;
      }
    }
    return sent;
  }

  private inFlight(): number {
    let n = 0;
    for (const w of this.workers) n += w.inFlight.size;
    return n;
  }

  startLoop(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.run().finally(() => (this.loop = null));
  }

  private async run(): Promise<void> {
    await this.ready.catch(() => undefined);
    const refs = this.tasks.map((t) => ({ topic: this.sourceTopic, partition: t.partition }));
    while (!this.stopped && this.status === 'RUNNING') {
      try {
        this.dispatch();
        if (this.inFlight() === 0) {
          await this.commitIfDirty(true);
          // What arrived during the commit is still to do before anyone is told it is all done.
          if (this.dispatch() > 0) continue;
          for (const w of this.idleWaiters.splice(0)) w();
          await Promise.race([this.services.raw.waitForData(refs, POLL_WAIT_MS), new Promise<void>((r) => (this.wake = r))]);
        } else {
          await new Promise<void>((r) => (this.wake = r));
          await this.commitIfDirty(false);
        }
      } catch (e) {
        this.fail(e);
      }
    }
    await this.settle();
    // A failed exactly-once cycle is dropped: its outputs with it, its offsets not committed.
    if (this.status === 'ERROR' && this.exactlyOnce) await this.abortCycle();
    else await this.commitIfDirty(true).catch((e) => this.fail(e));
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async abortCycle(): Promise<void> {
    const txn = this.txn;
    this.txn = null;
    this.held = [];
    if (txn) await txn.abort().catch(() => undefined);
    for (const t of this.tasks) t.fetchOffset = t.doneOffset = t.committedOffset;
  }

  /** Waits for the answers to what was sent (a worker that failed answers no more). */
  private async settle(): Promise<void> {
    while (this.inFlight() > 0 && this.status !== 'ERROR') await new Promise<void>((r) => (this.wake = r));
  }

  private offsets(): TopicPartitionOffset[] {
    return this.tasks.map((t) => ({ topic: this.sourceTopic, partition: t.partition, offset: t.doneOffset }));
  }

  private async commitIfDirty(force: boolean): Promise<void> {
    if (!this.output || !this.tasks.some((t) => t.doneOffset !== t.committedOffset)) return;
    if (!force && Date.now() - this.lastCommit < this.commitIntervalMs) return;
    await this.commit();
  }

  private async commit(): Promise<void> {
    const offsets = this.offsets();
    if (this.exactlyOnce) {
      const txn = this.txn;
      if (!txn) throw new Error(`Query ${this.id} has no open transaction to commit`);
      this.txn = null;
      try {
        await txn.commitOffsets(this.group, offsets);
      } catch (e) {
        await txn.abort().catch(() => undefined);
        throw e;
      }
      await txn.commit();
      if (!this.stopped) {
        this.txn = await this.services.raw.beginTransaction(this.group);
        for (const h of this.held.splice(0)) this.completed(h.w, h.m);
      }
    } else {
      await this.output.commit(offsets);
    }
    for (let i = 0; i < this.tasks.length; i++) this.tasks[i]!.committedOffset = offsets[i]!.offset;
    this.lastCommit = Date.now();
  }

  /** Processes until nothing is available, then commits. Returns the number of records consumed. */
  async drain(): Promise<number> {
    await this.ready.catch(() => undefined);
    if (this.status !== 'RUNNING' || this.stopped) return 0;
    const before = this.consumed;
    this.startLoop();
    await new Promise<void>((r) => {
      this.idleWaiters.push(r);
      this.poke();
    });
    return this.consumed - before;
  }

  statistics(): Record<string, number> {
    return {};
  }

  catchUp(): Promise<CatchUp> {
    return this.meter.snapshot(this.services.log, [this.sourceTopic], (_topic, partition) => this.tasks[partition]?.doneOffset);
  }

  storeRef(): TableStore | null {
    return null;
  }

  pause(): void {
    if (this.status === 'RUNNING') {
      this.status = 'PAUSED';
      this.poke();
    }
  }

  resume(): void {
    if (this.status === 'PAUSED') {
      this.status = 'RUNNING';
      this.startLoop();
    }
  }

  async stop(_cleanup: boolean): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.ready.catch(() => undefined);
    await this.loop;
    if (this.status !== 'ERROR' || !this.exactlyOnce) await this.commitIfDirty(true).catch(() => undefined);
    if (this.txn) await this.txn.abort().catch(() => undefined);
    await Promise.all(this.workers.map((w) => this.giveBack(w)));
  }

  /** Closes the query's task in the worker and returns the worker to the pool, or ends a broken one. */
  private async giveBack(w: QueryWorker): Promise<void> {
    if (!w.broken) {
      w.worker.postMessage({ type: 'close' } satisfies ToWorker);
      await w.closed;
    }
    w.detach();
    if (w.broken) discardWorker(w.worker);
    else releaseWorker(w.worker);
  }
}
