// The query service: plans SELECTs against the catalog and runs persistent, push and pull
// queries over the TopicLog (see ./contract.ts for the boundary with the engine).

import { existsSync } from 'node:fs';
import type { CreateAsSelect, InsertInto, SelectStatement } from '../parser/ast.js';
import type { QueryStream } from '../common/query-stream.js';
import type { DataSource } from '../catalog/model.js';
import { ProcessingLogWriter, processingLogTopic, type ProcessingLogEntry } from './processing-log.js';
import type { TopicLog } from '../log/topic-log.js';
import { EmbeddedLog } from '../log/embedded/index.js';
import { planPersistentQuery, planSourceTableQuery, planTransientQuery, explainPlan, type PersistentPhysicalPlan } from '../planner/query/plan.js';
import { QueryPlanningError } from '../planner/query/errors.js';
import { ProcessingGuaranteeError, processingGuarantee } from './exactly-once.js';
import type { PersistentQueryPlan, QueryService, QueryServiceContext, RunningQuery } from './contract.js';
import { PersistentQuery, storeFile } from './persistent-query.js';
import type { ProcessingLogSink } from './pipeline.js';
import { TableStore } from './table-store.js';
import { checkPullQuery, runPullQuery, runPushQuery, type TransientServices } from './transient.js';

export type { QueryService, QueryServiceContext, PersistentQueryPlan, RunningQuery } from './contract.js';
export { QueryPlanningError } from '../planner/query/errors.js';
export { stringifyExact, renderValue, renderRow } from './json-render.js';

/** Partition count without I/O: the embedded log knows it in memory. */
function knownPartitions(log: TopicLog, topic: string): number | undefined {
  return log instanceof EmbeddedLog ? log.topics.get(topic)?.partitions.length : log.partitionCount?.(topic);
}

interface PlannedInternals {
  physical: PersistentPhysicalPlan;
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
  private readonly planned = new Map<string, PlannedInternals>();
  private readonly running = new Map<string, PersistentQuery>();
  private readonly stores = new Map<string, TableStore>();
  private readonly transients = new Set<QueryStream>();
  private readonly processingLogs = new ProcessingLogs();

  planPersistent(statement: CreateAsSelect | InsertInto, queryId: string, ctx: QueryServiceContext): PersistentQueryPlan {
    if (statement.query.limit !== undefined) {
      const what = statement.kind === 'InsertInto' ? 'INSERT INTO' : `CREATE ${statement.sourceType} AS SELECT`;
      throw new QueryPlanningError(`${what} statements don't support LIMIT clause.`);
    }
    try {
      processingGuarantee(ctx.properties);
    } catch (e) {
      if (e instanceof ProcessingGuaranteeError) throw new QueryPlanningError(e.message);
      throw e;
    }
    const { physical, sinkTopic, inheritPartitionsFrom } = planPersistentQuery(statement, queryId, {
      ...ctx,
      partitionsOf: (topic) => knownPartitions(ctx.log, topic),
    });
    this.planned.set(queryId, { physical });
    const plan: PersistentQueryPlan & { physical: PersistentPhysicalPlan } = {
      queryId,
      sink: physical.sink,
      sinkTopic,
      sources: physical.analysis.join ? physical.analysis.join.sources.map((s) => s.source.name) : [physical.analysis.source.name],
      explain: physical.explain,
      ...(inheritPartitionsFrom ? { inheritPartitionsFrom } : {}),
      physical,
    };
    return plan;
  }

  planSourceTable(source: DataSource, queryId: string, ctx: QueryServiceContext): PersistentQueryPlan {
    const physical = planSourceTableQuery(source, queryId, ctx);
    this.planned.set(queryId, { physical });
    const plan: PersistentQueryPlan & { physical: PersistentPhysicalPlan } = {
      queryId,
      sink: physical.sink,
      sinkTopic: { partitions: knownPartitions(ctx.log, source.topic) ?? 1 },
      sources: [source.name],
      explain: physical.explain,
      physical,
    };
    return plan;
  }

  start(plan: PersistentQueryPlan, ctx: QueryServiceContext): RunningQuery {
    const physical = (plan as { physical?: PersistentPhysicalPlan }).physical ?? this.planned.get(plan.queryId)?.physical;
    if (!physical) throw new Error(`Query ${plan.queryId} was not planned by this query service`);
    const existing = this.running.get(plan.queryId);
    if (existing) return existing;
    const query = new PersistentQuery(
      physical,
      {
        log: ctx.log,
        functions: ctx.functions,
        dataDir: ctx.dataDir,
        properties: ctx.properties,
        processingLog: this.processingLogs.sinkFor(ctx),
      },
      plan.sinkTopic,
      plan.inheritPartitionsFrom,
      (name, store) => {
        if (store) this.stores.set(name, store);
        else if (this.stores.get(name) === query.storeRef()) this.stores.delete(name);
      },
    );
    this.running.set(plan.queryId, query);
    const stop = query.stop.bind(query);
    query.stop = async (cleanup: boolean) => {
      await stop(cleanup);
      this.running.delete(plan.queryId);
    };
    query.startLoop();
    return query;
  }

  async runTransient(statement: SelectStatement, ctx: QueryServiceContext): Promise<QueryStream> {
    const isPush = statement.query.emit !== undefined;
    if (!isPush) checkPullQuery(statement.query, ctx.properties);
    const analysis = planTransientQuery(statement.query, ctx, isPush ? 'push' : 'pull');
    const services: TransientServices = {
      log: ctx.log,
      functions: ctx.functions,
      properties: ctx.properties,
      processingLog: this.processingLogs.sinkFor(ctx),
      getStore: (name) => this.storeFor(name, ctx, analysis.source.schema),
    };
    const stream = isPush ? runPushQuery(analysis, services) : runPullQuery(analysis, services);
    this.transients.add(stream);
    void stream.finalMessage.then(() => this.transients.delete(stream));
    return stream;
  }

  private storeFor(name: string, ctx: QueryServiceContext, schema: import('../common/types.js').LogicalSchema): TableStore | undefined {
    const live = this.stores.get(name);
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
    if (!isPush) checkPullQuery(statement.query, ctx.properties);
    const analysis = planTransientQuery(statement.query, ctx, isPush ? 'push' : 'pull');
    return explainPlan(analysis, 'transient');
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

  async close(): Promise<void> {
    for (const t of this.transients) t.close();
    for (const q of [...this.running.values()]) await q.stop(false);
    for (const s of this.stores.values()) s.close();
    this.stores.clear();
    await this.processingLogs.flush();
  }
}

export function createQueryService(): QueryService {
  return new EddyQueryService();
}
