// The step tree: what the planner hands the runtime. Plain data (JSON-serializable through
// ./json.ts), so EXPLAIN renders it, the command log stores it and a restarted server runs
// it without planning again. Expressions are the parser's AST, uncompiled: the runtime's
// builder (src/runtime/builder) compiles them against the row scope each one names.
//
// Rows are arrays; a scope says which column sits at which index. Steps only append to the
// row (partition keys, table function results) or replace it (the aggregate row), so an
// expression is compiled against one scope of the plan's `scopes` table.

import type { Expression, JoinClause } from '../parser/ast.js';
import type { DataSource } from '../catalog/model.js';
import type { Column, SqlType } from '../common/types.js';

/** Bumped when a step changes shape; a server refuses a stored plan of a version it cannot run. */
export const PLAN_VERSION = 1;

export type ScopeNamespace = 'KEY' | 'VALUE' | 'HEADER' | 'PSEUDO';

/** One column of a row scope (see src/planner/query/layout.ts `ScopeColumn`), with owners as a list. */
export interface PlanScopeColumn {
  name: string;
  type: SqlType;
  index: number;
  namespace: ScopeNamespace;
  headerKey?: string;
  windowBound?: boolean;
  owner?: string[];
  columnName?: string;
  keyIndex?: number;
  ambiguous?: boolean;
}

export interface PlanScope {
  columns: PlanScopeColumn[];
  qualifiers: string[];
}

/** An uncompiled expression: compiled by the runtime against `scopes[scope]`. */
export interface PlanExpr {
  ast: Expression;
  /** ksqlDB-style text, for EXPLAIN and messages. */
  text: string;
  type: SqlType;
  scope: number;
  /** A plain read of this row index (column references, and keys read from their join slot). */
  columnIndex?: number;
  /** The AST's value has this type and is converted to `type` (an implicit cast the planner chose). */
  coercedFrom?: SqlType;
}

/** A value-shaped function argument as the function library saw it when the plan was made. */
export interface PlanArgShape {
  kind: 'value';
  type: SqlType | null;
  literal?: unknown;
}

/** The columns a step outputs, keys first, and the column that gives each record its time. */
export interface StepSchema {
  key: Column[];
  value: Column[];
  /** ROWTIME, or the TIMESTAMP column. */
  timestamp: string;
}

/** What a step owns at run time: SQLite state stores (by file name) and internal topics. */
export interface StepResources {
  stateStores: string[];
  internalTopics: string[];
}

interface StepBase extends StepResources {
  /** Unique in its plan, e.g. `KsqlTopic/Source`, `Aggregate/Aggregate`: the processing-log context. */
  id: string;
  schema: StepSchema;
}

/** A row layout the runtime decodes into or reads keys from (src/planner/query/layout.ts `SourceLayout`). */
export interface PlanLayout {
  /** Name of the source the layout decodes (the leftmost one for a joined row). */
  source: string;
  alias: string;
  keyColumns: Column[];
  valueColumns: Column[];
  valueIndexes: number[];
  headerColumns: { column: Column; index: number }[];
  rowtimeIndex: number;
  rowpartitionIndex: number;
  rowoffsetIndex: number;
  windowIndexes?: { start: number; end: number };
  keyIndexes?: number[];
  width: number;
  dataColumns: PlanScopeColumn[];
  scope: number;
}

export interface SourceStep extends StepBase {
  kind: 'StreamSource' | 'TableSource' | 'WindowedStreamSource' | 'WindowedTableSource';
  source: DataSource;
  alias: string;
  /** Where this source's row starts in a joined row (0 outside joins). */
  offset: number;
  layout: PlanLayout;
}

export interface JoinWindowSpec {
  beforeMs: number;
  afterMs: number;
  graceMs?: number;
}

export type JoinStepKind = 'StreamStreamJoin' | 'StreamTableJoin' | 'TableTableJoin' | 'ForeignKeyJoin';

/** The joined row the last join of a query produces; the rest of the query reads it. */
export interface JoinedRow {
  layout: PlanLayout;
  rowTypes: SqlType[];
  keys: { column: PlanScopeColumn; expressions: string[]; synthetic: boolean }[];
  resultType: 'STREAM' | 'TABLE';
  foreignKeyLeft?: string;
}

export interface JoinStep extends StepBase {
  kind: JoinStepKind;
  joinType: JoinClause['type'];
  left: Step;
  right: SourceStep;
  /** Position of the right source among the query's sources. */
  rightIndex: number;
  leftKey: PlanExpr;
  rightKey: PlanExpr;
  keySlot: number;
  keyType: SqlType;
  leftType: 'STREAM' | 'TABLE';
  window?: JoinWindowSpec;
  text: string;
  /** Set on the outermost join only. */
  joined?: JoinedRow;
  /** Whether each input is already keyed by its join value (else it is rekeyed). */
  leftKeyed?: boolean;
  rightKeyed?: boolean;
  /** Rekeyed inputs written to an internal topic (name after the query's group prefix) in the join's key format. */
  repartitions?: { side: 'LEFT' | 'RIGHT'; topic: string; keyFormat: DataSource['keyFormat'] }[];
  /** ksqlDB's state store names of the step (each with a `<group>-<store>-changelog` topic). */
  stores?: string[];
}

export interface FilterStep extends StepBase {
  kind: 'Filter';
  input: Step;
  predicate: PlanExpr;
}

/** PARTITION BY: new key columns appended to the row at `index`; none for PARTITION BY NULL. */
export interface SelectKeyStep extends StepBase {
  kind: 'SelectKey';
  input: Step;
  keys: PlanExpr[];
  names: string[];
  index: number;
}

export interface TableFunctionCall {
  name: string;
  args: PlanExpr[];
  argShapes: PlanArgShape[];
  /** Row index the produced element is written to. */
  index: number;
  text: string;
}

export interface FlatMapStep extends StepBase {
  kind: 'FlatMap';
  input: Step;
  calls: TableFunctionCall[];
}

export interface AggregateCallSpec {
  name: string;
  args: PlanExpr[];
  argShapes: PlanArgShape[];
  text: string;
}

export interface WindowSpec {
  type: 'TUMBLING' | 'HOPPING' | 'SESSION' | 'SLIDING' | 'COUNT';
  /** Window size (gap for SESSION, 0 for COUNT). */
  sizeMs: number;
  advanceMs: number;
  /** Records later than window end + grace are dropped. */
  graceMs: number;
  retentionMs?: number;
  /** COUNT windows: records per window, and records from one window's start to the next. */
  records?: { size: number; advance: number };
  /** LATE_RECORDS_TOPIC: where records dropped as late are written. */
  lateRecordsTopic?: string;
  /** EMIT FINAL: after this long without input, stream time advances to the wall clock. */
  idleCloseMs?: number;
  /** EMIT FINAL: windows that closed after their retention passed are still emitted. */
  emitExpired?: boolean;
}

export interface AggregateStep extends StepBase {
  kind: 'StreamAggregate' | 'TableAggregate' | 'StreamWindowedAggregate';
  input: Step;
  groupBy: PlanExpr[];
  calls: AggregateCallSpec[];
  window?: WindowSpec;
  /** Over the aggregate row. */
  having?: PlanExpr;
  limits: { collectList: number; collectSet: number; histogram: number };
  aggregateBase: number;
  windowStartIndex: number;
  windowEndIndex: number;
  width: number;
}

/** EMIT FINAL: holds each window's result until the window closes. */
export interface SuppressStep extends StepBase {
  kind: 'Suppress';
  input: AggregateStep;
}

export interface ProjectColumn {
  name: string;
  type: SqlType;
  namespace: 'KEY' | 'VALUE';
  expr: PlanExpr;
}

export interface ProjectStep extends StepBase {
  kind: 'Project';
  input: Step;
  /** Select items in select order. */
  selected: ProjectColumn[];
  /** Indexes into `selected`: the output key in key order, the values in select order. */
  keyColumns: number[];
  valueColumns: number[];
}

export interface SinkStep extends StepBase {
  kind: 'StreamSink' | 'TableSink' | 'TableSourceMaterialize';
  input: ProjectStep;
  sink: DataSource;
  /** Output column (keys then values) whose value becomes the record timestamp. */
  sinkTimestamp?: { index: number; format?: string };
  /** The sink is a table materialized in a SQLite store. */
  materialize: boolean;
  /** False for SOURCE TABLE materialization: the rows only go to the store. */
  produce: boolean;
}

export type Step = SourceStep | JoinStep | FilterStep | SelectKeyStep | FlatMapStep | AggregateStep | SuppressStep | ProjectStep | SinkStep;

export type QueryMode = 'persistent' | 'push' | 'pull';

/** A whole query: persistent ones end in a sink step, transient ones in their projection. */
export interface QueryPlan {
  version: number;
  queryId: string;
  mode: QueryMode;
  resultType: 'STREAM' | 'TABLE';
  /** Length of a working row (source row + appended values). */
  rowWidth: number;
  limit?: number;
  scopes: PlanScope[];
  root: SinkStep | ProjectStep;
}

/** The steps of a plan, each input before the step that reads it (left before right). */
export function stepsOf(step: Step): Step[] {
  const out: Step[] = [];
  const visit = (s: Step): void => {
    for (const child of inputsOf(s)) visit(child);
    out.push(s);
  };
  visit(step);
  return out;
}

export function inputsOf(step: Step): Step[] {
  switch (step.kind) {
    case 'StreamSource':
    case 'TableSource':
    case 'WindowedStreamSource':
    case 'WindowedTableSource':
      return [];
    case 'StreamStreamJoin':
    case 'StreamTableJoin':
    case 'TableTableJoin':
    case 'ForeignKeyJoin':
      return [step.left, step.right];
    case 'Filter':
    case 'SelectKey':
    case 'FlatMap':
    case 'StreamAggregate':
    case 'TableAggregate':
    case 'StreamWindowedAggregate':
    case 'Suppress':
    case 'Project':
    case 'StreamSink':
    case 'TableSink':
    case 'TableSourceMaterialize':
      return [step.input];
  }
}

/** The steps of one kind group, found anywhere in the tree. */
export function findSteps<K extends Step['kind']>(plan: QueryPlan, kinds: readonly K[]): Extract<Step, { kind: K }>[] {
  return stepsOf(plan.root).filter((s): s is Extract<Step, { kind: K }> => (kinds as readonly string[]).includes(s.kind));
}
