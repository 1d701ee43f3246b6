// Analysis of aggregating SELECTs (GROUP BY, aggregate functions, HAVING, WINDOW).
//
// The source row (after WHERE) feeds two things compiled against the source scope: the
// grouping expressions and the aggregate calls' arguments. The runtime folds each row into
// a state per group (and window), then builds an "aggregate row":
//   [group key values..., aggregate results..., WINDOWSTART, WINDOWEND]
// The select items and HAVING are rewritten to read that row (a grouping expression becomes
// a reference to its key slot, an aggregate call a reference to its result slot) and
// compiled against it, so the projection is an ordinary compiled expression.

import type { DataSource } from '../../catalog/model.js';
import type { FunctionRegistry, ResolvedAggregate } from '../../functions/registry.js';
import type { ColumnRef, Expression, FunctionCall, Loc, Query, WindowExpression } from '../../parser/ast.js';
import { BIGINT, containsMap, formatType, typesEqual, type SqlType } from '../../common/types.js';
import { buildCoercer, canCoerce } from '../expressions/index.js';
import { getProperty } from '../../config/index.js';
import { compileIn, type CompileContext, type CompiledExpression } from './compile.js';
import { QueryPlanningError } from './errors.js';
import { columnRefs, containsAny, expressionText, rewriteExpression } from './expression-text.js';
import { RowScope, type ScopeColumn, type SourceLayout } from './layout.js';
import type { WindowSpec } from '../../plan/steps.js';
import { windowSettings } from './window-settings.js';

export interface AggregateCall {
  name: string;
  fn: ResolvedAggregate;
  /** What `fn` was resolved from, so the runtime resolves the same implementation. */
  argShapes: ValueArgShape[];
  /** Arguments in call order, compiled against the source scope (constants included). */
  args: CompiledExpression[];
  text: string;
}

export interface ValueArgShape {
  kind: 'value';
  type: SqlType | null;
  literal?: unknown;
}

/** An aggregate's argument converted to the parameter type its resolution chose (an implicit cast). */
function coercedTo(arg: CompiledExpression, to: SqlType | null | undefined): CompiledExpression {
  if (!to || !arg.type || typesEqual(arg.type, to) || !canCoerce(arg.type, to)) return arg;
  const convert = buildCoercer(arg.type, to);
  const { columnIndex: _direct, evaluate, ...rest } = arg;
  return { ...rest, type: to, coercedFrom: arg.type, evaluate: (row) => convert(evaluate(row)) };
}

export type { WindowSpec } from '../../plan/steps.js';

export interface AggregateStep {
  /** Grouping expressions over the source row, in GROUP BY order (the output key order). */
  groupBy: CompiledExpression[];
  calls: AggregateCall[];
  window?: WindowSpec;
  /** Over the aggregate row. */
  having?: CompiledExpression;
  emitFinal: boolean;
  /** ksql.functions.*.limit for this query. */
  limits: { collectList: number; collectSet: number; histogram: number };
  sourceIsTable: boolean;
  /** Layout of the aggregate row. */
  aggregateBase: number;
  windowStartIndex: number;
  windowEndIndex: number;
  width: number;
}

export interface AggregateItem {
  expr: Expression;
  alias?: string;
  name?: string;
  loc?: Loc;
}

/**
 * ksqlDB's grace period for windows without GRACE PERIOD: 24 hours less the window size
 * (so a window closes 24 hours after its start), except with EMIT FINAL, where a window's
 * result is emitted as soon as stream time reaches its end. Sliding windows: 24 hours.
 */
export const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;

function defaultGraceMs(type: WindowExpression['type'], sizeMs: number, emitFinal: boolean): number {
  if (emitFinal) return 0;
  return type === 'SLIDING' ? DEFAULT_GRACE_MS : Math.max(DEFAULT_GRACE_MS - sizeMs, 0);
}

export function isAggregateQuery(query: Query, functions: FunctionRegistry): boolean {
  if ((query.groupBy?.length ?? 0) > 0 || query.window || query.having) return true;
  return query.select.some((s) => s.kind === 'SingleColumn' && containsAggregate(s.expr, functions));
}

export function containsAggregate(e: Expression, functions: FunctionRegistry): boolean {
  return containsAny(e, (n) => n.kind === 'FunctionCall' && functions.kindOf(n.name) === 'AGGREGATE');
}

/** Text of an expression with source qualifiers dropped (`T.A` and `A` match). */
function plainText(e: Expression): string {
  return expressionText(
    rewriteExpression(e, (n) => (n.kind === 'ColumnRef' && n.source !== undefined ? { ...n, source: undefined } : undefined)),
  );
}

const WINDOW_BOUNDS = new Set(['WINDOWSTART', 'WINDOWEND']);

/** COUNT windows: the window's number within its key (0, 1, 2, ...). */
export const WINDOW_SEQUENCE = 'WINDOWSEQ';

function mentionsWindowBounds(e: Expression, scope: RowScope): string | undefined {
  for (const r of columnRefs(e)) {
    if (WINDOW_BOUNDS.has(r.name)) {
      const col = scope.resolve(r);
      if (!col || col.namespace === 'PSEUDO') return r.name;
    }
  }
  return undefined;
}

function windowSpec(w: WindowExpression, emitFinal: boolean, properties: Record<string, unknown>): WindowSpec {
  return { ...windowShape(w, emitFinal), ...windowSettings(properties, emitFinal, w) };
}

function windowShape(w: WindowExpression, emitFinal: boolean): WindowSpec {
  if (w.type === 'COUNT') {
    const { size, advance } = w.records!;
    if (!(size > 0)) throw new QueryPlanningError(`COUNT window size must be a positive number of records, got ${size}.`, w.loc);
    if (!(advance > 0) || advance > size) {
      throw new QueryPlanningError(`COUNT window advance must be between 1 and the window size (${size}), got ${advance}.`, w.loc);
    }
    if (w.grace || w.retention) throw new QueryPlanningError('COUNT windows take no GRACE PERIOD or RETENTION: they close when they hold SIZE records.', w.loc);
    return { type: 'COUNT', sizeMs: 0, advanceMs: 0, graceMs: 0, records: { size, advance } };
  }
  const sizeMs = w.size.ms;
  const advanceMs = w.type === 'HOPPING' ? (w.advance?.ms ?? sizeMs) : sizeMs;
  if (sizeMs <= 0) throw new QueryPlanningError(`Window size must be positive, got ${w.size.value} ${w.size.unit}.`, w.loc);
  if (w.type === 'HOPPING') {
    if (advanceMs <= 0) throw new QueryPlanningError('Window advance must be positive.', w.loc);
    if (advanceMs > sizeMs) {
      throw new QueryPlanningError(
        `Window advance must be less than or equal to the window size: ADVANCE BY ${w.advance!.value} ${w.advance!.unit} > SIZE ${w.size.value} ${w.size.unit}.`,
        w.loc,
      );
    }
  }
  const graceMs = w.grace?.ms ?? defaultGraceMs(w.type, sizeMs, emitFinal);
  if (w.retention && w.retention.ms < sizeMs + graceMs) {
    throw new QueryPlanningError(
      `The window's RETENTION (${w.retention.ms} ms) must be no smaller than its size plus the grace period (${sizeMs} + ${graceMs} ms): give a RETENTION of at least ${sizeMs + graceMs} ms or leave it out.`,
      w.loc,
    );
  }
  return { type: w.type, sizeMs, advanceMs, graceMs, ...(w.retention ? { retentionMs: w.retention.ms } : {}) };
}

/** Aggregates whose intermediate state is a struct, list or map (not representable in DELIMITED/KAFKA values). */
const COMPLEX_INTERMEDIATE = new Set(['AVG', 'TOPK', 'TOPKDISTINCT', 'STDDEV_SAMP', 'STDDEV_SAMPLE', 'CORRELATION']);

/** Aggregates that cannot retract a value, so they are refused over a table. */
function checkTableAggregates(calls: AggregateCall[]): void {
  const bad = [...new Set(calls.filter((c) => !c.fn.undo).map((c) => c.name))];
  if (bad.length === 0) return;
  const list = bad.length === 1 ? bad[0]! : `${bad.slice(0, -1).join(', ')} and ${bad[bad.length - 1]}`;
  throw new QueryPlanningError(
    `The aggregation function${bad.length === 1 ? '' : 's'} ${list} cannot be applied to a table source, only to a stream source.`,
  );
}

export interface AggregateAnalysis {
  step: AggregateStep;
  /** Select items rewritten over the aggregate row, with their scope. */
  scope: RowScope;
  /** Index in `items` → group key position, for items that are exactly a grouping expression. */
  keyOfItem: Map<number, number>;
  /** Rewrites a compile error message to name aggregate calls and grouping expressions as written. */
  originalNames: (message: string) => string;
  /** Compiles a rewritten select item; errors name the original calls and grouping expressions. */
  compileItem: (e: Expression, scope: RowScope, cctx: CompileContext) => CompiledExpression;
}

/**
 * Builds the aggregation step and rewrites `items` (already expanded and named) in place to
 * read the aggregate row. Throws ksqlDB's messages for invalid aggregations.
 */
export function analyzeAggregation(
  query: Query,
  items: AggregateItem[],
  layout: SourceLayout,
  source: DataSource,
  cctx: CompileContext & { functions: FunctionRegistry },
  mode: 'persistent' | 'push' | 'pull',
  properties: Record<string, unknown> = {},
): AggregateAnalysis {
  const functions = cctx.functions;
  const sourceScope = layout.scope;
  const groupExprs = query.groupBy ?? [];

  if (mode === 'persistent' && source.valueFormat.format === 'KAFKA') {
    throw new QueryPlanningError(`Source(s) ${source.name} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`);
  }
  if (query.emit === 'FINAL' && !query.window) {
    throw new QueryPlanningError('EMIT FINAL is only supported for windowed aggregations.');
  }
  if (query.partitionBy && query.partitionBy.length > 0) {
    throw new QueryPlanningError('PARTITION BY cannot be used with GROUP BY or aggregate functions.');
  }
  for (const it of items) {
    if (containsAny(it.expr, (n) => n.kind === 'FunctionCall' && functions.kindOf(n.name) === 'TABLE')) {
      throw new QueryPlanningError('Table functions cannot be used with aggregations.');
    }
  }

  if (mode === 'persistent') {
    for (const it of items) {
      const e = it.expr;
      if (it.alias === undefined && e.kind === 'ColumnRef' && WINDOW_BOUNDS.has(e.name)) {
        throw new QueryPlanningError(`Reserved column name in select: \`${e.name}\`. Please remove or alias the column.`, it.loc);
      }
    }
  }

  // ---------------------------------------------------------------- grouping expressions
  const groupTexts: string[] = [];
  for (const g of groupExprs) {
    if (mentionsWindowBounds(g, sourceScope)) {
      throw new QueryPlanningError('Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations');
    }
    if (containsAggregate(g, functions)) {
      const fn = findAggregate(g, functions)!;
      throw new QueryPlanningError(`GROUP BY does not support aggregate functions: ${fn.name} is an aggregate function.`, g.loc);
    }
    for (const ref of columnRefs(g)) {
      if (!sourceScope.resolve(ref)) {
        throw new QueryPlanningError(`GROUP BY column '${ref.source ? `${ref.source}.${ref.name}` : ref.name}' cannot be resolved.`, ref.loc);
      }
    }
    const t = plainText(g);
    if (groupTexts.includes(t)) {
      throw new QueryPlanningError(`Duplicate GROUP BY expression: ${expressionText(qualify(g, layout.alias))}`);
    }
    groupTexts.push(t);
  }
  const groupBy = groupExprs.map((g) => compileIn(g, sourceScope, cctx));
  groupBy.forEach((g, i) => {
    if (g.type === null || g.type === undefined) {
      throw new QueryPlanningError(`GROUP BY expression ${g.text} has no type; cast it, e.g. CAST(NULL AS STRING).`, groupExprs[i]!.loc);
    }
    if (containsMap(g.type)) {
      throw new QueryPlanningError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${plainText(groupExprs[i]!)}\`. Column type: ${formatType(g.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      );
    }
  });

  // ---------------------------------------------------------------- aggregate calls
  const calls: AggregateCall[] = [];
  const callTexts: string[] = [];
  const aggregateBase = groupBy.length;
  const internalCall = (i: number) => `\u0000AGG${i}`;
  const internalKey = (i: number) => `\u0000KEY${i}`;

  const replaceCalls = (e: Expression): Expression =>
    rewriteExpression(e, (n) => {
      if (n.kind !== 'FunctionCall' || functions.kindOf(n.name) !== 'AGGREGATE') return undefined;
      const text = plainText(n);
      let index = callTexts.indexOf(text);
      if (index < 0) {
        index = calls.length;
        calls.push(resolveCall(n));
        callTexts.push(text);
      }
      return { kind: 'ColumnRef', name: internalCall(index), loc: n.loc } satisfies ColumnRef;
    });

  function resolveCall(n: FunctionCall): AggregateCall {
    for (const a of n.args) {
      if (containsAggregate(a, functions)) {
        throw new QueryPlanningError(`Aggregate functions can not be nested: ${plainText(n)}`, n.loc);
      }
      if (mentionsWindowBounds(a, sourceScope)) {
        throw new QueryPlanningError('Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations');
      }
      for (const ref of columnRefs(a)) {
        if (!sourceScope.resolve(ref)) {
          throw new QueryPlanningError(`SELECT column '${ref.source ? `${ref.source}.${ref.name}` : ref.name}' cannot be resolved.`, ref.loc);
        }
      }
    }
    const args = n.star ? [] : n.args.map((a) => compileIn(a, sourceScope, cctx));
    const argShapes = args.map((a, i) => ({ kind: 'value' as const, type: a.type ?? null, literal: constantValue(n.args[i]!, a) }));
    const fn = functions.resolveAggregate(n.name, argShapes);
    return { name: n.name, fn, argShapes, args: args.map((a, i) => coercedTo(a, fn.paramTypes[i])), text: expressionText(n) };
  }

  const replaceGroups = (e: Expression): Expression =>
    rewriteExpression(e, (n) => {
      if (n.kind === 'Literal') return n;
      const i = groupTexts.indexOf(plainText(n));
      return i >= 0 ? ({ kind: 'ColumnRef', name: internalKey(i), loc: n.loc } satisfies ColumnRef) : undefined;
    });

  // Aggregate calls first: their arguments read the source row even when they mention a
  // grouping expression (COUNT(X) with X grouped still counts X).
  const rewrite = (e: Expression): Expression => replaceGroups(replaceCalls(e));

  const nonAggregate: string[] = [];
  const keyOfItem = new Map<number, number>();
  items.forEach((it, idx) => {
    const original = it.expr;
    if (mode === 'persistent' || mode === 'push') {
      const bound = mentionsWindowBounds(original, sourceScope);
      if (bound && !query.window) {
        throw new QueryPlanningError(`SELECT column '${bound}' cannot be resolved.`, it.loc);
      }
    }
    const directKey = groupTexts.indexOf(plainText(original));
    if (directKey >= 0) keyOfItem.set(idx, directKey);
    const rewritten: Expression = directKey >= 0 ? { kind: 'ColumnRef', name: internalKey(directKey), loc: original.loc } : rewrite(original);
    const leftovers = columnRefs(rewritten).filter(
      (r) => !r.name.startsWith('\u0000') && !(query.window && (WINDOW_BOUNDS.has(r.name) || (query.window.type === 'COUNT' && r.name === WINDOW_SEQUENCE))),
    );
    if (leftovers.length > 0) nonAggregate.push(plainText(original));
    it.expr = rewritten;
  });
  const havingHasCalls = query.having !== undefined && containsAggregate(query.having, functions);
  for (const e of [...items.map((i) => i.expr), ...(query.having ? [query.having] : [])]) {
    const unknown = findCall(e, (n) => functions.kindOf(n.name) === undefined);
    if (unknown) throw new QueryPlanningError(`Can't find any functions with the name '${unknown.name}'`, unknown.loc);
  }
  if (calls.length === 0 && !havingHasCalls) {
    throw new QueryPlanningError('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.');
  }
  if (nonAggregate.length > 0) {
    throw new QueryPlanningError(
      `Non-aggregate SELECT expression(s) not part of GROUP BY: ${nonAggregate.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`,
    );
  }

  let havingExpr: Expression | undefined;
  if (query.having) {
    const bound = mentionsWindowBounds(query.having, sourceScope);
    if (bound) throw new QueryPlanningError('Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations');
    havingExpr = rewrite(query.having);
    const leftovers = columnRefs(havingExpr).filter((r) => !r.name.startsWith('\u0000'));
    if (leftovers.length > 0) {
      throw new QueryPlanningError(`Non-aggregate HAVING expression not part of GROUP BY: ${[...new Set(leftovers.map((r) => r.name))].join(', ')}`);
    }
  }

  // Without GROUP BY, transient queries aggregate all rows as one group.
  if (groupBy.length === 0 && mode === 'persistent') {
    throw new QueryPlanningError('Aggregate functions require a GROUP BY clause: add GROUP BY with the columns to group on.');
  }

  // A pull query folds the matching rows afresh, so it needs no undo.
  if (source.sourceType === 'TABLE' && mode !== 'pull') checkTableAggregates(calls);
  if (mode === 'persistent' && (source.valueFormat.format === 'DELIMITED' || source.valueFormat.format === 'KAFKA')) {
    if (calls.some((c) => COMPLEX_INTERMEDIATE.has(c.name))) {
      throw new QueryPlanningError(
        'One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.',
      );
    }
  }

  if (query.window && source.sourceType === 'TABLE') {
    throw new QueryPlanningError('Windowing not supported for table aggregations. Aggregate the stream the table is built from, or drop the WINDOW clause.', query.window.loc);
  }
  const window = query.window ? windowSpec(query.window, query.emit === 'FINAL', properties) : undefined;
  if (source.keyFormat.window && mode === 'persistent') {
    throw new QueryPlanningError('KSQL does not support persistent queries on windowed tables.');
  }

  // ---------------------------------------------------------------- aggregate row scope
  const columns: ScopeColumn[] = [];
  groupBy.forEach((g, i) => columns.push({ name: internalKey(i), type: g.type, index: i, namespace: 'KEY' }));
  calls.forEach((c, i) => columns.push({ name: internalCall(i), type: c.fn.returnType, index: aggregateBase + i, namespace: 'VALUE' }));
  const windowStartIndex = aggregateBase + calls.length;
  const windowEndIndex = windowStartIndex + 1;
  if (window) {
    columns.push({ name: 'WINDOWSTART', type: BIGINT, index: windowStartIndex, namespace: 'PSEUDO' });
    columns.push({ name: 'WINDOWEND', type: BIGINT, index: windowEndIndex, namespace: 'PSEUDO' });
    if (window.type === 'COUNT') columns.push({ name: WINDOW_SEQUENCE, type: BIGINT, index: windowEndIndex + 1, namespace: 'PSEUDO' });
  }
  const scope = new RowScope(columns, layout.scope.qualifiers);

  // Messages about rewritten expressions name the original calls and grouping expressions.
  const originalNames = (message: string): string => {
    let m = message;
    calls.forEach((c, i) => (m = m.split(`\`${internalCall(i)}\``).join(callTexts[i]!).split(internalCall(i)).join(callTexts[i]!)));
    groupTexts.forEach((t, i) => (m = m.split(`\`${internalKey(i)}\``).join(t).split(internalKey(i)).join(t)));
    return m;
  };

  let having: CompiledExpression | undefined;
  if (havingExpr) {
    try {
      having = compileIn(havingExpr, scope, cctx);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      throw new QueryPlanningError(`Error in HAVING expression: ${originalNames(e.message)}`, query.having!.loc);
    }
    if (having.type.base !== 'BOOLEAN') {
      throw new QueryPlanningError(
        `Type error in HAVING expression: Should evaluate to boolean but is ${plainText(query.having!)} (${formatType(having.type)}) instead.`,
        query.having!.loc,
      );
    }
  }

  return {
    originalNames,
    compileItem: (e, s, c) => {
      try {
        return compileIn(e, s, c);
      } catch (err) {
        if (!(err instanceof Error) || originalNames(err.message) === err.message) throw err;
        throw new QueryPlanningError(originalNames(err.message), err instanceof QueryPlanningError ? err.loc : undefined);
      }
    },
    step: {
      groupBy,
      calls,
      ...(window ? { window } : {}),
      ...(having ? { having } : {}),
      emitFinal: query.emit === 'FINAL',
      limits: aggregateLimitsFrom(properties),
      sourceIsTable: source.sourceType === 'TABLE',
      aggregateBase,
      windowStartIndex,
      windowEndIndex,
      width: windowEndIndex + (window?.type === 'COUNT' ? 2 : 1),
    },
    scope,
    keyOfItem,
  };
}

function aggregateLimitsFrom(properties: Record<string, unknown>): AggregateStep['limits'] {
  const limit = (name: string) => {
    const v = Number(getProperty(properties, name));
    return Number.isInteger(v) && v >= 0 ? v : 1000;
  };
  return {
    collectList: limit('ksql.functions.collect_list.limit'),
    collectSet: limit('ksql.functions.collect_set.limit'),
    histogram: limit('ksql.functions.histogram.limit'),
  };
}

function findAggregate(e: Expression, functions: FunctionRegistry): FunctionCall | undefined {
  return findCall(e, (n) => functions.kindOf(n.name) === 'AGGREGATE');
}

function findCall(e: Expression, pred: (n: FunctionCall) => boolean): FunctionCall | undefined {
  let found: FunctionCall | undefined;
  rewriteExpression(e, (n) => {
    if (found) return n;
    if (n.kind === 'FunctionCall' && pred(n)) {
      found = n;
      return n;
    }
    return undefined;
  });
  return found;
}

/** The value of a constant argument (no column references), e.g. TOPK's k; else undefined. */
function constantValue(e: Expression, compiled: CompiledExpression): unknown {
  if (columnRefs(e).length > 0 || (e.kind === 'Literal' && e.type === 'NULL')) return undefined;
  try {
    return compiled.evaluate([]) ?? undefined;
  } catch {
    return undefined;
  }
}

function qualify(e: Expression, alias: string): Expression {
  return rewriteExpression(e, (n) => (n.kind === 'ColumnRef' && n.source === undefined ? { ...n, source: alias } : undefined));
}

/**
 * Splits the projection of an aggregation into output key columns (the select items that
 * are exactly a grouping expression, in GROUP BY order) and value columns.
 */
export function splitAggregateOutput<C extends { name: string; type: SqlType }>(
  selected: C[],
  agg: AggregateAnalysis,
  groupExprs: Expression[],
  mode: 'persistent' | 'push' | 'pull',
  sinkName: string | undefined,
): { keyColumns: C[]; valueColumns: C[] } {
  const keyColumns: C[] = [];
  const missing: string[] = [];
  groupExprs.forEach((g, gi) => {
    const uses = selected.filter((_, i) => agg.keyOfItem.get(i) === gi);
    if (uses.length === 0) {
      missing.push(plainText(g));
      return;
    }
    if (uses.length > 1 && mode === 'persistent') {
      throw new QueryPlanningError(`The projection contains a key column more than once: ${uses.map((u) => `\`${u.name}\``).join(' and ')}.`);
    }
    keyColumns.push(uses[0]!);
  });
  if (mode === 'persistent' && missing.length > 0) {
    const what = missing.length === 1 ? 'grouping expression' : 'grouping expressions';
    const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw new QueryPlanningError(
      `The query used to build \`${sinkName}\` must include the ${what} ${list} in its projection (eg, SELECT ${missing.join(', ')}...).`,
    );
  }
  const valueColumns = selected.filter((c) => !keyColumns.includes(c));
  if (mode === 'persistent') {
    if (valueColumns.length === 0) throw new QueryPlanningError('The projection contains no value columns.');
    const seen = new Set<string>();
    for (const c of [...keyColumns, ...valueColumns]) {
      if (seen.has(c.name)) {
        const side = keyColumns.includes(c) ? 'key' : 'value';
        throw new QueryPlanningError(`Duplicate ${side} columns found in schema: \`${c.name}\` ${formatType(c.type)}`);
      }
      seen.add(c.name);
    }
  }
  return { keyColumns, valueColumns };
}
