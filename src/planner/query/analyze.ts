// Analysis of a SELECT over one source (the stateless part of the language): resolves the
// source, expands and names the select items, compiles WHERE / PARTITION BY / table
// functions / projections into functions over the row array, and decides which output
// columns form the key. Persistent queries also get ksqlDB's projection checks.

import type { CatalogView, DataSource } from '../../catalog/model.js';
import type { FunctionRegistry, ResolvedTable } from '../../functions/registry.js';
import type { ValueArgShape } from './aggregate.js';
import type { ColumnRef, Expression, Query, SelectItem } from '../../parser/ast.js';
import { formatType, typesEqual, type LogicalSchema, type SqlType } from '../../common/types.js';
import { compileIn, compilePredicate, withSelectPrefix, type CompileContext, type CompiledExpression, type EvaluationErrors } from './compile.js';
import { QueryPlanningError, at } from './errors.js';
import { columnRefs, containsAny, expressionText, rewriteExpression } from './expression-text.js';
import { analyzeAggregation, isAggregateQuery, splitAggregateOutput, type AggregateStep } from './aggregate.js';
import { RESERVED_COLUMN_NAMES, RowScope, sourceLayout, type ScopeColumn, type SourceLayout } from './layout.js';
import { analyzeJoins, missingJoinKeyMessage, type JoinAnalysis } from './join.js';
import { checkPullLikeColumns } from './pull-where.js';
import { checkNewPlannerQuery, newPlannerEnabled } from './new-planner.js';

export type QueryMode = 'persistent' | 'push' | 'pull';

export interface OutputColumn {
  name: string;
  type: SqlType;
  namespace: 'KEY' | 'VALUE';
  expr: CompiledExpression;
}

export interface TableFunctionStep {
  name: string;
  fn: ResolvedTable;
  args: CompiledExpression[];
  /** What `fn` was resolved from, so the runtime resolves the same implementation. */
  argShapes: ValueArgShape[];
  /** Row index the produced element is written to. */
  index: number;
  text: string;
}

export interface PartitionStep {
  /** Empty for PARTITION BY NULL. */
  exprs: CompiledExpression[];
  names: string[];
  /** Row index of the first partition key value (they are appended after the source row). */
  index: number;
}

export interface AnalyzedQuery {
  mode: QueryMode;
  source: DataSource;
  layout: SourceLayout;
  where?: CompiledExpression;
  partitionBy?: PartitionStep;
  tableFunctions: TableFunctionStep[];
  /** Select items in select order. */
  selected: OutputColumn[];
  /** Output key columns in key order (persistent: the sink key). */
  keyColumns: OutputColumn[];
  /** Output value columns in select order. */
  valueColumns: OutputColumn[];
  resultType: 'STREAM' | 'TABLE';
  /** Length of a working row (source row + appended values). */
  rowWidth: number;
  limit?: number;
  /** Evaluation failures of every compiled expression of this query go through here. */
  errors: EvaluationErrors;
  /** GROUP BY / aggregate functions / WINDOW: the projection then reads the aggregate row. */
  aggregate?: AggregateStep;
  /** Set when the query joins sources; `source` is then the leftmost one and `layout` the joined row. */
  join?: JoinAnalysis;
}

export interface AnalyzeOptions {
  mode: QueryMode;
  catalog: CatalogView;
  functions: FunctionRegistry;
  /** CSAS/CTAS/INSERT target name, for messages. */
  sinkName?: string;
  /** Partition count of a topic when it is known without I/O (join co-partitioning checks). */
  partitionsOf?: (topic: string) => number | undefined;
  /** Server and statement properties (aggregate function limits). */
  properties?: Record<string, unknown>;
  /** CSAS/CTAS: the WITH clause's TIMESTAMP column, checked against the projection before its keys (ksqlDB's order). */
  sinkTimestampColumn?: string;
}

const KSQL_COL = 'KSQL_COL_';

export class AliasGenerator {
  private next = 0;
  constructor(private readonly taken: Set<string>) {}
  /** `base` when no source column or earlier name has it, else `base_1`, `base_2`, … (ksqlDB's rule for a->b names). */
  unique(base: string): string {
    let name = base;
    for (let n = 1; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }
  generate(): string {
    for (;;) {
      const name = `${KSQL_COL}${this.next++}`;
      if (!this.taken.has(name)) {
        this.taken.add(name);
        return name;
      }
    }
  }
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function unsupported(what: string, loc?: import('../../parser/ast.js').Loc): never {
  throw new QueryPlanningError(at(loc, `${what} is not supported yet by Eddy.`), loc);
}

/** A pull query's result schema has each name once among its keys and once among its values, as ksqlDB's schemas require. */
function checkDistinctOutputNames(keyColumns: OutputColumn[], valueColumns: OutputColumn[]): void {
  for (const [side, cols] of [['key', keyColumns], ['value', valueColumns]] as const) {
    const seen = new Set<string>();
    for (const c of cols) {
      if (seen.has(c.name)) {
        throw new QueryPlanningError(`Duplicate ${side} columns found in schema: \`${c.name}\` ${formatType(c.type)}${side === 'key' ? ' KEY' : ''}`);
      }
      seen.add(c.name);
    }
  }
}

export function analyzeQuery(query: Query, opts: AnalyzeOptions): AnalyzedQuery {
  const { mode, catalog, functions } = opts;
  const errors: EvaluationErrors = { handler: () => undefined };
  const cctx: CompileContext = { functions, errors, resolveType: (n) => catalog.getType(n) };
  const newPlanner = mode === 'persistent' && newPlannerEnabled(opts.properties);
  if (newPlanner) checkNewPlannerQuery(query, query.joins.length > 0 ? undefined : catalog.getSource(query.from.name));

  const join = query.joins.length > 0 ? analyzeJoins(query, { catalog, ...(opts.partitionsOf ? { partitionsOf: opts.partitionsOf } : {}) }, cctx) : undefined;
  const source = join ? join.sources[0]!.source : catalog.getSource(query.from.name);
  if (!source) {
    throw new QueryPlanningError(at(query.from.loc, `Source \`${query.from.name}\` does not exist.`), query.from.loc);
  }
  const aggregating = isAggregateQuery(query, functions);

  const layout = join ? join.layout : sourceLayout(source, query.from.alias);
  let width = layout.width;

  // ---------------------------------------------------------------- WHERE
  let where: CompiledExpression | undefined;
  if (query.where) {
    checkResolvable(query.where, layout.scope, (name) =>
      // WHERE runs before a windowed aggregation, so the window bounds do not exist yet.
      aggregating && query.window && (name === 'WINDOWSTART' || name === 'WINDOWEND')
        ? `Error in WHERE expression: Unknown column ${name}.`
        : `WHERE column '${name}' cannot be resolved.`,
    );
    if (mode === 'pull' && source.sourceType === 'TABLE' && !join) checkPullLikeColumns(query.where, layout);
    where = compilePredicate(join ? withJoinedNames(query.where, layout.scope) : query.where, layout.scope, cctx, mode === 'pull');
    if (where.type.base !== 'BOOLEAN') {
      throw new QueryPlanningError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${where.text} (${formatType(where.type)}) instead.`,
        query.where.loc,
      );
    }
  }

  // ---------------------------------------------------------------- PARTITION BY
  const taken = new Set(layout.scope.columns.map((c) => c.name));
  const aliases = new AliasGenerator(taken);
  let scope = layout.scope;
  let intermediateKeys: ScopeColumn[] = join
    ? join.keys.map((k) => k.column)
    : layout.scope.columns.filter((c) => c.namespace === 'KEY' && !(mode === 'persistent' && c.windowBound));
  let partitionBy: PartitionStep | undefined;
  const partitionRewrites: { text: string; name: string }[] = [];
  if (query.partitionBy && query.partitionBy.length > 0 && !aggregating) {
    if (source.sourceType === 'TABLE') {
      throw new QueryPlanningError('Unsupported PARTITION BY on a TABLE: tables are partitioned by their PRIMARY KEY.');
    }
    const exprs = query.partitionBy;
    const isNull = exprs.some((e) => e.kind === 'Literal' && e.type === 'NULL');
    if (isNull && exprs.length > 1) {
      throw new QueryPlanningError('Cannot PARTITION BY multiple columns including NULL');
    }
    const index = width;
    const compiled: CompiledExpression[] = [];
    const names: string[] = [];
    const keyCols: ScopeColumn[] = [];
    const movedToKey = new Set<string>();
    if (!isNull) {
      exprs.forEach((e, i) => {
        checkResolvable(
          e,
          layout.scope,
          (name) =>
            `PARTITION BY column '${name}' cannot be resolved.` +
            (mentionsSelectAlias(query.select, name) ? ` '${name}' must be a column in the source schema since PARTITION BY is applied on the input.` : ''),
        );
        const c = compileIn(e, layout.scope, cctx);
        compiled.push(c);
        let name: string;
        if (e.kind === 'ColumnRef') {
          const col = layout.scope.resolve(e);
          // A joined column keeps its joined name (L_B) as the key's name.
          name = col?.owner !== undefined ? col.name : e.name;
          if (col && col.namespace !== 'PSEUDO') movedToKey.add(col.name);
        } else if (e.kind === 'Dereference') name = e.field;
        else name = aliases.generate();
        names.push(name);
        keyCols.push({ name, type: c.type, index: index + i, namespace: 'KEY' });
        partitionRewrites.push({ text: expressionText(e), name });
      });
    }
    width += compiled.length;
    partitionBy = { exprs: compiled, names, index };
    // Intermediate schema: new keys, source values, old keys moved into the value.
    const keyNames = new Set(names);
    const values = layout.scope.columns.filter((c) => (c.namespace === 'VALUE' || c.namespace === 'HEADER') && !movedToKey.has(c.name) && !keyNames.has(c.name));
    const oldKeys = layout.scope.columns
      .filter((c) => c.namespace === 'KEY' && !movedToKey.has(c.name) && !keyNames.has(c.name))
      .map((c) => ({ ...c, namespace: 'VALUE' as const }));
    const pseudo = layout.scope.columns.filter((c) => c.namespace === 'PSEUDO');
    scope = new RowScope([...keyCols, ...values, ...oldKeys, ...pseudo], layout.scope.qualifiers);
    intermediateKeys = keyCols;
  }
  // A windowed source's window bounds are key columns of transient results only.
  const dataColumns = scope.columns.filter((c) => c.namespace !== 'PSEUDO' && !(mode === 'persistent' && c.windowBound));

  // ---------------------------------------------------------------- select items
  interface Item {
    expr: Expression;
    alias?: string;
    name?: string;
    loc?: import('../../parser/ast.js').Loc;
  }
  const items: Item[] = [];
  for (const item of query.select) expandItem(item, items);

  function expandItem(item: SelectItem, out: Item[]): void {
    if (item.kind === 'AllColumns') {
      if (item.source !== undefined && !scope.qualifiers.has(item.source)) {
        throw new QueryPlanningError(`'${item.source}' is not a valid stream/table name or alias.`, item.loc);
      }
      if (join && partitionBy && item.source === undefined) {
        for (const c of repartitionedJoinColumns(scope, join)) out.push({ expr: { kind: 'ColumnRef', name: c.name }, name: c.name, loc: item.loc });
        return;
      }
      for (const c of dataColumns) {
        // Join: `*` is a synthetic key and every source's columns (named <ALIAS>_<COL>), `x.*` one source's.
        const syntheticKey = join !== undefined && item.source === undefined && join.keys.some((k) => k.synthetic && k.column === c);
        if (join && !syntheticKey && (c.owner === undefined || (item.source !== undefined && !c.owner.has(item.source)))) continue;
        out.push({ expr: { kind: 'ColumnRef', name: c.name }, name: c.name, loc: item.loc });
      }
      return;
    }
    if (item.kind === 'StructAll') {
      const c = compileIn(item.expr, scope, cctx);
      if (c.type.base !== 'STRUCT') {
        throw new QueryPlanningError(at(item.loc, `Expression ${c.text} is not a STRUCT and cannot be used with ->*.`), item.loc);
      }
      for (const f of c.type.fields) {
        out.push({ expr: { kind: 'Dereference', base: item.expr, field: f.name, loc: item.loc }, name: f.name, loc: item.loc });
      }
      return;
    }
    out.push({ expr: item.expr, alias: item.alias, loc: item.loc });
  }

  // Expressions equal to a PARTITION BY expression read the new key column.
  if (partitionRewrites.length > 0) {
    for (const it of items) {
      // A select item that is a PARTITION BY expression reads the key, literals included (PARTITION BY 1);
      // inside larger expressions literals stay literals.
      const whole = partitionRewrites.find((p) => p.text === expressionText(it.expr));
      if (whole) {
        it.expr = { kind: 'ColumnRef', name: whole.name, loc: it.expr.loc };
        continue;
      }
      it.expr = rewriteExpression(it.expr, (n) => {
        if (n.kind === 'Literal') return n;
        const t = expressionText(n);
        const hit = partitionRewrites.find((p) => p.text === t);
        return hit ? { kind: 'ColumnRef', name: hit.name, loc: n.loc } : undefined;
      });
    }
  }

  // Names (ksqlDB rules): alias; column keeps its name; a->b->c gives C; else KSQL_COL_<n>.
  const usedNames = new Set<string>();
  for (const it of items) {
    if (it.alias !== undefined) {
      // A join's pseudo columns may be selected as <ALIAS>_ROWTIME etc., but not under their own names.
      if (mode === 'persistent' && join && RESERVED_COLUMN_NAMES.has(it.alias)) {
        throw new QueryPlanningError(`Reserved column name in select: \`${it.alias}\`. Please remove or alias the column.`, it.loc);
      }
      if (mode === 'persistent' && (it.alias === 'WINDOWSTART' || it.alias === 'WINDOWEND')) {
        throw new QueryPlanningError(`\`${it.alias}\` is a reserved column name. You cannot use it as an alias for a column.`, it.loc);
      }
      it.name = it.alias;
    } else if (it.name === undefined) {
      if (it.expr.kind === 'ColumnRef') it.name = join ? scope.columnAlias(it.expr) : it.expr.name;
      else if (it.expr.kind === 'Dereference') it.name = aliases.unique(it.expr.field);
      else it.name = aliases.generate();
    }
  }
  // Clashing unaliased names get _1, _2, ... A pull query's column keeps its name, as in
  // ksqlDB, so a column selected twice is refused (checkDistinctOutputNames).
  for (const it of items) {
    let name = it.name!;
    if (usedNames.has(name) && it.alias === undefined && !(mode === 'pull' && it.expr.kind === 'ColumnRef')) {
      let n = 1;
      while (usedNames.has(`${name}_${n}`) || items.some((o) => o !== it && o.alias === `${name}_${n}`)) n++;
      name = `${name}_${n}`;
      it.name = name;
    }
    usedNames.add(name);
  }

  const tsColumn = opts.sinkTimestampColumn;
  if (tsColumn !== undefined && !items.some((it) => it.name === tsColumn)) {
    throw new QueryPlanningError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${tsColumn}'`);
  }

  if (mode === 'persistent') {
    for (const it of items) {
      // In a join, `L.ROWTIME` is named L_ROWTIME and needs no alias.
      if (it.alias === undefined && it.expr.kind === 'ColumnRef' && RESERVED_COLUMN_NAMES.has(join ? it.name! : it.expr.name)) {
        const col = scope.resolve(it.expr);
        if (col?.namespace === 'PSEUDO') {
          throw new QueryPlanningError(`Reserved column name in select: \`${it.expr.name}\`. Please remove or alias the column.`, it.loc);
        }
      }
    }
  }

  // ksqlDB resolves a join's select items against the joined sources only, where a WINDOW
  // clause adds no window bounds (confluentinc/ksql#5931): the bounds cannot be selected.
  if (join && aggregating && query.window) {
    for (const it of items) {
      const bound = columnRefs(it.expr).find((r) => r.source === undefined && (r.name === 'WINDOWSTART' || r.name === 'WINDOWEND') && !layout.scope.resolve(r));
      if (bound) throw new QueryPlanningError(`SELECT column '${bound.name}' cannot be resolved.`, bound.loc ?? it.loc);
    }
  }

  // Aggregations: the projection reads the aggregate row instead of the source row.
  const agg = aggregating ? analyzeAggregation(query, items, layout, source, cctx, mode, opts.properties) : undefined;
  if (agg) scope = agg.scope;

  // ---------------------------------------------------------------- table functions
  const tableFunctions: TableFunctionStep[] = [];
  const hasTableFunction = (e: Expression) => containsAny(e, (n) => n.kind === 'FunctionCall' && functions.kindOf(n.name) === 'TABLE');
  if (items.some((it) => hasTableFunction(it.expr))) {
    if (source.sourceType === 'TABLE') throw new QueryPlanningError('Table source is not supported with table functions');
    const tfScope = scope;
    const extra: ScopeColumn[] = [];
    // As in ksqlDB, a row whose table-function argument cannot be evaluated is dropped (the
    // flat map logs it) instead of calling the function with NULL.
    const rowDroppingErrors: CompileContext = {
      ...cctx,
      errors: {
        handler: (message) => {
          throw new Error(message);
        },
      },
    };
    for (const it of items) {
      it.expr = rewriteExpression(it.expr, (n) => {
        if (n.kind !== 'FunctionCall' || functions.kindOf(n.name) !== 'TABLE') return undefined;
        const args = n.args.map((a) => {
          checkResolvable(a, tfScope, (name) => `SELECT column '${name}' cannot be resolved.`);
          return compileIn(a, tfScope, rowDroppingErrors);
        });
        const argShapes = args.map((a, i) => ({ kind: 'value' as const, type: a.type, literal: n.args[i]!.kind === 'Literal' ? (n.args[i] as { value: unknown }).value : undefined }));
        const fn = functions.resolveTable(n.name, argShapes);
        const index = width++;
        const internalName = `\u0000TF${tableFunctions.length}`;
        tableFunctions.push({ name: n.name, fn, args, argShapes, index, text: expressionText(n) });
        extra.push({ name: internalName, type: fn.returnType, index, namespace: 'VALUE' });
        return { kind: 'ColumnRef', name: internalName, loc: n.loc } satisfies ColumnRef;
      });
    }
    scope = scope.extend(extra);
  }

  // ---------------------------------------------------------------- projection
  /** Join key → the source column the projection used for it first (other equal columns are values). */
  const keyClaims = new Map<number, number>();
  // The column a join key is named after wins when it is selected.
  if (join) {
    for (const k of intermediateKeys) {
      for (const it of items) {
        const c = it.expr.kind === 'ColumnRef' ? scope.resolve(it.expr) : undefined;
        if (c && c.name === k.name && c.keyIndex === k.index) keyClaims.set(k.index, c.index);
      }
    }
  }
  const selected: OutputColumn[] = items.map((it, itemIndex) => {
    checkResolvable(it.expr, scope, (name) => `SELECT column '${name}' cannot be resolved.`, it.loc);
    let expr = withSelectPrefix(() => (agg ? agg.compileItem(it.expr, scope, cctx) : compileIn(it.expr, scope, cctx)));
    if (expr.type === null || expr.type === undefined) {
      throw new QueryPlanningError("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).", it.loc);
    }
    const refKey = it.expr.kind === 'ColumnRef' ? scope.resolve(it.expr) : undefined;
    // A join column equal to the join key stands for the key (which is never null).
    const keyIndex = refKey?.keyIndex ?? (refKey?.namespace === 'KEY' ? refKey.index : undefined);
    let isKey = agg ? agg.keyOfItem.has(itemIndex) : keyIndex !== undefined && intermediateKeys.some((k) => k.index === keyIndex);
    if (isKey && refKey!.keyIndex !== undefined) {
      const claim = keyClaims.get(keyIndex!);
      if (claim === undefined) keyClaims.set(keyIndex!, refKey!.index);
      else if (claim !== refKey!.index) isKey = false;
    }
    if (isKey && keyIndex !== undefined && keyIndex !== refKey!.index) {
      const k = keyIndex;
      expr = { ...expr, evaluate: (row) => row[k], columnIndex: k };
    }
    return { name: it.name!, type: expr.type, namespace: isKey ? 'KEY' : 'VALUE', expr };
  });

  const resultType: 'STREAM' | 'TABLE' = agg ? 'TABLE' : join ? join.resultType : source.sourceType;
  let keyColumns: OutputColumn[];
  let valueColumns: OutputColumn[];
  if (agg) {
    ({ keyColumns, valueColumns } = splitAggregateOutput(selected, agg, query.groupBy ?? [], mode, opts.sinkName));
  } else if (newPlanner) {
    keyColumns = selected.filter((s) => s.namespace === 'KEY');
    valueColumns = selected.filter((s) => s.namespace !== 'KEY');
  } else if (mode === 'persistent') {
    keyColumns = [];
    const missing: string[] = [];
    const keyText = (key: ScopeColumn): string => (partitionBy ? (partitionBy.exprs[partitionBy.names.indexOf(key.name)]?.text ?? key.name) : key.name);
    for (const key of intermediateKeys) {
      const uses = selected.filter((s) => s.namespace === 'KEY' && s.expr.columnIndex === key.index);
      if (uses.length === 0) {
        missing.push(keyText(key));
        continue;
      }
      if (uses.length > 1) {
        const names = uses.map((u) => u.name);
        if (join) names.sort();
        throw new QueryPlanningError(`The projection contains a key column (\`${key.name}\`) more than once, aliased as: ${joinNames(names)}.`);
      }
      keyColumns.push(uses[0]!);
    }
    if (missing.length > 0 && join && !partitionBy) {
      const absent = join.keys.filter((k) => !keyColumns.some((c) => c.expr.columnIndex === k.column.index));
      throw new QueryPlanningError(missingJoinKeyMessage(join, opts.sinkName, absent));
    }
    if (missing.length > 0) {
      // As ksqlDB does, the message names every key the projection needs, not only the absent ones.
      missing.splice(0, missing.length, ...intermediateKeys.map(keyText));
      const what = partitionBy
        ? missing.length === 1
          ? 'partitioning expression'
          : 'partitioning expressions'
        : missing.length === 1
          ? 'key column'
          : 'key columns';
      throw new QueryPlanningError(
        `The query used to build \`${opts.sinkName}\` must include the ${what} ${joinNames(missing)} in its projection (eg, SELECT ${missing.join(', ')}...).`,
      );
    }
    valueColumns = selected.filter((s) => !keyColumns.includes(s));
    if (valueColumns.length === 0) throw new QueryPlanningError('The projection contains no value columns.');
    const seen = new Set<string>();
    for (const c of [...keyColumns, ...valueColumns]) {
      if (seen.has(c.name)) {
        throw new QueryPlanningError(`Cannot create ${resultType === 'TABLE' ? 'table' : 'stream'} with duplicate column name: \`${c.name}\``);
      }
      seen.add(c.name);
    }
  } else {
    keyColumns = selected.filter((s) => s.namespace === 'KEY');
    valueColumns = selected.filter((s) => s.namespace !== 'KEY');
    if (mode === 'pull') checkDistinctOutputNames(keyColumns, valueColumns);
  }

  return {
    mode,
    source,
    layout,
    where,
    partitionBy,
    tableFunctions,
    selected,
    keyColumns,
    valueColumns,
    resultType,
    rowWidth: width,
    limit: query.limit,
    errors,
    ...(agg ? { aggregate: agg.step } : {}),
    ...(join ? { join } : {}),
  };
}

/**
 * `SELECT *` over a repartitioned join: ksqlDB's PARTITION BY step gives every column of the
 * joined rows, each side's as <ALIAS>_<COLUMN> in its value order (values, ROWTIME,
 * ROWPARTITION, ROWOFFSET, window bounds, then its key columns), after the new key.
 */
function repartitionedJoinColumns(scope: RowScope, join: JoinAnalysis): ScopeColumn[] {
  const out = scope.columns.filter((c) => c.namespace === 'KEY');
  for (const side of join.sources) {
    const own = scope.columns.filter((c) => c.owner?.has(side.alias) && c.namespace !== 'KEY');
    const keyNames = new Set(side.source.schema.key.map((k) => k.name));
    const rank = (c: ScopeColumn): number => (c.namespace === 'PSEUDO' || c.windowBound ? 1 : keyNames.has(c.columnName ?? '') ? 2 : 0);
    out.push(...own.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((e) => e.c));
  }
  return out;
}

/**
 * A join's WHERE filters the joined rows, whose columns ksqlDB names <ALIAS>_<COLUMN>: its
 * texts and messages then read `I1_BAR`, not `I1.BAR`. Lambda bodies are left as written.
 */
function withJoinedNames(e: Expression, scope: RowScope): Expression {
  return rewriteExpression(e, (node) => {
    if (node.kind === 'Lambda') return node;
    if (node.kind !== 'ColumnRef') return undefined;
    const c = scope.resolve(node);
    if (!c || c.owner === undefined || scope.resolve({ name: c.name }) !== c) return node;
    return { kind: 'ColumnRef', name: c.name, ...(node.loc ? { loc: node.loc } : {}) } satisfies ColumnRef;
  });
}

function mentionsSelectAlias(select: SelectItem[], name: string): boolean {
  return select.some((s) => s.kind === 'SingleColumn' && s.alias === name);
}

function checkResolvable(e: Expression, scope: RowScope, message: (name: string) => string, loc?: import('../../parser/ast.js').Loc): void {
  for (const ref of columnRefs(e)) {
    if (!scope.resolve(ref)) {
      const name = ref.source ? `${ref.source}.${ref.name}` : ref.name;
      throw new QueryPlanningError(message(name), ref.loc ?? loc);
    }
  }
}

/** The result schema: keys then values (persistent) — for transient queries, select order. */
export function resultSchema(a: AnalyzedQuery): LogicalSchema {
  return {
    key: a.keyColumns.map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' as const })),
    value: a.valueColumns.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
  };
}

export function schemasEqual(a: LogicalSchema, b: LogicalSchema): boolean {
  const eq = (x: LogicalSchema['key'], y: LogicalSchema['key']) =>
    x.length === y.length && x.every((c, i) => c.name === y[i]!.name && typesEqual(c.type, y[i]!.type));
  return eq(a.key, b.key) && eq(a.value, b.value);
}
