// The steps of a persistent query as ksqlDB's execution-step tree names them (StreamSource,
// StreamFilter, StreamSelectKey, StreamGroupBy, StreamAggregate, StreamSelect, StreamSink,
// and the Table… ones), with the properties ksqlDB's upgrade check compares. This is the
// narrow input of ./upgrade.ts; it is built from the statement and the catalog, and can be
// replaced by the plans-as-data step tree once that exists.

import type { CatalogView, DataSource } from '../../catalog/model.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import { formatExpression, type Expression, type FunctionCall, type Query } from '../../parser/index.js';
import { columnRefs, rewriteExpression } from './expression-text.js';

export type StepRole = 'source' | 'enforcing' | 'passive' | 'unsupported';

export interface UpgradeStep {
  /** ksqlDB's step class name, e.g. StreamSelectKey. */
  type: string;
  role: StepRole;
  /** What must match between the running and the new query, in ksqlDB's order and wording. */
  mustMatch: [name: string, value: string][];
  /** One line for the plan diff. */
  text: string;
  /** A join step: the query reads more than one source. */
  join?: boolean;
}

/** Steps from the sink down to the source (the order ksqlDB validates in). */
export function upgradeSteps(query: Query, sink: DataSource, catalog: CatalogView, functions: FunctionRegistry): UpgradeStep[] {
  const source = catalog.getSource(query.from.name);
  const table = source?.sourceType === 'TABLE';
  const steps: UpgradeStep[] = [];
  const kind = (stream: string, tableName: string) => (table ? tableName : stream);
  if (query.joins.length > 0) {
    steps.push({ type: joinType(query, catalog), role: 'unsupported', mustMatch: [], text: `Join ${[query.from.name, ...query.joins.map((j) => j.source.name)].join(', ')}`, join: true });
  } else {
    steps.push({
      type: kind('StreamSource', 'TableSource'),
      role: 'source',
      mustMatch: [
        ['topicName', source?.topic ?? query.from.name],
        ['formats', source ? formats(source) : ''],
        ['timestampColumn', source?.timestamp ? source.timestamp.column : 'Optional.empty'],
      ],
      text: `${kind('StreamSource', 'TableSource')} ${query.from.name} (topic ${source?.topic ?? '?'})`,
    });
  }
  if (query.where) steps.push({ type: kind('StreamFilter', 'TableFilter'), role: 'passive', mustMatch: [], text: `${kind('StreamFilter', 'TableFilter')} WHERE ${formatExpression(query.where)}` });
  const tableFunctions = query.select.some((s) => s.kind === 'SingleColumn' && calls(s.expr).some((c) => functions.kindOf(c.name) === 'TABLE'));
  if (tableFunctions) steps.push({ type: 'StreamFlatMap', role: 'unsupported', mustMatch: [], text: 'StreamFlatMap' });
  if (query.partitionBy) {
    const keys = `[${query.partitionBy.map(formatExpression).join(', ')}]`;
    steps.push({ type: kind('StreamSelectKey', 'TableSelectKey'), role: 'enforcing', mustMatch: [['keyExpressions', keys]], text: `${kind('StreamSelectKey', 'TableSelectKey')} PARTITION BY ${keys.slice(1, -1)}` });
  }
  const aggregateCalls = query.select.flatMap((s) => (s.kind === 'SingleColumn' ? calls(s.expr).filter((c) => functions.kindOf(c.name) === 'AGGREGATE') : []));
  if ((query.groupBy?.length ?? 0) > 0 || aggregateCalls.length > 0 || query.window) {
    const groupBy = query.groupBy ?? [];
    const groupText = `[${groupBy.map(formatExpression).join(', ')}]`;
    const keyNames = (source?.schema.key ?? []).map((c) => c.name);
    const byKey = groupBy.length === keyNames.length && groupBy.every((g, i) => g.kind === 'ColumnRef' && g.name === keyNames[i]);
    if (table) steps.push({ type: 'TableGroupBy', role: 'unsupported', mustMatch: [], text: `TableGroupBy ${groupText}` });
    else if (byKey) steps.push({ type: 'StreamGroupByKey', role: 'enforcing', mustMatch: [], text: 'StreamGroupByKey' });
    else steps.push({ type: 'StreamGroupBy', role: 'enforcing', mustMatch: [['group by clause', groupText]], text: `StreamGroupBy ${groupText}` });
    const functionsText = `[${aggregateCalls.map(callText).join(', ')}]`;
    const columns = `[${nonAggregateColumns(query, functions).map((c) => '`' + c + '`').join(', ')}]`;
    const type = table ? 'TableAggregate' : query.window ? 'StreamWindowedAggregate' : 'StreamAggregate';
    steps.push({
      type,
      role: type === 'StreamAggregate' ? 'enforcing' : 'unsupported',
      mustMatch: [
        ['columns not part of aggregate', columns],
        ['aggregate functions', functionsText],
      ],
      text: `${type} ${functionsText.slice(1, -1)} over ${columns.slice(1, -1)}`,
    });
    if (query.having) steps.push({ type: 'TableFilter', role: 'passive', mustMatch: [], text: `TableFilter HAVING ${formatExpression(query.having)}` });
    if (query.emit === 'FINAL') steps.push({ type: 'TableSuppress', role: 'unsupported', mustMatch: [], text: 'TableSuppress EMIT FINAL' });
  }
  const resultTable = sink.sourceType === 'TABLE';
  const columns = [...sink.schema.key, ...sink.schema.value].map((c) => c.name);
  steps.push({ type: resultTable ? 'TableSelect' : 'StreamSelect', role: 'passive', mustMatch: [], text: `${resultTable ? 'TableSelect' : 'StreamSelect'} ${columns.join(', ')}` });
  steps.push({
    type: resultTable ? 'TableSink' : 'StreamSink',
    role: 'enforcing',
    mustMatch: [
      ['formats', formats(sink)],
      ['topicName', sink.topic],
      ['timestampColumn', sink.timestamp ? sink.timestamp.column : 'Optional.empty'],
    ],
    text: `${resultTable ? 'TableSink' : 'StreamSink'} ${sink.name} (topic ${sink.topic})`,
  });
  return steps.reverse();
}

function formats(source: DataSource): string {
  const window = source.keyFormat.window ? `, window=${source.keyFormat.window.type}` : '';
  return `KeyFormat=${source.keyFormat.format}${window}, ValueFormat=${source.valueFormat.format}`;
}

function joinType(query: Query, catalog: CatalogView): string {
  const kinds = [query.from.name, query.joins[0]!.source.name].map((n) => (catalog.getSource(n)?.sourceType === 'TABLE' ? 'Table' : 'Stream'));
  return `${kinds[0]}${kinds[1]}Join`;
}

function calls(e: Expression): FunctionCall[] {
  const out: FunctionCall[] = [];
  rewriteExpression(e, (n) => {
    if (n.kind === 'FunctionCall') out.push(n);
    return undefined;
  });
  return out;
}

/** COUNT(*) is COUNT(ROWTIME) in ksqlDB's plan. */
function callText(c: FunctionCall): string {
  return c.star ? `${c.name}(ROWTIME)` : formatExpression(c);
}

/** The source columns the aggregation reads: grouping, then selected, filter and HAVING columns. */
function nonAggregateColumns(query: Query, functions: FunctionRegistry): string[] {
  const names: string[] = [];
  const add = (e: Expression | undefined) => {
    if (!e) return;
    rewriteExpression(e, (n) => {
      if (n.kind === 'FunctionCall' && n.star && functions.kindOf(n.name) === 'AGGREGATE') names.push('ROWTIME');
      return undefined;
    });
    for (const r of columnRefs(e)) names.push(r.name);
  };
  for (const g of query.groupBy ?? []) add(g);
  for (const s of query.select) if (s.kind === 'SingleColumn') add(s.expr);
  add(query.where);
  add(query.having);
  return [...new Set(names)];
}
