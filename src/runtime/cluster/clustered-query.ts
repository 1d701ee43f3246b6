// A persistent query shared by the servers of one Eddy cluster (same ksql.service.id on one
// Kafka cluster), as Kafka Streams instances of one application share theirs. The servers
// join the query's consumer group (`_confluent-ksql-<service>query_<id>`); its leader
// spreads the query's tasks (task p = partition p of the sources) over them; each server
// runs its tasks as PersistentQuery instances reading only their partitions, each with its
// own SQLite store, its own transactional id (`<group>-0_<p>`, so a task's new owner fences
// the old one and aborts what it left open) and its state changelog partition.
//
// A query whose state is not keyed like its input (GROUP BY other than the source key,
// PARTITION BY before an aggregation, joins) would need repartition topics to be split; it
// runs as one task on one server instead, still moving with its changelog when that server
// goes away.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getProperty } from '../../config/index.js';
import type { KafkaLog } from '../../log/kafka/kafka-log.js';
import type { KafkaGroupMember } from '../../log/kafka/group-member.js';
import { ProducerFencedError, type TopicLog, type TopicSpec } from '../../log/topic-log.js';
import type { AnalyzedQuery } from '../../planner/query/analyze.js';
import type { PersistentPhysicalPlan } from '../builder.js';
import { processingGuarantee } from '../exactly-once.js';
import { QueryFailure } from '../pipeline.js';
import { PersistentQuery, consumerGroup, joinStoreFile, storeFile, type JoinState, type PersistentQueryServices } from '../persistent-query.js';
import type { TableStore, ReadableTable } from '../table-store.js';
import { assignTasks, decodeAssignment, decodeInfo, encodeAssignment, encodeInfo } from './assignment.js';
import { TaskChangelog, changelogTopic, ensureChangelogTopic, joinChangelogTopic } from './changelog.js';
import { deleteJoinInternalTopics } from '../join/internal-topics.js';
import { TaskStores } from './task-stores.js';

export interface ClusterSettings {
  /** This server's REST address, given to the others for forwarded pull queries. */
  endpoint: string;
  /** A stable id of this server. */
  instance: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the query's state is keyed by its source partitions, so its partitions can run apart. */
export function splitsByPartition(a: AnalyzedQuery): boolean {
  if (a.join) return false;
  if (!a.aggregate) return true;
  if (a.partitionBy) return false;
  const keys = a.layout.keyColumns.length;
  return keys > 0 && a.aggregate.groupBy.length === keys && a.aggregate.groupBy.every((g, i) => g.columnIndex === i);
}

/** The cluster settings of a server: its address, a stable instance id kept in its data directory, the group timeouts. */
export function clusterSettings(properties: Record<string, unknown>, dataDir: string): ClusterSettings | undefined {
  const enabled = getProperty(properties, 'eddy.cluster.enabled');
  if (!(enabled === true || String(enabled).toLowerCase() === 'true')) return undefined;
  const listener = String(getProperty(properties, 'ksql.advertised.listener') ?? getProperty(properties, 'listeners') ?? '').split(',')[0]!.trim();
  const file = join(dataDir, 'server-instance-id');
  let instance = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!instance) {
    mkdirSync(dataDir, { recursive: true });
    instance = randomUUID();
    writeFileSync(file, instance);
  }
  const num = (name: string, dflt: number) => {
    const v = Number(getProperty(properties, name) ?? dflt);
    return Number.isFinite(v) && v > 0 ? v : dflt;
  };
  return { endpoint: listener, instance, sessionTimeoutMs: num('session.timeout.ms', 10_000), heartbeatIntervalMs: num('heartbeat.interval.ms', 1_000) };
}

/** Opens a task's store file to check it; a file SQLite cannot read is removed (the changelog restores it). */
function dropIfCorrupt(file: string): void {
  if (!existsSync(file)) return;
  let ok = false;
  try {
    const db = new Database(file, { fileMustExist: true });
    try {
      ok = db.pragma('quick_check', { simple: true }) === 'ok';
    } finally {
      db.close();
    }
  } catch {
    ok = false;
  }
  if (!ok) {
    process.emitWarning(`State store ${file} is corrupt: removing it, its changelog restores it`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

export class ClusteredQuery {
  readonly id: string;
  private readonly group: string;
  /** Made when the query starts (the Kafka client loads only where a query shares its tasks). */
  private member: KafkaGroupMember | null = null;
  private readonly tasks = new Map<number, PersistentQuery>();
  private readonly view = new TaskStores();
  private owners: Record<number, string> = {};
  private tasksTotal = 1;
  private sourcePartitions = 1;
  private readonly topics: string[];
  private changelog: string | undefined;
  private joinChangelog: string | undefined;
  private stopped = false;
  private paused = false;
  private loop: Promise<void> | null = null;
  /** Task starts and stops, one after the other (a task's store file has one user at a time). */
  private taskOps: Promise<unknown> = Promise.resolve();
  private firstAssignment!: () => void;
  private readonly assigned = new Promise<void>((r) => (this.firstAssignment = r));
  /** The error that put the query into ERROR, if any. */
  error: Error | null = null;
  /** Rebalances this server took part in, and the last assignment time (for /clusterStatus). */
  rebalances = 0;

  constructor(
    readonly plan: PersistentPhysicalPlan,
    private readonly services: PersistentQueryServices,
    private readonly sinkTopic: TopicSpec,
    private readonly inheritPartitionsFrom: string | undefined,
    private readonly onStoreOpened: (name: string, store: TaskStores | null) => void,
    private readonly settings: ClusterSettings,
  ) {
    this.id = plan.queryId;
    this.group = consumerGroup(services.properties, plan.queryId);
    this.topics = [...new Set(plan.analysis.join ? plan.analysis.join.sources.map((s) => s.source.topic) : [plan.analysis.source.topic])];
  }

  /** This server's member of the query's consumer group (the Kafka client is imported here, when a shared query first runs). */
  private async groupMember(): Promise<KafkaGroupMember> {
    const { KafkaGroupMember } = await import('../../log/kafka/group-member.js');
    const settings = this.settings;
    return new KafkaGroupMember(this.services.log as KafkaLog, {
      groupId: this.group,
      topics: this.topics,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      rebalanceTimeoutMs: Math.max(settings.sessionTimeoutMs, 30_000),
      userData: () => encodeInfo({ endpoint: settings.endpoint, instance: settings.instance, tasks: [...this.tasks.keys()] }),
      assign: (members) => {
        const spread = assignTasks(members.map((m) => ({ memberId: m.memberId, info: decodeInfo(m.userData) })), this.tasksTotal);
        return new Map(
          [...spread].map(([id, a]) => {
            const parts = this.tasksTotal === 1 && a.tasks.length > 0 ? [...Array(this.sourcePartitions).keys()] : a.tasks;
            return [id, { partitions: new Map(this.topics.map((t) => [t, parts])), userData: encodeAssignment(a) }];
          }),
        );
      },
    });
  }

  get state(): 'RUNNING' | 'PAUSED' | 'ERROR' {
    if (this.error) return 'ERROR';
    return this.paused ? 'PAUSED' : 'RUNNING';
  }

  /** Which server runs each task (REST addresses), as of the last assignment. */
  taskOwners(): Record<number, string> {
    return { ...this.owners };
  }

  /** How many tasks the query has (its source partitions, or 1 when it cannot be split). */
  taskCount(): number {
    return this.tasksTotal;
  }

  localTasks(): number[] {
    return [...this.tasks.keys()].sort((a, b) => a - b);
  }

  get endpoint(): string {
    return this.settings.endpoint;
  }

  storeName(): string | undefined {
    return this.plan.materialize ? (this.plan.sink.stateStore ?? this.id) : undefined;
  }

  sourceTopics(): string[] {
    return [...this.topics];
  }

  groupId(): string {
    return this.group;
  }

  topicLog(): TopicLog {
    return this.services.log;
  }

  startLoop(): void {
    if (this.loop || this.stopped) return;
    this.onStoreOpened(this.plan.sink.stateStore ?? this.id, this.plan.materialize ? this.view : null);
    this.loop = this.runUntilStopped();
  }

  /**
   * A query that could not set itself up here (a topic's metadata not yet on every broker, a
   * broker restarting) is in ERROR, says why, and tries again with a growing pause: it must
   * not sit out of its group in silence while the other servers carry its tasks.
   */
  private async runUntilStopped(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        return await this.run();
      } catch (e) {
        this.error = e instanceof Error ? e : new Error(String(e));
        if (this.stopped || this.error instanceof QueryFailure) return;
        const pauseMs = Math.min(1000 * 2 ** attempt, 30_000);
        process.emitWarning(`Query ${this.id} could not start on this server: ${this.error.message}; trying again in ${pauseMs / 1000} s`);
        await sleep(pauseMs);
        if (!this.stopped) this.error = null;
      }
    }
  }

  private async run(): Promise<void> {
    const { log } = this.services;
    const source = await log.describeTopic(this.plan.analysis.source.topic);
    if (!source) throw new Error(`Topic '${this.plan.analysis.source.topic}' of source ${this.plan.analysis.source.name} does not exist`);
    this.sourcePartitions = source.partitions;
    this.tasksTotal = splitsByPartition(this.plan.analysis) ? source.partitions : 1;
    if (this.plan.materialize) {
      this.changelog = changelogTopic(this.group, !!this.plan.analysis.aggregate);
      const replicas = Number(getProperty(this.services.properties, 'ksql.internal.topic.replicas') ?? -1);
      await ensureChangelogTopic(log, this.changelog, source.partitions, Number.isInteger(replicas) && replicas > 0 ? replicas : undefined);
    }
    if (this.plan.analysis.join) {
      this.joinChangelog = joinChangelogTopic(this.group, this.plan.analysis.join.steps.flatMap((s) => s.topology?.stores ?? []));
      const replicas = Number(getProperty(this.services.properties, 'ksql.internal.topic.replicas') ?? -1);
      await ensureChangelogTopic(log, this.joinChangelog, source.partitions, Number.isInteger(replicas) && replicas > 0 ? replicas : undefined);
    }
    const member = (this.member = await this.groupMember());
    while (!this.stopped) {
      let assignment;
      try {
        assignment = await member.join();
      } catch (e) {
        if (this.stopped) return;
        process.emitWarning(`Query ${this.id} could not join its consumer group ${this.group}: ${(e as Error).message}; retrying`);
        await sleep(1000);
        continue;
      }
      if (this.stopped) return;
      this.rebalances++;
      const { tasks, owners } = decodeAssignment(assignment.userData);
      this.owners = owners;
      if (process.env.EDDY_CLUSTER_DEBUG) process.stderr.write(`[cluster] ${this.id} generation ${assignment.generationId}${assignment.leader ? ' (leader)' : ''}: tasks ${tasks.join(',')} owners ${JSON.stringify(owners)}\n`);
      const ready = this.reconcile(tasks, source.partitions);
      void ready.then(
        () => this.firstAssignment(),
        (e: Error) => process.emitWarning(`Query ${this.id} could not start its tasks: ${e.message}`),
      );
      while (!this.stopped) {
        await sleep(this.settings.heartbeatIntervalMs);
        if (this.stopped) return;
        if ((await member.heartbeat().catch(() => 'rejoin' as const)) === 'rejoin') break;
        // A failed task (a lost connection, a broker gone, a fenced producer) starts again
        // from its last commit while it is still this server's.
        // A query that fails on its data (QueryFailure) is in ERROR on every server, as in ksqlDB.
        const failed = [...this.tasks].filter(([, q]) => q.state === 'ERROR');
        for (const [t, q] of failed) {
          if (q.error instanceof QueryFailure) this.error ??= q.error;
          else if (!(q.error instanceof ProducerFencedError)) process.emitWarning(`Query ${this.id} task ${t} failed, restarting it: ${q.error?.message}`);
        }
        if (failed.length > 0 && !this.error) void this.reconcile(tasks, source.partitions).catch(() => undefined);
      }
    }
  }

  /** Stops the tasks this server lost and starts the ones it got. */
  private reconcile(tasks: number[], partitions: number): Promise<void> {
    const next = this.taskOps.then(async () => {
      for (const [t, q] of [...this.tasks]) {
        if (tasks.includes(t) && q.state !== 'ERROR') continue;
        this.tasks.delete(t);
        this.view.set(t, null);
        // A task stuck in a request must not hold the others back: its new owner fences it anyway.
        await Promise.race([q.stop(false).catch(() => undefined), sleep(30_000)]);
      }
      for (const t of tasks) {
        if (this.tasks.has(t) || this.stopped) continue;
        const q = this.startTask(t, this.tasksTotal === 1 ? [...Array(partitions).keys()] : [t]);
        this.tasks.set(t, q);
        if (this.paused) q.pause();
      }
      await Promise.all([...this.tasks.values()].map((q) => q.whenReady().catch(() => undefined)));
    });
    this.taskOps = next.catch(() => undefined);
    return next;
  }

  private taskDir(task: number): string {
    return join(this.services.dataDir, 'tasks', this.id, String(task));
  }

  private startTask(task: number, partitions: number[]): PersistentQuery {
    const dataDir = this.taskDir(task);
    const file = storeFile(dataDir, this.id);
    dropIfCorrupt(file);
    const fresh = !existsSync(file);
    const joinFile = joinStoreFile(dataDir, this.id);
    dropIfCorrupt(joinFile);
    const joinFresh = !existsSync(joinFile);
    const { log } = this.services;
    const transactionalId = `${this.group}-0_${task}`;
    const exactlyOnce = processingGuarantee(this.services.properties) === 'exactly_once_v2';
    let changelog: TaskChangelog | undefined;
    let joinChangelog: TaskChangelog | undefined;
    const topics = this.topics;
    const query = new PersistentQuery(
      this.plan,
      {
        ...this.services,
        dataDir,
        task: {
          partitions,
          committer: {
            partitions,
            transactionalId,
            generation: () => this.member?.current ?? undefined,
            afterStoreCommit: async (produce) => {
              await changelog?.flush(produce);
              await joinChangelog?.flush(produce);
            },
          },
          prepareState: async (store: TableStore | null, join?: JoinState) => {
            const storeLog = store && this.changelog ? new TaskChangelog(log, this.changelog, task, store.database) : undefined;
            const joinLog = join && this.joinChangelog ? new TaskChangelog(log, this.joinChangelog, task, join.database) : undefined;
            if (!storeLog && !joinLog) return;
            storeLog?.install();
            joinLog?.install();
            // Fences the task's previous owner and settles what it left open, so the group's offsets are final.
            if (exactlyOnce) await (await log.beginTransaction(transactionalId)).abort();
            if (storeLog && (fresh || (await this.behind((t) => store!.committedOffsets(t), topics, partitions)))) {
              await storeLog.restore();
              store!.discardPending();
            }
            // Join state (windows of both sides, table sides) moves with the task through its own changelog.
            if (joinLog && (joinFresh || (await this.behind((t) => join!.committedOffsets(t), topics, partitions)))) {
              await joinLog.restore();
              join!.reload();
            }
            changelog = storeLog;
            joinChangelog = joinLog;
          },
        },
      },
      this.sinkTopic,
      this.inheritPartitionsFrom,
      (_name, store) => {
        if (this.tasks.get(task) === query || store === null) this.view.set(task, store);
      },
    );
    query.startLoop();
    return query;
  }

  /** Whether the store's offsets are behind the group's for the task's partitions (another server ran it). */
  private async behind(localOffsets: (topic: string) => Map<number, number>, topics: string[], partitions: number[]): Promise<boolean> {
    for (const topic of topics) {
      const group = await this.services.log.committedOffsets(this.group, topic);
      const local = localOffsets(topic);
      for (const p of partitions) {
        const g = group.get(p);
        if (g === undefined) continue;
        const l = local.get(p);
        if (l === undefined || l < g) return true;
      }
    }
    return false;
  }

  /** Processes what is available on this server's tasks (waits for the first assignment). */
  async drain(): Promise<number> {
    await Promise.race([this.assigned, sleep(30_000)]);
    await this.taskOps;
    let total = 0;
    for (const q of [...this.tasks.values()]) total += await q.drain();
    return total;
  }

  async whenReady(): Promise<void> {
    await Promise.race([this.assigned, sleep(30_000)]);
  }

  storeRef(): TaskStores | null {
    return this.plan.materialize ? this.view : null;
  }

  statistics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const q of this.tasks.values()) for (const [k, v] of Object.entries(q.statistics())) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  pause(): void {
    this.paused = true;
    for (const q of this.tasks.values()) q.pause();
  }

  resume(): void {
    this.paused = false;
    for (const q of this.tasks.values()) q.resume();
  }

  async stop(cleanup: boolean): Promise<void> {
    this.stopped = true;
    await this.member?.leave();
    await this.taskOps;
    for (const q of this.tasks.values()) await q.stop(cleanup).catch(() => undefined);
    this.tasks.clear();
    this.onStoreOpened(this.plan.sink.stateStore ?? this.id, null);
    await this.loop;
    if (cleanup) {
      rmSync(join(this.services.dataDir, 'tasks', this.id), { recursive: true, force: true });
      if (this.changelog) await this.services.log.deleteTopic(this.changelog).catch(() => undefined);
      const joined = this.plan.analysis.join;
      if (joined) await deleteJoinInternalTopics(this.services.log, this.group, joined).catch(() => undefined);
      if (this.joinChangelog) await this.services.log.deleteTopic(this.joinChangelog).catch(() => undefined);
    }
  }
}
