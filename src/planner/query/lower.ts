// The analysis of a query, turned into the step tree of src/plan/steps.ts: every compiled
// expression becomes its AST plus the scope it was compiled against, every resolved
// function its name and argument shapes, and the tree gets one step per clause with its
// output schema and the state it owns. Nothing compiled crosses into the tree.

import type { DataSource } from '../../catalog/model.js';
import type { Column, SqlType } from '../../common/types.js';
import type { AstType, Expression } from '../../parser/ast.js';
import {
  PLAN_VERSION,
  type AggregateStep as AggregatePlanStep,
  type JoinStep,
  type JoinStepKind,
  type PlanExpr,
  type PlanLayout,
  type PlanScope,
  type PlanScopeColumn,
  type ProjectStep,
  type QueryPlan,
  type SinkStep,
  type SourceStep,
  type Step,
  type StepSchema,
} from '../../plan/steps.js';
import type { AnalyzedQuery } from './analyze.js';
import type { CompiledExpression } from './compile.js';
import type { JoinKind } from './join.js';
import type { RowScope, ScopeColumn, SourceLayout } from './layout.js';

export interface SinkSpec {
  sink: DataSource;
  sinkTimestamp?: { index: number; format?: string };
  materialize: boolean;
  produce: boolean;
}

const JOIN_KINDS: Record<JoinKind, JoinStepKind> = {
  STREAM_STREAM: 'StreamStreamJoin',
  STREAM_TABLE: 'StreamTableJoin',
  TABLE_TABLE: 'TableTableJoin',
  FOREIGN_KEY: 'ForeignKeyJoin',
};

/** The AST form of a type (CREATE TYPE names in a stored plan are replaced by what they stood for). */
function astType(t: SqlType): AstType {
  switch (t.base) {
    case 'DECIMAL':
      return { kind: 'Decimal', precision: t.precision, scale: t.scale };
    case 'ARRAY':
      return { kind: 'Array', item: astType(t.item) };
    case 'MAP':
      return { kind: 'Map', key: astType(t.key), value: astType(t.value) };
    case 'STRUCT':
      return { kind: 'Struct', fields: t.fields.map((f) => ({ name: f.name, type: astType(f.type) })) };
    default:
      return { kind: 'Primitive', name: t.base };
  }
}

/** Replaces `CAST(x AS <type name>)` types by their definition, so the plan needs no catalog to run. */
function withTypesResolved(e: Expression, resolveType: (name: string) => SqlType | undefined): Expression {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (o.kind === 'Cast' && (o.type as AstType | undefined)?.kind === 'Alias') {
      const resolved = resolveType((o.type as { name: string }).name);
      if (resolved) return { ...o, expr: walk(o.expr), type: astType(resolved) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    return out;
  };
  return walk(e) as Expression;
}

/** Deduplicates scopes by identity: every expression compiled against one scope names one entry. */
class ScopeTable {
  readonly scopes: PlanScope[] = [];
  private readonly ids = new Map<RowScope, number>();

  constructor(private readonly resolveType?: (name: string) => SqlType | undefined) {}

  id(scope: RowScope): number {
    let id = this.ids.get(scope);
    if (id === undefined) {
      id = this.scopes.length;
      this.ids.set(scope, id);
      this.scopes.push({ columns: scope.columns.map(planColumn), qualifiers: [...scope.qualifiers] });
    }
    return id;
  }

  expr(c: CompiledExpression): PlanExpr {
    const ast = this.resolveType ? withTypesResolved(c.ast, this.resolveType) : c.ast;
    return { ast, text: c.text, type: c.type, scope: this.id(c.scope), ...(c.columnIndex !== undefined ? { columnIndex: c.columnIndex } : {}), ...(c.coercedFrom ? { coercedFrom: c.coercedFrom } : {}) };
  }

  layout(l: SourceLayout): PlanLayout {
    return {
      source: l.source.name,
      alias: l.alias,
      keyColumns: l.keyColumns,
      valueColumns: l.valueColumns,
      valueIndexes: l.valueIndexes,
      headerColumns: l.headerColumns,
      rowtimeIndex: l.rowtimeIndex,
      rowpartitionIndex: l.rowpartitionIndex,
      rowoffsetIndex: l.rowoffsetIndex,
      ...(l.windowIndexes ? { windowIndexes: l.windowIndexes } : {}),
      ...(l.keyIndexes ? { keyIndexes: l.keyIndexes } : {}),
      width: l.width,
      dataColumns: l.dataColumns.map(planColumn),
      scope: this.id(l.scope),
    };
  }
}

export function planColumn(c: ScopeColumn): PlanScopeColumn {
  const { owner, ...rest } = c;
  return owner ? { ...rest, owner: [...owner] } : { ...rest };
}

const NONE = { stateStores: [] as string[], internalTopics: [] as string[] };

function schemaOf(key: Column[], value: Column[], timestamp = 'ROWTIME'): StepSchema {
  return {
    key: key.map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' })),
    value: value.map((c) => ({
      name: c.name,
      type: c.type,
      namespace: c.namespace === 'HEADER' ? 'HEADER' : 'VALUE',
      ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}),
    })),
    timestamp,
  };
}

function scopeColumns(cols: readonly ScopeColumn[]): Column[] {
  return cols
    .filter((c) => c.namespace !== 'PSEUDO' && !c.windowBound)
    .map((c) => ({ name: c.name, type: c.type, namespace: c.namespace === 'KEY' ? 'KEY' : c.namespace === 'HEADER' ? 'HEADER' : 'VALUE', ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}) }));
}

function sourceStep(source: DataSource, alias: string, offset: number, layout: SourceLayout, scopes: ScopeTable): SourceStep {
  const windowed = source.keyFormat.window !== undefined;
  const kind = source.sourceType === 'TABLE' ? (windowed ? 'WindowedTableSource' : 'TableSource') : windowed ? 'WindowedStreamSource' : 'StreamSource';
  return {
    kind,
    id: `KsqlTopic/${alias}/Source`,
    source,
    alias,
    offset,
    layout: scopes.layout(layout),
    schema: schemaOf(source.schema.key, source.schema.value, source.timestamp?.column ?? 'ROWTIME'),
    ...NONE,
  };
}

/** Lowers an analysed query (and, for persistent queries, its sink) into a step tree. */
export function lowerQuery(
  a: AnalyzedQuery,
  queryId: string,
  sinkSpec?: SinkSpec,
  resolveType?: (name: string) => SqlType | undefined,
): QueryPlan {
  const scopes = new ScopeTable(resolveType);
  let step: Step;
  if (a.join) {
    const join = a.join;
    const sources = join.sources.map((s) => sourceStep(s.source, s.alias, s.offset, s.layout, scopes));
    step = sources[0]!;
    join.steps.forEach((j, n) => {
      const last = n === join.steps.length - 1;
      const right = sources[j.right]!;
      const end = right.offset + join.sources[j.right]!.layout.width;
      const covered = join.layout.scope.columns.filter((c) => c.owner !== undefined && c.index < end);
      const keyName = last
        ? undefined
        : (j.leftKey.columnIndex !== undefined ? join.layout.scope.columns.find((c) => c.index === j.leftKey.columnIndex)?.name : undefined) ?? 'ROWKEY';
      const schema = last
        ? schemaOf(
            join.keys.map((k) => ({ name: k.column.name, type: k.column.type, namespace: 'KEY' })),
            scopeColumns(covered),
          )
        : schemaOf([{ name: keyName!, type: j.keyType, namespace: 'KEY' }], scopeColumns(covered));
      const joinStep: JoinStep = {
        kind: JOIN_KINDS[j.kind],
        id: `Join/${n}`,
        joinType: j.type,
        left: step,
        right,
        rightIndex: j.right,
        leftKey: scopes.expr(j.leftKey),
        rightKey: scopes.expr(j.rightKey),
        keySlot: j.keySlot,
        keyType: j.keyType,
        leftType: j.leftType,
        ...(j.window ? { window: j.window } : {}),
        text: j.text,
        schema,
        stateStores: [`${queryId}-join.db: join ${n}`],
        internalTopics: [...(j.topology?.repartitions.map((r) => r.topic) ?? []), ...(j.topology?.stores.map((s) => `${s}-changelog`) ?? [])],
        leftKeyed: j.leftKeyed,
        rightKeyed: j.rightKeyed,
        ...(j.topology ? { repartitions: j.topology.repartitions, stores: j.topology.stores } : {}),
        ...(last
          ? {
              joined: {
                layout: scopes.layout(join.layout),
                rowTypes: join.rowTypes,
                keys: join.keys.map((k) => ({ column: planColumn(k.column), expressions: k.expressions, synthetic: k.synthetic })),
                resultType: join.resultType,
                ...(join.foreignKeyLeft !== undefined ? { foreignKeyLeft: join.foreignKeyLeft } : {}),
              },
            }
          : {}),
      };
      step = joinStep;
    });
  } else {
    step = sourceStep(a.source, a.layout.alias, 0, a.layout, scopes);
  }

  if (a.where) {
    step = { kind: 'Filter', id: 'WhereFilter', input: step, predicate: scopes.expr(a.where), schema: step.schema, ...NONE };
  }
  if (a.partitionBy) {
    const p = a.partitionBy;
    const names = new Set(p.names);
    const moved = new Set(p.exprs.filter((e) => e.ast.kind === 'ColumnRef').map((e) => (e.ast as { name: string }).name));
    const keep = (c: Column) => !moved.has(c.name) && !names.has(c.name);
    const input = step.schema;
    step = {
      kind: 'SelectKey',
      id: 'PartitionBy',
      input: step,
      keys: p.exprs.map((e) => scopes.expr(e)),
      names: p.names,
      index: p.index,
      schema: schemaOf(
        p.names.map((name, i) => ({ name, type: p.exprs[i]!.type, namespace: 'KEY' })),
        [...input.value.filter(keep), ...input.key.filter(keep)],
        input.timestamp,
      ),
      ...NONE,
    };
  }
  if (a.aggregate) {
    const g = a.aggregate;
    const keys: Column[] = g.groupBy.map((e, i) => ({ name: e.ast.kind === 'ColumnRef' ? e.ast.name : `KSQL_INTERNAL_COL_${i}`, type: e.type, namespace: 'KEY' }));
    const values: Column[] = g.calls.map((c, i) => ({ name: `KSQL_AGG_VARIABLE_${i}`, type: c.fn.returnType, namespace: 'VALUE' }));
    const kind: AggregatePlanStep['kind'] = g.sourceIsTable ? 'TableAggregate' : g.window ? 'StreamWindowedAggregate' : 'StreamAggregate';
    const aggregate: AggregatePlanStep = {
      kind,
      id: 'Aggregate/Aggregate',
      input: step,
      groupBy: g.groupBy.map((e) => scopes.expr(e)),
      calls: g.calls.map((c) => ({ name: c.name, args: c.args.map((e) => scopes.expr(e)), argShapes: c.argShapes, text: c.text })),
      ...(g.window ? { window: g.window } : {}),
      ...(g.having ? { having: scopes.expr(g.having) } : {}),
      limits: g.limits,
      aggregateBase: g.aggregateBase,
      windowStartIndex: g.windowStartIndex,
      windowEndIndex: g.windowEndIndex,
      width: g.width,
      schema: schemaOf(keys, values),
      stateStores: sinkSpec?.materialize ? [`${queryId}.db: agg_state`] : [],
      internalTopics: [],
    };
    step = aggregate;
    if (g.emitFinal) step = { kind: 'Suppress', id: 'Aggregate/Suppress', input: aggregate, schema: aggregate.schema, ...NONE };
  }
  if (a.tableFunctions.length > 0) {
    const input = step.schema;
    step = {
      kind: 'FlatMap',
      id: 'FlatMap',
      input: step,
      calls: a.tableFunctions.map((t) => ({ name: t.name, args: t.args.map((e) => scopes.expr(e)), argShapes: t.argShapes, index: t.index, text: t.text })),
      schema: schemaOf(input.key, [...input.value, ...a.tableFunctions.map((t, i) => ({ name: `KSQL_SYNTH_${i}`, type: t.fn.returnType, namespace: 'VALUE' as const }))], input.timestamp),
      ...NONE,
    };
  }
  const project: ProjectStep = {
    kind: 'Project',
    id: 'Project',
    input: step,
    selected: a.selected.map((c) => ({ name: c.name, type: c.type, namespace: c.namespace, expr: scopes.expr(c.expr) })),
    keyColumns: a.keyColumns.map((c) => a.selected.indexOf(c)),
    valueColumns: a.valueColumns.map((c) => a.selected.indexOf(c)),
    schema: schemaOf(a.keyColumns, a.valueColumns),
    ...NONE,
  };
  let root: SinkStep | ProjectStep = project;
  if (sinkSpec) {
    const { sink } = sinkSpec;
    const kind: SinkStep['kind'] = !sinkSpec.produce ? 'TableSourceMaterialize' : sink.sourceType === 'TABLE' ? 'TableSink' : 'StreamSink';
    root = {
      kind,
      id: `${sink.name}/Sink`,
      input: project,
      sink,
      ...(sinkSpec.sinkTimestamp ? { sinkTimestamp: sinkSpec.sinkTimestamp } : {}),
      materialize: sinkSpec.materialize,
      produce: sinkSpec.produce,
      schema: schemaOf(sink.schema.key, sink.schema.value, sink.timestamp?.column ?? 'ROWTIME'),
      stateStores: sinkSpec.materialize ? [`${queryId}.db: rows`] : [],
      internalTopics: [],
    };
  }
  return {
    version: PLAN_VERSION,
    queryId,
    mode: a.mode,
    resultType: a.resultType,
    rowWidth: a.rowWidth,
    ...(a.limit !== undefined ? { limit: a.limit } : {}),
    scopes: scopes.scopes,
    root,
  };
}
