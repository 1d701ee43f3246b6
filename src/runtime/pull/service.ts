// Pull queries for the query service: plans a SELECT without EMIT (or takes the plan of its
// shape from the cache), finds the table's store and its read connection, and runs it. A
// table shared by the servers of one cluster is this server's task stores, read as one; the
// caller's `spread` hook then adds the other servers' part (src/runtime/cluster/pull-fanout.ts).

import type { DataSource } from '../../catalog/model.js';
import { BIGINT } from '../../common/types.js';
import type { QueryStream } from '../../common/query-stream.js';
import type { SelectStatement } from '../../parser/ast.js';
import { planTransientQuery } from '../../planner/query/plan.js';
import { resolveOrderBy } from '../../planner/query/pull-sql.js';
import { checkPullWhere } from '../../planner/query/pull-where.js';
import { getProperty } from '../../config/index.js';
import { roundTrip } from '../../plan/json.js';
import { buildAnalysis } from '../builder.js';
import type { QueryServiceContext } from '../contract.js';
import { TableStore } from '../table-store.js';
import { checkPullQuery, type TransientServices } from '../transient.js';
import { PullPlanCache } from './cache.js';
import { notQueryable, pullPlan, runStreamPull, runTablePull, type PullPlan } from './run.js';
import { TableReader, UnionReader, type StoredRows } from './table-reader.js';

/** The stores of the tasks this server runs of a table shared with other servers. */
export interface TaskStoreSet {
  taskStores(): TableStore[];
}

export type PullServices = Omit<TransientServices, 'getStore'> & {
  getStore(name: string, source: DataSource): TableStore | TaskStoreSet | undefined;
  /**
   * For a table whose tasks other servers run too: the whole answer, made of `local` (this
   * server's part) and theirs; undefined when this server holds the whole table. Throws for
   * a shape that can't be answered that way.
   */
  spread?(plan: PullPlan, sql: string, local: () => QueryStream): QueryStream | undefined;
};

export class PullQueries {
  private readonly cache = new PullPlanCache();
  private readonly readers = new WeakMap<TableStore, TableReader>();

  /** Plans and runs a pull query; remembers its plan for its shape when it can. */
  run(statement: SelectStatement, ctx: QueryServiceContext, s: PullServices, overrides: Record<string, unknown>): QueryStream {
    checkPullQuery(statement.query, statement.text, ctx.properties);
    const analysis = buildAnalysis(roundTrip(planTransientQuery(statement.query, ctx, 'pull')), {
      functions: ctx.functions,
      resolveType: (n) => ctx.catalog.getType(n),
    });
    if (analysis.source.sourceType === 'TABLE') {
      const on = (name: string): boolean => String(getProperty(ctx.properties, name) ?? true).toLowerCase() !== 'false';
      checkPullWhere(statement.query.where, analysis.layout, { tableScans: on('ksql.query.pull.table.scan.enabled'), rangeScans: on('ksql.query.pull.range.scan.enabled') });
    }
    const order = resolveOrderBy(statement.query, analysis.selected);
    const plan = pullPlan(analysis, order, statement.query.offset ?? 0, statement.query.select.some((i) => i.kind === 'AllColumns'));
    if (analysis.source.sourceType !== 'TABLE') return runStreamPull(plan, { ...s, getStore: () => undefined });
    const local = () => runTablePull(plan, this.readerFor(plan, s), s);
    const spread = s.spread?.(plan, statement.text, local);
    if (spread) return spread;
    const stream = local();
    const catalogSource = ctx.catalog.getSource(analysis.source.name);
    if (catalogSource) this.cache.remember(statement.text, statement.loc.offset, plan, catalogSource, overrides);
    return stream;
  }

  /**
   * A request whose shape has a cached plan, answered without parsing or planning; undefined
   * when there is none or the catalog changed since (the caller then parses and plans).
   */
  runCached(sql: string, ctx: () => QueryServiceContext, s: () => PullServices, overrides: Record<string, unknown>): QueryStream | undefined {
    const hit = this.cache.lookup(sql.trim(), overrides);
    if (!hit) return undefined;
    const context = ctx();
    const plan = hit.entry.plan;
    if (context.catalog.getSource(plan.analysis.source.name) !== hit.entry.source) {
      this.cache.clear();
      return undefined;
    }
    const services = s();
    let reader: StoredRows;
    try {
      reader = this.readerFor(plan, services);
    } catch {
      return undefined; // the planned path gives the error with the statement's position
    }
    return runTablePull(plan, reader, services, hit.points);
  }

  private readerFor(plan: PullPlan, s: PullServices): StoredRows {
    const source = plan.analysis.source;
    const store = source.stateStore ? s.getStore(source.stateStore, source) : undefined;
    if (!store) throw notQueryable(source.name);
    if (store instanceof TableStore) return this.readerOf(store, plan);
    return new UnionReader(store.taskStores().map((t) => this.readerOf(t, plan)));
  }

  private readerOf(store: TableStore, plan: PullPlan): TableReader {
    if (!store.database.open) throw notQueryable(plan.analysis.source.name);
    let reader = this.readers.get(store);
    if (!reader || !reader.open) {
      const source = plan.analysis.source;
      const keyTypes = source.schema.key.map((c) => c.type);
      reader = new TableReader(store.file, source.keyFormat.window ? [...keyTypes, BIGINT, BIGINT] : keyTypes, source.schema.value.map((c) => c.type));
      this.readers.set(store, reader);
    }
    return reader;
  }
}
