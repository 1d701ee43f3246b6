// Builds what the operators run from a step tree (src/plan/steps.ts): compiles every
// expression against the scope its step names, resolves every function by name and
// argument shapes, and lays the steps out as the operators read them (`AnalyzedQuery`).
// Each build compiles afresh, so one plan can back several running queries, each with its
// own evaluation-error handler.

import type { DataSource } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { AnalyzedQuery, OutputColumn, PartitionStep, TableFunctionStep } from '../planner/query/analyze.js';
import type { AggregateStep } from '../planner/query/aggregate.js';
import { compileIn, type CompiledExpression, type EvaluationErrors } from '../planner/query/compile.js';
import { buildCoercer } from '../planner/expressions/index.js';
import type { JoinAnalysis, JoinKind, JoinStep as JoinAnalysisStep } from '../planner/query/join.js';
import { RowScope, type ScopeColumn, type SourceLayout } from '../planner/query/layout.js';
import type { SqlType } from '../common/types.js';
import { stepsOf, type JoinStepKind, type PlanExpr, type PlanLayout, type PlanScopeColumn, type QueryPlan, type SinkStep, type SourceStep, type Step } from '../plan/steps.js';

/** A persistent query as the runtime runs it. */
export interface PersistentPhysicalPlan {
  queryId: string;
  analysis: AnalyzedQuery;
  sink: DataSource;
  /** Output column (keys then values) whose value becomes the record timestamp. */
  sinkTimestamp?: { index: number; format?: string };
  /** The sink is a table materialized in a SQLite store. */
  materialize: boolean;
  /** False for SOURCE TABLE materialization: the rows only go to the store. */
  produce: boolean;
}

export interface BuildContext {
  functions: FunctionRegistry;
  /** Resolves CREATE TYPE names used in CASTs. */
  resolveType?: (name: string) => SqlType | undefined;
}

const JOIN_KINDS: Record<JoinStepKind, JoinKind> = {
  StreamStreamJoin: 'STREAM_STREAM',
  StreamTableJoin: 'STREAM_TABLE',
  TableTableJoin: 'TABLE_TABLE',
  ForeignKeyJoin: 'FOREIGN_KEY',
};

function scopeColumn(c: PlanScopeColumn): ScopeColumn {
  const { owner, ...rest } = c;
  return owner ? { ...rest, owner: new Set(owner) } : { ...rest };
}

class Compiler {
  readonly errors: EvaluationErrors = { handler: () => undefined };
  private readonly scopes: RowScope[];

  constructor(
    plan: QueryPlan,
    private readonly ctx: BuildContext,
  ) {
    this.scopes = plan.scopes.map((s) => new RowScope(s.columns.map(scopeColumn), new Set(s.qualifiers)));
  }

  scope(id: number): RowScope {
    const s = this.scopes[id];
    if (!s) throw new Error(`Plan names scope ${id}, which it does not have`);
    return s;
  }

  /** `errors`: where evaluation failures go instead of the query's handler. */
  expr(p: PlanExpr, errors: EvaluationErrors = this.errors): CompiledExpression {
    const scope = this.scope(p.scope);
    if (p.columnIndex !== undefined) {
      const i = p.columnIndex;
      return { type: p.type, evaluate: (row) => row[i], text: p.text, columnIndex: i, ast: p.ast, scope };
    }
    const c = compileIn(p.ast, scope, {
      functions: this.ctx.functions,
      errors,
      ...(this.ctx.resolveType ? { resolveType: this.ctx.resolveType } : {}),
    });
    if (p.coercedFrom) {
      const convert = buildCoercer(p.coercedFrom, p.type);
      const { columnIndex: _direct, evaluate, ...rest } = c;
      return { ...rest, type: p.type, text: p.text, coercedFrom: p.coercedFrom, evaluate: (row) => convert(evaluate(row)) };
    }
    return { ...c, type: p.type, text: p.text };
  }

  layout(p: PlanLayout, source: DataSource): SourceLayout {
    return {
      source,
      alias: p.alias,
      keyColumns: p.keyColumns,
      valueColumns: p.valueColumns,
      valueIndexes: p.valueIndexes,
      headerColumns: p.headerColumns,
      rowtimeIndex: p.rowtimeIndex,
      rowpartitionIndex: p.rowpartitionIndex,
      rowoffsetIndex: p.rowoffsetIndex,
      ...(p.windowIndexes ? { windowIndexes: p.windowIndexes } : {}),
      ...(p.keyIndexes ? { keyIndexes: p.keyIndexes } : {}),
      width: p.width,
      dataColumns: p.dataColumns.map(scopeColumn),
      scope: this.scope(p.scope),
    };
  }
}

/**
 * Table-function arguments: as in ksqlDB, a row whose argument cannot be evaluated is
 * dropped (the flat map logs it) instead of calling the function with NULL.
 */
const ROW_DROPPING_ERRORS: EvaluationErrors = {
  handler: (message) => {
    throw new Error(message);
  },
};

function isSource(s: Step): s is SourceStep {
  return s.kind === 'StreamSource' || s.kind === 'TableSource' || s.kind === 'WindowedStreamSource' || s.kind === 'WindowedTableSource';
}

/** The operators' view of a step tree, with every expression compiled. */
export function buildAnalysis(plan: QueryPlan, ctx: BuildContext): AnalyzedQuery {
  const compiler = new Compiler(plan, ctx);
  const steps = stepsOf(plan.root);
  const sources = steps.filter(isSource).sort((a, b) => a.offset - b.offset);
  const leftmost = sources[0];
  if (!leftmost) throw new Error(`Plan of ${plan.queryId} has no source step`);
  const layouts = new Map(sources.map((s) => [s, compiler.layout(s.layout, s.source)]));

  let join: JoinAnalysis | undefined;
  let where: CompiledExpression | undefined;
  let partitionBy: PartitionStep | undefined;
  let aggregate: AggregateStep | undefined;
  let emitFinal = false;
  const tableFunctions: TableFunctionStep[] = [];
  const joinSteps: JoinAnalysisStep[] = [];
  let project: Extract<Step, { kind: 'Project' }> | undefined;

  for (const step of steps) {
    switch (step.kind) {
      case 'StreamSource':
      case 'TableSource':
      case 'WindowedStreamSource':
      case 'WindowedTableSource':
        break;
      case 'StreamStreamJoin':
      case 'StreamTableJoin':
      case 'TableTableJoin':
      case 'ForeignKeyJoin':
        joinSteps.push({
          type: step.joinType,
          kind: JOIN_KINDS[step.kind],
          right: step.rightIndex,
          leftKey: compiler.expr(step.leftKey),
          rightKey: compiler.expr(step.rightKey),
          keySlot: step.keySlot,
          keyType: step.keyType,
          leftType: step.leftType,
          ...(step.window ? { window: step.window } : {}),
          text: step.text,
          leftKeyed: step.leftKeyed ?? true,
          rightKeyed: step.rightKeyed ?? true,
          topology: { repartitions: step.repartitions ?? [], stores: step.stores ?? [] },
        });
        if (step.joined) {
          const j = step.joined;
          join = {
            sources: sources.map((s) => ({ source: s.source, alias: s.alias, layout: layouts.get(s)!, offset: s.offset })),
            steps: joinSteps,
            layout: compiler.layout(j.layout, leftmost.source),
            rowTypes: j.rowTypes,
            keys: j.keys.map((k) => ({ column: scopeColumn(k.column), expressions: k.expressions, synthetic: k.synthetic })),
            resultType: j.resultType,
            ...(j.foreignKeyLeft !== undefined ? { foreignKeyLeft: j.foreignKeyLeft } : {}),
          };
        }
        break;
      case 'Filter':
        where = compiler.expr(step.predicate);
        break;
      case 'SelectKey':
        partitionBy = { exprs: step.keys.map((k) => compiler.expr(k)), names: step.names, index: step.index };
        break;
      case 'FlatMap':
        for (const c of step.calls) {
          tableFunctions.push({
            name: c.name,
            fn: ctx.functions.resolveTable(c.name, c.argShapes),
            args: c.args.map((e) => compiler.expr(e, ROW_DROPPING_ERRORS)),
            argShapes: c.argShapes,
            index: c.index,
            text: c.text,
          });
        }
        break;
      case 'StreamAggregate':
      case 'TableAggregate':
      case 'StreamWindowedAggregate':
        aggregate = {
          groupBy: step.groupBy.map((e) => compiler.expr(e)),
          calls: step.calls.map((c) => ({
            name: c.name,
            fn: ctx.functions.resolveAggregate(c.name, c.argShapes),
            argShapes: c.argShapes,
            args: c.args.map((e) => compiler.expr(e)),
            text: c.text,
          })),
          ...(step.window ? { window: step.window } : {}),
          ...(step.having ? { having: compiler.expr(step.having) } : {}),
          emitFinal: false,
          limits: step.limits,
          sourceIsTable: step.kind === 'TableAggregate',
          aggregateBase: step.aggregateBase,
          windowStartIndex: step.windowStartIndex,
          windowEndIndex: step.windowEndIndex,
          width: step.width,
        };
        break;
      case 'Suppress':
        emitFinal = true;
        break;
      case 'Project':
        project = step;
        break;
      case 'StreamSink':
      case 'TableSink':
      case 'TableSourceMaterialize':
        break;
    }
  }
  if (!project) throw new Error(`Plan of ${plan.queryId} has no projection`);
  if (aggregate) aggregate.emitFinal = emitFinal;
  const selected: OutputColumn[] = project.selected.map((c) => ({ name: c.name, type: c.type, namespace: c.namespace, expr: compiler.expr(c.expr) }));
  return {
    mode: plan.mode,
    source: leftmost.source,
    layout: join ? join.layout : layouts.get(leftmost)!,
    ...(where ? { where } : {}),
    ...(partitionBy ? { partitionBy } : {}),
    tableFunctions,
    selected,
    keyColumns: project.keyColumns.map((i) => selected[i]!),
    valueColumns: project.valueColumns.map((i) => selected[i]!),
    resultType: plan.resultType,
    rowWidth: plan.rowWidth,
    ...(plan.limit !== undefined ? { limit: plan.limit } : {}),
    errors: compiler.errors,
    ...(aggregate ? { aggregate } : {}),
    ...(join ? { join } : {}),
  };
}

/** A persistent query's plan, ready for PersistentQuery. */
export function buildPersistent(plan: QueryPlan, ctx: BuildContext): PersistentPhysicalPlan {
  const sink = plan.root;
  if (sink.kind === 'Project') throw new Error(`Plan of ${plan.queryId} has no sink: it is not a persistent query`);
  return {
    queryId: plan.queryId,
    analysis: buildAnalysis(plan, ctx),
    sink: sink.sink,
    ...(sink.sinkTimestamp ? { sinkTimestamp: sink.sinkTimestamp } : {}),
    materialize: sink.materialize,
    produce: sink.produce,
  };
}

/** Names of the sources a plan reads, leftmost first. */
export function planSources(plan: QueryPlan): string[] {
  return stepsOf(plan.root)
    .filter(isSource)
    .sort((a, b) => a.offset - b.offset)
    .map((s) => s.source.name);
}

export type { SinkStep };
