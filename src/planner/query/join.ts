// Analysis of the FROM ... JOIN ... part of a query: resolves the joined sources, checks
// each join criteria against ksqlDB's rules (and error texts), decides the key of every
// join step (a source column, or a synthetic ROWKEY), and builds the joined row layout
// the rest of the query is analysed against.
//
// Joined row: [source 0 row | source 1 row | ... | one key slot per step | ROWTIME,
// ROWPARTITION, ROWOFFSET of the result]. Each source row keeps its own layout (keys,
// values, its pseudo columns), so `L.ROWTIME` reads the left record's time and `ROWTIME`
// the joined record's.

import type { CatalogView, DataSource } from '../../catalog/model.js';
import type { ColumnRef, Expression, JoinClause, Loc, Query } from '../../parser/ast.js';
import { containsMap, formatType, typesEqual, type SqlType } from '../../common/types.js';
import { compileIn, type CompileContext, type CompiledExpression } from './compile.js';
import { QueryPlanningError, at } from './errors.js';
import { columnRefs, expressionText, rewriteExpression } from './expression-text.js';
import { PSEUDO_COLUMNS, RowScope, sourceLayout, type ScopeColumn, type SourceLayout } from './layout.js';

export type JoinKind = 'STREAM_STREAM' | 'STREAM_TABLE' | 'TABLE_TABLE' | 'FOREIGN_KEY';

export interface JoinSource {
  source: DataSource;
  alias: string;
  /** The source's own row layout (as decoded from its topic). */
  layout: SourceLayout;
  /** Where its row starts in the joined row. */
  offset: number;
}

export interface JoinWindow {
  beforeMs: number;
  afterMs: number;
  /** Absent: no GRACE PERIOD clause (outer results are emitted eagerly). */
  graceMs?: number;
}

export interface JoinStep {
  type: JoinClause['type'];
  kind: JoinKind;
  /** Index of the right source; the left input is sources[0..right-1] joined. */
  right: number;
  /** The join value of the left input and of the right input, over the joined row. */
  leftKey: CompiledExpression;
  rightKey: CompiledExpression;
  /** Row index where the step writes its key (the join value). */
  keySlot: number;
  keyType: SqlType;
  leftType: 'STREAM' | 'TABLE';
  window?: JoinWindow;
  text: string;
}

export interface JoinKeyColumn {
  column: ScopeColumn;
  /** Source expressions that may be projected as this key, e.g. L.A, R.A (for messages). */
  expressions: string[];
  synthetic: boolean;
}

export interface JoinAnalysis {
  sources: JoinSource[];
  steps: JoinStep[];
  /** Layout of the joined row; `source` is the leftmost source. */
  layout: SourceLayout;
  /** Type of every joined row index (for state stores). */
  rowTypes: SqlType[];
  /** The result key (FK joins: the left table's primary key columns). */
  keys: JoinKeyColumn[];
  resultType: 'STREAM' | 'TABLE';
  /** The left table of a foreign-key join, for its projection message. */
  foreignKeyLeft?: string;
}

export interface JoinAnalyzeOptions {
  catalog: CatalogView;
  /** Partition count of a topic when it is known without I/O. */
  partitionsOf?: (topic: string) => number | undefined;
}

function fail(message: string, loc?: Loc): never {
  throw new QueryPlanningError(message, loc);
}

function joinTypeText(t: JoinClause['type']): string {
  switch (t) {
    case 'INNER':
      return '[INNER] JOIN';
    case 'LEFT':
      return 'LEFT [OUTER] JOIN';
    case 'RIGHT':
      return 'RIGHT [OUTER] JOIN';
    case 'FULL':
      return '[FULL] OUTER JOIN';
  }
}

function windowName(s: DataSource): string | undefined {
  return s.keyFormat.window?.type;
}

export function analyzeJoins(query: Query, opts: JoinAnalyzeOptions, cctx: CompileContext): JoinAnalysis {
  const { catalog } = opts;
  const refs = [query.from, ...query.joins.map((j) => j.source)];
  const sources: JoinSource[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const ref of refs) {
    const source = catalog.getSource(ref.name);
    if (!source) fail(at(ref.loc, `Source \`${ref.name}\` does not exist.`), ref.loc);
    if (seen.has(source.name)) {
      if (refs.length === 2) fail(`Can not join '${source.name}' to '${source.name}': self joins are not yet supported.`, ref.loc);
      fail(`N-way joins do not support multiple occurrences of the same source. Source: '${source.name}'`, ref.loc);
    }
    seen.add(source.name);
    const alias = ref.alias ?? source.name;
    const layout = sourceLayout(source, ref.alias);
    sources.push({ source, alias, layout, offset });
    offset += layout.width;
  }
  const kafka = sources.filter((s) => s.source.valueFormat.format === 'KAFKA').map((s) => s.source.name);
  if (kafka.length > 0) {
    fail(`Source(s) ${kafka.join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`);
  }

  // Columns of every source, named <ALIAS>_<COL>, owned by the source's qualifiers.
  const columns: ScopeColumn[] = [];
  const sourceOf = new Map<ScopeColumn, number>();
  const rowTypes: SqlType[] = [];
  sources.forEach((s, i) => {
    const owner = s.layout.scope.qualifiers;
    for (const c of s.layout.scope.columns) {
      const col: ScopeColumn = {
        name: `${s.alias}_${c.name}`,
        type: c.type,
        index: s.offset + c.index,
        namespace: c.namespace === 'KEY' ? 'VALUE' : c.namespace,
        ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}),
        owner,
        columnName: c.name,
      };
      columns.push(col);
      sourceOf.set(col, i);
      rowTypes[col.index] = c.type;
    }
  });
  for (const c of columns) c.ambiguous = columns.some((o) => o !== c && o.columnName === c.columnName && sourceOf.get(o) !== sourceOf.get(c));
  const qualifiers = new Set<string>();
  for (const s of sources) for (const q of s.layout.scope.qualifiers) qualifiers.add(q);
  const slotBase = offset;
  const width = slotBase + query.joins.length + PSEUDO_COLUMNS.length;
  const pseudo: ScopeColumn[] = PSEUDO_COLUMNS.map((p, i) => ({ name: p.name, type: p.type, index: slotBase + query.joins.length + i, namespace: 'PSEUDO' }));
  pseudo.forEach((p) => (rowTypes[p.index] = p.type));
  const sourceScope = new RowScope([...columns, ...pseudo], qualifiers);
  const taken = new Set(columns.map((c) => c.columnName!));

  // Every criteria must compare one source with another before any other check.
  for (const join of query.joins) {
    if (join.on.kind !== 'Comparison') continue;
    const on = join.on;
    for (const ref of columnRefs(on)) checkQualifier(sourceScope, ref);
    const sides = [on.left, on.right].map((e) => sourcesOf(e, sourceScope, sourceOf));
    sides.forEach((set, i) => {
      if (set.size !== 1) {
        fail(
          `Invalid comparison expression '${expressionText(i === 0 ? on.left : on.right)}' in join '${expressionText(on)}'. Each side of the join comparision must contain references from exactly one source.`,
          on.loc,
        );
      }
    });
    const [a, b] = sides.map((set) => [...set][0]!);
    if (a === b) {
      fail(
        `Each side of the join must reference exactly one source and not the same source. Left side references \`${sources[a!]!.alias}\` and right references \`${sources[b!]!.alias}\``,
        on.loc,
      );
    }
  }
  const qualified = (e: Expression) => qualifiedText(e, sourceScope);

  const steps: JoinStep[] = [];
  let leftType: 'STREAM' | 'TABLE' = sources[0]!.source.sourceType;
  /** The current key of the joined result: its slot and the columns equal to it. */
  let key: { slot: number; name: string; type: SqlType; equivalents: ScopeColumn[]; texts: Set<string>; synthetic: boolean } | undefined;
  let foreignKeyLeft: string | undefined;
  const keyColumns: ScopeColumn[] = [];

  query.joins.forEach((join, n) => {
    const right = n + 1;
    const rightSource = sources[right]!;
    const on = join.on;
    if (on.kind === 'Logical' && on.op === 'AND') {
      fail(`Invalid join condition: joins on multiple conditions are not yet supported. Got ${expressionText(on)}.`, on.loc);
    }
    if (on.kind !== 'Comparison' || on.op !== '=') {
      fail(`Unsupported join expression: ${expressionText(on)}. Only equality joins are supported.`, on.loc);
    }
    const li = [...sourcesOf(on.left, sourceScope, sourceOf)][0]!;
    const ri = [...sourcesOf(on.right, sourceScope, sourceOf)][0]!;
    let leftExpr: Expression;
    let rightExpr: Expression;
    if (ri === right && li < right) {
      leftExpr = on.left;
      rightExpr = on.right;
    } else if (li === right && ri < right) {
      leftExpr = on.right;
      rightExpr = on.left;
    } else {
      fail(
        `A join criteria is expected to reference the source (\`${rightSource.alias}\`) in the FROM clause, instead the right source references \`${sources[ri]!.alias}\` and the left source references \`${sources[li]!.alias}\``,
        on.loc,
      );
    }
    const leftSourceIndex = li === right ? ri : li;
    const leftName = sources[leftSourceIndex]!.source.name;
    const leftDesc = sources[leftSourceIndex]!;
    const rightType = rightSource.source.sourceType;

    if (leftType === 'TABLE' && rightType === 'STREAM') {
      fail(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${leftName} ${joinTypeText(join.type)} ${rightSource.source.name}.`, join.loc);
    }
    // Windowed sources join only windowed sources of a compatible type.
    const lw = windowName(leftDesc.source);
    const rw = windowName(rightSource.source);
    if ((lw === undefined) !== (rw === undefined)) {
      const [w, nw] = lw ? [leftDesc.source, rightSource.source] : [rightSource.source, leftDesc.source];
      fail(`Can not join windowed source to non-windowed source.\n\`${w.name}\` is ${windowName(w)} windowed\n\`${nw.name}\` is not windowed`);
    }
    const lsize = leftDesc.source.keyFormat.window?.sizeMs;
    const rsize = rightSource.source.keyFormat.window?.sizeMs;
    if (lw && rw && lw !== 'SESSION' && rw !== 'SESSION' && lsize !== undefined && rsize !== undefined && lsize !== rsize) {
      // Different window sizes are different key formats: one side would need a repartition.
      fail('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.');
    }
    if (lw && rw && (lw === 'SESSION') !== (rw === 'SESSION')) {
      fail(
        `Incompatible windowed sources.\nLeft source: ${lw}\nRight source: ${rw}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources`,
      );
    }

    const leftC = compileJoinSide(leftExpr, sourceScope, cctx);
    const rightC = compileJoinSide(rightExpr, sourceScope, cctx);
    const gotText = `${qualified(on.left)} = ${qualified(on.right)}`;

    // Is each side its input's key (no repartition needed)?
    const leftCol = leftExpr.kind === 'ColumnRef' ? resolveJoinRef(sourceScope, leftExpr) : undefined;
    const rightCol = rightExpr.kind === 'ColumnRef' ? resolveJoinRef(sourceScope, rightExpr) : undefined;
    const rightKeyCols = rightSource.layout.keyColumns;
    const rightIsKey = rightCol !== undefined && rightKeyCols.length === 1 && rightCol.index === rightSource.offset && rightCol.columnName === rightKeyCols[0]!.name;
    const leftIsKey =
      leftCol !== undefined &&
      (key === undefined
        ? leftDesc.layout.keyColumns.length === 1 && leftCol.index === leftDesc.offset && leftCol.columnName === leftDesc.layout.keyColumns[0]!.name
        : key.equivalents.includes(leftCol));
    const leftIsPreviousKey = key !== undefined && (key.texts.has(qualified(leftExpr)) || (leftCol !== undefined && key.equivalents.includes(leftCol)));

    let kind: JoinKind;
    if (leftType === 'STREAM' && rightType === 'STREAM') {
      kind = 'STREAM_STREAM';
      if (!join.within) fail('Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select', join.loc);
    } else if (leftType === 'STREAM') {
      kind = 'STREAM_TABLE';
      if (join.within) fail(`A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your Stream-Table join again.`, join.loc);
      if (join.type === 'FULL' || join.type === 'RIGHT') {
        fail(`Invalid join type: ${join.type === 'FULL' ? 'full-outer' : 'right-outer'} join not supported for stream-table join. Got ${leftName} ${joinTypeText(join.type)} ${rightSource.source.name}.`, join.loc);
      }
      if (!rightIsKey) fail(`Invalid join condition: stream-table joins require to join on the table's primary key. Got ${gotText}.`, on.loc);
    } else {
      if (join.within) fail(`A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your Table-Table join again.`, join.loc);
      if (!rightIsKey) fail(`Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${gotText}.`, on.loc);
      if (leftIsKey) kind = 'TABLE_TABLE';
      else {
        kind = 'FOREIGN_KEY';
        if (n > 0) {
          fail(`Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${gotText}.`, on.loc);
        }
        if (lw || rw) fail('Foreign-key table-table joins are not supported on windowed tables.', join.loc);
        if (join.type === 'RIGHT') fail('RIGHT OUTER JOIN on a foreign key is not supported', join.loc);
        if (join.type === 'FULL') fail('FULL OUTER JOIN on a foreign key is not supported', join.loc);
      }
    }
    if (!typesEqual(leftC.type, rightC.type)) {
      const [a, b] = leftExpr === on.left ? [leftC, rightC] : [rightC, leftC];
      fail(`Invalid join condition: types don't match. Got ${qualified(a.ast)}{${formatType(a.type)}} = ${qualified(b.ast)}{${formatType(b.type)}}.`, on.loc);
    }
    // Windowed sources can't be rekeyed.
    if (kind === 'STREAM_STREAM' || kind === 'STREAM_TABLE') {
      if ((lw && !(leftIsKey || leftIsPreviousKey)) || (rw && !rightIsKey)) {
        fail('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.');
      }
    }
    // Co-partitioning, when neither side is repartitioned.
    if (kind !== 'FOREIGN_KEY' && (leftIsKey || leftIsPreviousKey) && rightIsKey && opts.partitionsOf) {
      const lp = opts.partitionsOf(leftDesc.source.topic);
      const rp = opts.partitionsOf(rightSource.source.topic);
      if (lp !== undefined && rp !== undefined && lp !== rp) {
        fail(
          `Can't join \`${leftDesc.source.name}\` with \`${rightSource.source.name}\` since the number of partitions don't match. \`${leftDesc.source.name}\` partitions = ${lp}; \`${rightSource.source.name}\` partitions = ${rp}. Please repartition either one so that the number of partitions match.`,
        );
      }
    }

    // The step's key.
    const slot = slotBase + n;
    rowTypes[slot] = leftC.type;
    if (kind === 'FOREIGN_KEY') {
      foreignKeyLeft = leftDesc.source.name;
      key = undefined;
    } else if (join.type === 'FULL') {
      key = { slot, name: syntheticName(taken), type: leftC.type, equivalents: [], texts: new Set(), synthetic: true };
    } else if (key && leftIsPreviousKey) {
      // Joining on the previous step's key keeps that key (and what is equal to it).
      const equivalents = [...key.equivalents];
      if (rightCol) equivalents.push(rightCol);
      key = { slot, name: key.name, type: key.type, equivalents, texts: new Set([...key.texts, qualified(rightExpr)]), synthetic: key.synthetic };
    } else if (leftCol) {
      const equivalents = [leftCol];
      if (rightCol) equivalents.push(rightCol);
      key = { slot, name: leftCol.name, type: leftC.type, equivalents, texts: new Set([qualified(leftExpr), qualified(rightExpr)]), synthetic: false };
    } else if (rightCol) {
      key = { slot, name: rightCol.name, type: rightC.type, equivalents: [rightCol], texts: new Set([qualified(leftExpr), qualified(rightExpr)]), synthetic: false };
    } else {
      key = { slot, name: syntheticName(taken), type: leftC.type, equivalents: [], texts: new Set([qualified(leftExpr), qualified(rightExpr)]), synthetic: true };
    }
    if (key && containsMap(key.type)) {
      fail(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${key.name}\`. Column type: ${formatType(key.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      );
    }
    const window: JoinWindow | undefined = join.within
      ? { beforeMs: join.within.before.ms, afterMs: join.within.after.ms, ...(join.within.grace ? { graceMs: join.within.grace.ms } : {}) }
      : undefined;
    steps.push({
      type: join.type,
      kind,
      right,
      leftKey: leftC,
      rightKey: rightC,
      keySlot: slot,
      keyType: leftC.type,
      leftType,
      ...(window ? { window } : {}),
      text: `${leftName} ${joinTypeText(join.type)} ${rightSource.source.name} ON ${gotText}`,
    });
    leftType = kind === 'STREAM_STREAM' || kind === 'STREAM_TABLE' ? 'STREAM' : 'TABLE';
  });

  // The final key columns.
  const keys: JoinKeyColumn[] = [];
  if (key) {
    const col: ScopeColumn = { name: key.name, type: key.type, index: key.slot, namespace: 'KEY' };
    keyColumns.push(col);
    for (const e of key.equivalents) e.keyIndex = key.slot;
    keys.push({
      column: col,
      expressions: key.synthetic ? [key.name] : key.equivalents.map((e) => `${[...e.owner!][e.owner!.size - 1]}.${e.columnName}`),
      synthetic: key.synthetic,
    });
  } else {
    // Foreign-key join: the left table's primary key.
    const left = sources[0]!;
    for (const k of left.layout.keyColumns) {
      const c = columns.find((x) => sourceOf.get(x) === 0 && x.columnName === k.name)!;
      c.keyIndex = c.index;
      keys.push({ column: { ...c, namespace: 'KEY', keyIndex: c.index }, expressions: [`${left.alias}.${k.name}`], synthetic: false });
    }
  }
  // Synthetic keys are columns of the joined scope (ROWKEY); source keys are reached through their columns.
  const slotColumns: ScopeColumn[] = keys.filter((k) => k.synthetic).map((k) => k.column);
  for (let n = 0; n < query.joins.length; n++) if (rowTypes[slotBase + n] === undefined) rowTypes[slotBase + n] = keys[0]?.column.type ?? sources[0]!.layout.scope.columns[0]!.type;
  const scope = new RowScope([...columns, ...slotColumns, ...pseudo], qualifiers);
  const left = sources[0]!;
  const layout: SourceLayout = {
    source: left.source,
    alias: left.alias,
    keyColumns: [],
    valueColumns: [],
    valueIndexes: [],
    headerColumns: [],
    rowtimeIndex: pseudo[0]!.index,
    rowpartitionIndex: pseudo[1]!.index,
    rowoffsetIndex: pseudo[2]!.index,
    keyIndexes: keys.map((k) => k.column.index),
    // Joined windowed sources: the result keeps the leftmost source's window (as ksqlDB's sink does).
    ...(left.layout.windowIndexes ? { windowIndexes: { start: left.offset + left.layout.windowIndexes.start, end: left.offset + left.layout.windowIndexes.end } } : {}),
    width,
    dataColumns: columns.filter((c) => c.namespace !== 'PSEUDO'),
    scope,
  };
  const resultType = leftType;
  return { sources, steps, layout, rowTypes, keys, resultType, ...(foreignKeyLeft ? { foreignKeyLeft } : {}) };
}

function checkQualifier(scope: RowScope, ref: ColumnRef): void {
  if (ref.source !== undefined && !scope.qualifiers.has(ref.source)) {
    fail(`Failed to prepare statement: '${ref.source}' is not a valid stream/table name or alias.`, ref.loc);
  }
}

function sourcesOf(e: Expression, scope: RowScope, sourceOf: Map<ScopeColumn, number>): Set<number> {
  const found = new Set<number>();
  for (const ref of columnRefs(e)) {
    const i = sourceOf.get(resolveJoinRef(scope, ref));
    if (i !== undefined) found.add(i);
  }
  return found;
}

/** Expression text with every column qualified by its source (ksqlDB's form in join messages). */
function qualifiedText(e: Expression, scope: RowScope): string {
  const q = rewriteExpression(e, (n) => {
    if (n.kind !== 'ColumnRef') return undefined;
    const c = scope.resolve(n);
    if (!c?.owner || c.columnName === undefined) return undefined;
    return { kind: 'ColumnRef', source: [...c.owner][c.owner.size - 1]!, name: c.columnName, ...(n.loc ? { loc: n.loc } : {}) } satisfies ColumnRef;
  });
  return expressionText(q);
}

function syntheticName(taken: Set<string>): string {
  if (!taken.has('ROWKEY')) return 'ROWKEY';
  for (let i = 1; ; i++) if (!taken.has(`ROWKEY_${i}`)) return `ROWKEY_${i}`;
}

function resolveJoinRef(scope: RowScope, ref: ColumnRef): ScopeColumn {
  const c = scope.resolve(ref);
  if (!c) {
    const name = ref.source ? `${ref.source}.${ref.name}` : ref.name;
    fail(`JOIN ON column '${name}' cannot be resolved.`, ref.loc);
  }
  return c;
}

function compileJoinSide(e: Expression, scope: RowScope, cctx: CompileContext): CompiledExpression {
  for (const ref of columnRefs(e)) resolveJoinRef(scope, ref);
  return compileIn(e, scope, cctx);
}

/** The message for a persistent join query whose projection lacks the key. */
export function missingJoinKeyMessage(join: JoinAnalysis, sinkName: string | undefined, missing: JoinKeyColumn[]): string {
  if (join.foreignKeyLeft !== undefined) {
    return `Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (\`${join.foreignKeyLeft}\`). Missing column: \`${missing.map((m) => m.column.columnName ?? m.column.name).join('`, `')}\`.`;
  }
  const k = missing[0]!;
  const exprs = k.expressions;
  const list = exprs.length <= 1 ? exprs.join('') : `${exprs.slice(0, -1).join(', ')} or ${exprs[exprs.length - 1]}`;
  const text = `The query used to build \`${sinkName}\` must include the join ${exprs.length > 1 ? 'expressions' : 'expression'} ${list} in its projection (eg, SELECT ${exprs[0]}...).`;
  if (k.synthetic) {
    return `Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n${text}\n${k.column.name} was added as a synthetic key column because the join criteria did not match any source column.`;
  }
  return text;
}
