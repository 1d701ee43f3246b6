// The boundary between the engine (statements, catalog, command log) and the query
// service (planning SELECTs against the catalog, and running persistent, push and pull
// queries). The engine owns the catalog and decides when queries start and stop; the
// query service owns plans, tasks, state stores and the processing log writes.

import type { CreateAsSelect, InsertInto, SelectStatement } from '../parser/ast.js';
import type { CatalogView, DataSource } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog, TopicSpec } from '../log/topic-log.js';
import type { QueryStream } from '../common/query-stream.js';
import type { QueryPlan } from '../plan/steps.js';
import type { CatchUp } from './catch-up.js';

export interface QueryServiceContext {
  catalog: CatalogView;
  log: TopicLog;
  functions: FunctionRegistry;
  /** Directory for SQLite state stores of this server. */
  dataDir: string;
  /** Server config merged with the statement's overrides (ksql.*, auto.offset.reset, ...). */
  properties: Record<string, unknown>;
}

/** A persistent query planned but not started. Errors are thrown by planPersistent with ksqlDB's messages. */
export interface PersistentQueryPlan {
  queryId: string;
  /** CSAS/CTAS: the source to register. INSERT INTO: the existing target. */
  sink: DataSource;
  /** How to create the sink topic when it does not exist. */
  sinkTopic: TopicSpec;
  /** Names of the sources it reads. */
  sources: string[];
  /** The execution plan, rendered from `plan` (EXPLAIN, DESCRIBE … EXTENDED). */
  explain: string;
  /** Tasks, state stores and internal topics, rendered from `plan`. */
  topology: string;
  /** The step tree: what start() runs, and what the command log stores. */
  plan: QueryPlan;
  /**
   * Set when no PARTITIONS was given: the sink topic takes the partition count of this
   * topic (the leftmost source's). `sinkTopic.partitions` is then only a placeholder;
   * start() creates a missing sink topic with the inherited count, so the engine may
   * leave sink topic creation to start().
   */
  inheritPartitionsFrom?: string;
}

/**
 * What the command log stores beside a persistent query's statement: enough to start the
 * query again without planning (ksqlDB's `Command.plan`).
 */
export interface StoredQueryPlan {
  /** PLAN_VERSION of `steps`; a server refuses versions it cannot run. */
  version: number;
  steps: QueryPlan;
  sinkTopic: TopicSpec;
  inheritPartitionsFrom?: string;
}

export interface RunningQuery {
  readonly id: string;
  readonly state: 'RUNNING' | 'PAUSED' | 'ERROR';
  /** What put the query into ERROR, if it is. */
  readonly error?: Error | null;
  pause(): void;
  resume(): void;
  /** Stops processing; with `cleanup` also drops its state stores and internal topics. */
  stop(cleanup: boolean): Promise<void>;
  /** Counters of this run (e.g. records a join could not use), shown by DESCRIBE EXTENDED. */
  statistics?(): Record<string, number>;
  /** How far the query is behind the end of its sources (records left, recent rate). */
  catchUp?(): Promise<CatchUp>;
}

export interface QueryService {
  planPersistent(statement: CreateAsSelect | InsertInto, queryId: string, ctx: QueryServiceContext): PersistentQueryPlan;
  /**
   * CREATE SOURCE TABLE: plans the hidden query (id CST_<NAME>_<n>) that materializes the
   * table so it can be pull-queried. The returned plan's `sink` is the source with
   * `stateStore` set: register that in the catalog, then start() the plan like any other.
   * Optional so that other implementations of this contract stay valid.
   */
  planSourceTable?(source: DataSource, queryId: string, ctx: QueryServiceContext): PersistentQueryPlan;
  /** The stored form of a planned query, for the command log. */
  storePersistent(plan: PersistentQueryPlan): StoredQueryPlan;
  /** A planned query from its stored form, without planning again (a restart, another server). */
  restorePersistent(stored: StoredQueryPlan): PersistentQueryPlan;
  /** Starts (or, after a restart, resumes from committed offsets) a planned query. */
  start(plan: PersistentQueryPlan, ctx: QueryServiceContext): RunningQuery;
  /** Runs a push or pull SELECT. `overrides`: the request's own properties (they key cached pull plans). */
  runTransient(statement: SelectStatement, ctx: QueryServiceContext, overrides?: Record<string, unknown>): Promise<QueryStream>;
  /**
   * A pull query answered from the plan cached for its statement shape, without parsing;
   * undefined when there is none (then parse and call runTransient). Optional.
   */
  runCachedPull?(sql: string, ctx: () => QueryServiceContext, overrides: Record<string, unknown>): QueryStream | undefined;
  /** EXPLAIN of a SELECT without running it. */
  explainSelect(statement: SelectStatement, ctx: QueryServiceContext): string;
  /**
   * Processes every record currently available to every running persistent query, including
   * records their outputs make available to others, and resolves when nothing is left.
   * Used by tests and the conformance runner to wait deterministically.
   */
  drain(): Promise<void>;
  /** `/clusterStatus`: the servers sharing this one's queries and their tasks (src/runtime/cluster). */
  clusterStatus?(self: string): Promise<unknown>;
  close(): Promise<void>;
}
