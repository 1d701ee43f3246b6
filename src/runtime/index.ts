// The query service: plans SELECTs against the catalog and runs persistent, push and pull
// queries over the TopicLog (see ./contract.ts for the boundary with the engine).

import { pullQueryDuration, transientQueries } from './query-metrics.js';
import { existsSync } from 'node:fs';
import type { CreateAsSelect, InsertInto, SelectStatement } from '../parser/ast.js';
import type { QueryStream } from '../common/query-stream.js';
import type { DataSource } from '../catalog/model.js';
import { ProcessingLogWriter, processingLogTopic, type ProcessingLogEntry } from './processing-log.js';
import type { TopicLog } from '../log/topic-log.js';
import { EmbeddedLog } from '../log/embedded/index.js';
import { planPersistentQuery, planSourceTableQuery, planTransientQuery } from '../planner/query/plan.js';
import type { QueryPlan } from '../plan/steps.js';
import { checkPlanVersion, roundTrip } from '../plan/json.js';
import { explainSteps, explainTopology } from '../plan/explain.js';
import { buildAnalysis, buildPersistent, planSources } from './builder.js';
import { QueryPlanningError } from '../planner/query/errors.js';
import { ProcessingGuaranteeError, processingGuarantee } from './exactly-once.js';
import type { PersistentQueryPlan, QueryService, QueryServiceContext, RunningQuery, StoredQueryPlan } from './contract.js';
import { PersistentQuery, storeFile } from './persistent-query.js';
import type { ProcessingLogSink } from './pipeline.js';
import { TableStore } from './table-store.js';
import { checkPullQuery, runPushQuery, type TransientServices } from './transient.js';
import { PullQueries, type PullServices } from './pull/service.js';
import type { PullPlan } from './pull/run.js';
import { refuseQueryExtensions } from '../planner/query/pull-sql.js';
import { isKafkaLog } from '../log/kafka/is-kafka-log.js';
import { ClusteredQuery, clusterSettings } from './cluster/clustered-query.js';
import { TaskStores } from './cluster/task-stores.js';
import { fanOutPull, forwardedTasks, refuseSpreadShape } from './cluster/pull-fanout.js';
import { clusterStatus } from './cluster/cluster-status.js';
import type { SqlType } from '../common/types.js';
import { QueryThreadsError, queryThreads, startInWorkers } from './threads/hosting.js';
import type { ThreadedQuery } from './threads/threaded-query.js';

/** A running persistent query: in the main thread, or in worker threads (threads/hosting.ts), or as this server's share of a clustered query (cluster/). */
type HostedQuery = PersistentQuery | ThreadedQuery | ClusteredQuery;

export type { QueryService, QueryServiceContext, PersistentQueryPlan, RunningQuery, StoredQueryPlan } from './contract.js';
export { QueryPlanningError } from '../planner/query/errors.js';
export { stringifyExact, renderValue, renderRow } from './json-render.js';

/** Partition count without I/O: the embedded log knows it in memory. */
function knownPartitions(log: TopicLog, topic: string): number | undefined {
  return log instanceof EmbeddedLog ? log.topics.get(topic)?.partitions.length : log.partitionCount?.(topic);
}

class ProcessingLogs {
  private readonly writers = new Map<string, { log: TopicLog; writer: ProcessingLogWriter }>();

  sinkFor(ctx: QueryServiceContext): ProcessingLogSink {
    const topic = processingLogTopic(ctx.properties);
    let entry = this.writers.get(topic);
    if (!entry || entry.log !== ctx.log) {
      entry = { log: ctx.log, writer: new ProcessingLogWriter(ctx.log, topic) };
      this.writers.set(topic, entry);
    }
    const writer = entry.writer;
    return { write: (e: ProcessingLogEntry) => writer.write(e) };
  }

  async flush(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.writer.flush()));
  }
}

class EddyQueryService implements QueryService {
  private readonly running = new Map<string, HostedQuery>();
  private readonly stores = new Map<string, TableStore | TaskStores>();
  private readonly transients = new Set<QueryStream>();
  private readonly processingLogs = new ProcessingLogs();
  private readonly pull = new PullQueries();

  planPersistent(statement: CreateAsSelect | InsertInto, queryId: string, ctx: QueryServiceContext): PersistentQueryPlan {
    refuseQueryExtensions(statement.query, statement.text);
    if (statement.query.limit !== undefined) {
      const what = statement.kind === 'InsertInto' ? 'INSERT INTO' : `CREATE ${statement.sourceType} AS SELECT`;
      throw new QueryPlanningError(`${what} statements don't support LIMIT clause.`);
    }
    try {
      processingGuarantee(ctx.properties);
      queryThreads(ctx.properties);
    } catch (e) {
      if (e instanceof ProcessingGuaranteeError || e instanceof QueryThreadsError) throw new QueryPlanningError(e.message);
      throw e;
    }
    const planned = planPersistentQuery(statement, queryId, {
      ...ctx,
      partitionsOf: (topic) => knownPartitions(ctx.log, topic),
    });
    return persistentQueryPlan(planned.plan, planned.sinkTopic, planned.inheritPartitionsFrom);
  }

  planSourceTable(source: DataSource, queryId: string, ctx: QueryServiceContext): PersistentQueryPlan {
    const plan = planSourceTableQuery(source, queryId, ctx);
    return persistentQueryPlan(plan, { partitions: knownPartitions(ctx.log, source.topic) ?? 1 });
  }

  storePersistent(plan: PersistentQueryPlan): StoredQueryPlan {
    return {
      version: plan.plan.version,
      steps: plan.plan,
      sinkTopic: plan.sinkTopic,
      ...(plan.inheritPartitionsFrom ? { inheritPartitionsFrom: plan.inheritPartitionsFrom } : {}),
    };
  }

  restorePersistent(stored: StoredQueryPlan): PersistentQueryPlan {
    checkPlanVersion({ version: stored.version, queryId: stored.steps?.queryId });
    checkPlanVersion(stored.steps);
    return persistentQueryPlan(stored.steps, stored.sinkTopic, stored.inheritPartitionsFrom);
  }

  start(plan: PersistentQueryPlan, ctx: QueryServiceContext): RunningQuery {
    const types: Record<string, SqlType> = {};
    const resolveType = (n: string) => {
      const t = ctx.catalog.getType(n);
      if (t) types[n] = t;
      return t;
    };
    const physical = buildPersistent(plan.plan, { functions: ctx.functions, resolveType });
    const existing = this.running.get(plan.queryId);
    if (existing) return existing;
    const services = {
      log: ctx.log,
      functions: ctx.functions,
      dataDir: ctx.dataDir,
      properties: ctx.properties,
      processingLog: this.processingLogs.sinkFor(ctx),
    };
    const onStoreOpened = (name: string, store: TableStore | TaskStores | null) => {
      if (store) this.stores.set(name, store);
      else if (this.stores.get(name) === query.storeRef()) this.stores.delete(name);
    };
    // Servers sharing a service id on one Kafka cluster split the query's tasks (src/runtime/cluster).
    const cluster = isKafkaLog(ctx.log) ? clusterSettings(ctx.properties, ctx.dataDir) : undefined;
    const query: HostedQuery = cluster
      ? new ClusteredQuery(physical, services, plan.sinkTopic, plan.inheritPartitionsFrom, onStoreOpened, cluster)
      : startInWorkers(plan, physical, types, ctx, services.processingLog) ??
        new PersistentQuery(physical, services, plan.sinkTopic, plan.inheritPartitionsFrom, onStoreOpened);
    this.running.set(plan.queryId, query);
    const stop = query.stop.bind(query);
    query.stop = async (cleanup: boolean) => {
      await stop(cleanup);
      this.running.delete(plan.queryId);
    };
    query.startLoop();
    return query;
  }

  async runTransient(statement: SelectStatement, ctx: QueryServiceContext, overrides: Record<string, unknown> = {}): Promise<QueryStream> {
    const isPush = statement.query.emit !== undefined;
    const started = performance.now();
    if (!isPush) return this.track(this.pull.run(statement, ctx, this.pullServices(ctx), overrides), started);
    refuseQueryExtensions(statement.query, statement.text);
    const analysis = buildAnalysis(roundTrip(planTransientQuery(statement.query, ctx, isPush ? 'push' : 'pull')), {
      functions: ctx.functions,
      resolveType: (n) => ctx.catalog.getType(n),
    });
    const services: TransientServices = {
      log: ctx.log,
      functions: ctx.functions,
      properties: ctx.properties,
      processingLog: this.processingLogs.sinkFor(ctx),
      getStore: (name) => this.storeFor(name, ctx, analysis.source.schema),
    };
    return this.track(runPushQuery(analysis, services));
  }

  runCachedPull(sql: string, ctx: () => QueryServiceContext, overrides: Record<string, unknown>): QueryStream | undefined {
    // A shared table's answer depends on which tasks this server runs now: no fast path.
    if (this.hasSharedQueries()) return undefined;
    const started = performance.now();
    const stream = this.pull.runCached(sql, ctx, () => this.pullServices(ctx()), overrides);
    return stream && this.track(stream, started);
  }

  private pullServices(ctx: QueryServiceContext): PullServices {
    const forwarded = forwardedTasks(ctx.properties);
    return {
      log: ctx.log,
      functions: ctx.functions,
      properties: ctx.properties,
      processingLog: this.processingLogs.sinkFor(ctx),
      getStore: (name, source) => this.storeFor(name, ctx, source.schema, forwarded),
      spread: forwarded ? undefined : (plan, sql, local) => this.spreadPull(plan, sql, local),
    };
  }

  /** A pull on a table whose tasks run on other servers too: their rows join this server's. */
  private spreadPull(plan: PullPlan, sql: string, local: () => QueryStream): QueryStream | undefined {
    const shared = this.sharedQueryOf(plan.analysis.source.stateStore);
    if (!shared) return undefined;
    const mine = new Set(shared.localTasks());
    let spread = false;
    for (let t = 0; t < shared.taskCount(); t++) if (!mine.has(t)) spread = true;
    if (!spread) return undefined;
    refuseSpreadShape(plan, shared.taskCount() - mine.size);
    return fanOutPull(local(), shared, sql, {}, plan.limit);
  }

  private hasSharedQueries(): boolean {
    for (const q of this.running.values()) if (q instanceof ClusteredQuery) return true;
    return false;
  }

  private track(stream: QueryStream, started = performance.now()): QueryStream {
    const pull = stream.kind !== 'push';
    transientQueries.inc({ kind: pull ? 'pull' : 'push' });
    const observe = () => pullQueryDuration.observe((performance.now() - started) / 1000);
    if (stream.omitFinalMessage) {
      if (pull) observe();
      return stream; // answered at once: nothing to close later
    }
    if (pull) void stream.finalMessage.then(observe);
    this.transients.add(stream);
    void stream.finalMessage.then(() => this.transients.delete(stream));
    return stream;
  }

  /** The running query shared with other servers that materializes a store, if any. */
  private sharedQueryOf(store: string | undefined): ClusteredQuery | undefined {
    if (!store) return undefined;
    for (const q of this.running.values()) if (q instanceof ClusteredQuery && (q.plan.sink.stateStore ?? q.id) === store) return q;
    return undefined;
  }

  private storeFor(name: string, ctx: QueryServiceContext, schema: import('../common/types.js').LogicalSchema, tasks?: number[]): TableStore | TaskStores | undefined {
    const live = this.stores.get(name);
    if (live && tasks) {
      if (!(live instanceof TaskStores)) throw new Error(`Table store ${name} is not shared by the servers of this cluster here: a forwarded pull query cannot be answered`);
      return live.only(tasks);
    }
    if (live) return live;
    const file = storeFile(ctx.dataDir, name);
    if (!existsSync(file)) return undefined;
    const store = new TableStore(
      file,
      schema.key.map((c) => c.type),
      schema.value.map((c) => c.type),
    );
    this.stores.set(name, store);
    return store;
  }

  explainSelect(statement: SelectStatement, ctx: QueryServiceContext): string {
    const isPush = statement.query.emit !== undefined;
    if (!isPush) checkPullQuery(statement.query, statement.text, ctx.properties);
    else refuseQueryExtensions(statement.query, statement.text);
    const plan = planTransientQuery(statement.query, ctx, isPush ? 'push' : 'pull');
    return `Execution plan:\n${explainSteps(plan)}`;
  }

  async drain(): Promise<void> {
    for (;;) {
      let progressed = false;
      for (const q of [...this.running.values()]) {
        if (q.state !== 'RUNNING') continue;
        if ((await q.drain()) > 0) progressed = true;
      }
      if (!progressed) break;
    }
    await this.processingLogs.flush();
  }

  async clusterStatus(self: string): Promise<unknown> {
    const shared = [...this.running.values()].filter((q): q is ClusteredQuery => q instanceof ClusteredQuery);
    return clusterStatus(shared, shared[0]?.endpoint || self);
  }

  async close(): Promise<void> {
    for (const t of this.transients) t.close();
    for (const q of [...this.running.values()]) await q.stop(false);
    for (const s of this.stores.values()) s.close();
    this.stores.clear();
    await this.processingLogs.flush();
  }
}

/**
 * The contract's view of a planned persistent query. The step tree goes through its JSON
 * form here, so what runs is exactly what the command log stores and a restart reads back.
 */
export function persistentQueryPlan(tree: QueryPlan, sinkTopic: PersistentQueryPlan['sinkTopic'], inheritPartitionsFrom?: string): PersistentQueryPlan {
  const plan = roundTrip(tree);
  const root = plan.root;
  if (root.kind === 'Project') throw new Error(`Plan of ${plan.queryId} has no sink: it is not a persistent query`);
  return {
    queryId: plan.queryId,
    sink: root.sink,
    sinkTopic,
    sources: planSources(plan),
    explain: explainSteps(plan),
    topology: explainTopology(plan),
    plan,
    ...(inheritPartitionsFrom ? { inheritPartitionsFrom } : {}),
  };
}

export function createQueryService(): QueryService {
  return new EddyQueryService();
}
