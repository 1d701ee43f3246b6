// The engine's registry of queries: the plans of persistent queries and the overrides they
// were created with, their running handles, and the push queries streaming to clients.
// During replay of the command topic queries are registered but start only once it is read.

import type { Catalog } from '../catalog/catalog.js';
import type { PersistentQueryInfo } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog } from '../log/topic-log.js';
import type { PersistentQueryPlan, QueryService, QueryServiceContext, RunningQuery } from '../runtime/contract.js';
import type { QueryStream } from '../common/query-stream.js';
import { mergeProperties } from '../config/index.js';
import { QueryUpgrades } from './upgrades.js';

export interface QueryServices {
  catalog: Catalog;
  log: TopicLog;
  functions: FunctionRegistry;
  dataDir: string;
  config: Record<string, unknown>;
}

export class QueryRegistry {
  private readonly running = new Map<string, RunningQuery>();
  private readonly plans = new Map<string, PersistentQueryPlan>();
  private readonly overrides = new Map<string, Record<string, unknown>>();
  private readonly transient = new Map<string, QueryStream>();
  /** True while the command topic is replayed: starts wait for startRegistered(). */
  replaying = false;
  /** Each persistent query's sink and steps, for CREATE OR REPLACE checks and plan diffs. */
  readonly upgrades: QueryUpgrades;

  constructor(
    readonly service: QueryService,
    private readonly services: QueryServices,
  ) {
    this.upgrades = new QueryUpgrades();
  }

  /** What the query service needs to plan or run with these request overrides. */
  context(overrides: Record<string, unknown>): QueryServiceContext {
    const { catalog, log, functions, dataDir, config } = this.services;
    return { catalog, log, functions, dataDir, properties: mergeProperties(config, overrides) };
  }

  /** Records a planned persistent query in the catalog and here. */
  register(plan: PersistentQueryPlan, sqlText: string, overrides: Record<string, unknown>): void {
    this.plans.set(plan.queryId, plan);
    this.services.catalog.putQuery({
      id: plan.queryId,
      sqlText,
      sources: plan.sources,
      sink: plan.sink.name,
      sinkTopic: plan.sink.topic,
      state: 'RUNNING',
    });
    this.overrides.set(plan.queryId, { ...overrides });
  }

  /** Starts a planned query now, or (during replay) once the whole command topic is read. */
  start(plan: PersistentQueryPlan, overrides: Record<string, unknown>): void {
    if (this.replaying) return;
    this.running.set(plan.queryId, this.service.start(plan, this.context(overrides)));
  }

  /** After replay: starts every registered query that is not running, paused ones paused. */
  startRegistered(): void {
    for (const plan of this.plans.values()) {
      const info = this.services.catalog.getQuery(plan.queryId);
      if (!info || this.running.has(plan.queryId)) continue;
      try {
        const q = this.service.start(plan, this.context(this.overridesOf(plan.queryId)));
        this.running.set(plan.queryId, q);
        if (info.state === 'PAUSED') q.pause();
      } catch (e) {
        info.state = 'ERROR';
        process.emitWarning(`Could not restart query ${plan.queryId}: ${(e as Error).message}`);
      }
    }
  }

  /** Stops a persistent query and forgets it; with `cleanup` its state and internal topics go too. */
  async stop(id: string, cleanup: boolean): Promise<void> {
    const q = this.running.get(id);
    this.running.delete(id);
    this.plans.delete(id);
    this.upgrades.forget(id);
    this.overrides.delete(id);
    this.services.catalog.removeQuery(id);
    if (q) await q.stop(cleanup);
  }

  pause(id: string): void {
    this.running.get(id)?.pause();
  }

  resume(id: string): void {
    this.running.get(id)?.resume();
  }

  /** Running-state handle of a persistent query. */
  handle(id: string): RunningQuery | undefined {
    return this.running.get(id);
  }

  plan(id: string): PersistentQueryPlan | undefined {
    return this.plans.get(id);
  }

  /** The request overrides a persistent query was created with. */
  overridesOf(id: string): Record<string, unknown> {
    return this.overrides.get(id) ?? {};
  }

  /** A query's catalog entry with the state its running handle reports. */
  live(q: PersistentQueryInfo): PersistentQueryInfo {
    const r = this.running.get(q.id);
    return r ? { ...q, state: r.state } : q;
  }

  /** What stopped a query in ERROR, as ksqlDB's QueryError entries (none while it runs). */
  errorsOf(id: string): { type: 'USER'; errorMessage: string }[] {
    const error = this.running.get(id)?.error;
    return error ? [{ type: 'USER', errorMessage: error.message }] : [];
  }

  /** Ids of the persistent queries that are running now. */
  runningIds(): string[] {
    return [...this.running].filter(([, q]) => q.state === 'RUNNING').map(([id]) => id);
  }

  /** Tracks a push query until it ends. */
  addPush(stream: QueryStream): void {
    this.transient.set(stream.header.queryId, stream);
    void stream.finalMessage.finally(() => this.transient.delete(stream.header.queryId));
  }

  hasPush(id: string): boolean {
    return this.transient.has(id);
  }

  pushQueries(): QueryStream[] {
    return [...this.transient.values()];
  }

  closePush(id: string): boolean {
    const q = this.transient.get(id);
    if (!q) return false;
    q.close();
    this.transient.delete(id);
    return true;
  }

  /** Closes every push query and stops every persistent one (keeping their state). */
  async closeAll(): Promise<void> {
    for (const q of this.transient.values()) q.close();
    this.transient.clear();
    for (const q of this.running.values()) await q.stop(false).catch(() => undefined);
    this.running.clear();
  }
}
