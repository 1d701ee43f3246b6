// The steps of a persistent query as ksqlDB's execution-step tree names them (StreamSource,
// StreamFilter, StreamSelectKey, StreamGroupBy, StreamAggregate, StreamSelect, StreamSink,
// and the Table… ones), with the properties ksqlDB's upgrade check compares. They are read
// off the query's step tree (src/plan), so a running query is compared as it was planned
// (a restart replays its stored plan), not as today's planner would plan its statement again.

import type { DataSource } from '../../catalog/model.js';
import { formatExpression, type Expression } from '../../parser/index.js';
import { stepsOf, type AggregateCallSpec, type AggregateStep, type JoinStep, type QueryPlan, type SinkStep, type SourceStep, type Step } from '../../plan/steps.js';
import { columnRefs } from './expression-text.js';

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

/** ksqlDB's class of each kind of join step. */
const JOIN_CLASS: Record<JoinStep['kind'], string> = {
  StreamStreamJoin: 'StreamStreamJoin',
  StreamTableJoin: 'StreamTableJoin',
  TableTableJoin: 'TableTableJoin',
  ForeignKeyJoin: 'ForeignKeyTableTableJoin',
};

/** Steps from the sink down to the source (the order ksqlDB validates in). */
export function upgradeSteps(plan: QueryPlan): UpgradeStep[] {
  const all = stepsOf(plan.root);
  const sources = all.filter((s): s is SourceStep => s.kind.endsWith('Source'));
  const from = sources[0]!;
  const table = from.source.sourceType === 'TABLE';
  const kind = (stream: string, tableName: string) => (table ? tableName : stream);
  const filters = all.filter((s) => s.kind === 'Filter').map((s) => (s as Extract<Step, { kind: 'Filter' }>).predicate.ast);
  const steps: UpgradeStep[] = [];
  const firstJoin = all.find((s): s is JoinStep => s.kind in JOIN_CLASS);
  if (firstJoin) {
    steps.push({ type: JOIN_CLASS[firstJoin.kind], role: 'unsupported', mustMatch: [], text: `Join ${sources.map((s) => s.source.name).join(', ')}`, join: true });
  }
  for (const step of all) {
    switch (step.kind) {
      case 'StreamSource':
      case 'TableSource':
      case 'WindowedStreamSource':
      case 'WindowedTableSource':
        if (firstJoin) break;
        steps.push({
          type: step.kind,
          role: 'source',
          mustMatch: [
            ['topicName', step.source.topic],
            ['formats', formats(step.source)],
            ['timestampColumn', step.source.timestamp ? step.source.timestamp.column : 'Optional.empty'],
          ],
          text: `${step.kind} ${step.source.name} (topic ${step.source.topic})`,
        });
        break;
      case 'Filter':
        steps.push({ type: kind('StreamFilter', 'TableFilter'), role: 'passive', mustMatch: [], text: `${kind('StreamFilter', 'TableFilter')} WHERE ${formatExpression(step.predicate.ast)}` });
        break;
      case 'FlatMap':
        steps.push({ type: 'StreamFlatMap', role: 'unsupported', mustMatch: [], text: 'StreamFlatMap' });
        break;
      case 'SelectKey': {
        const keys = `[${step.keys.length ? step.keys.map((k) => formatExpression(k.ast)).join(', ') : 'NULL'}]`;
        steps.push({ type: kind('StreamSelectKey', 'TableSelectKey'), role: 'enforcing', mustMatch: [['keyExpressions', keys]], text: `${kind('StreamSelectKey', 'TableSelectKey')} PARTITION BY ${keys.slice(1, -1)}` });
        break;
      }
      case 'StreamAggregate':
      case 'TableAggregate':
      case 'StreamWindowedAggregate':
        steps.push(...aggregateSteps(step, from, filters));
        break;
      case 'Suppress':
        steps.push({ type: 'TableSuppress', role: 'unsupported', mustMatch: [], text: 'TableSuppress EMIT FINAL' });
        break;
      case 'StreamSink':
      case 'TableSink':
      case 'TableSourceMaterialize':
        steps.push(...sinkSteps(step));
        break;
      default:
        break;
    }
  }
  return steps.reverse();
}

/** The grouping, the aggregation and its HAVING filter. */
function aggregateSteps(step: AggregateStep, from: SourceStep, filters: Expression[]): UpgradeStep[] {
  const steps: UpgradeStep[] = [];
  const groupText = `[${step.groupBy.map((g) => formatExpression(g.ast)).join(', ')}]`;
  const keyNames = from.source.schema.key.map((c) => c.name);
  const byKey = step.groupBy.length === keyNames.length && step.groupBy.every((g, i) => g.ast.kind === 'ColumnRef' && g.ast.name === keyNames[i]);
  if (step.kind === 'TableAggregate') steps.push({ type: 'TableGroupBy', role: 'unsupported', mustMatch: [], text: `TableGroupBy ${groupText}` });
  else if (byKey) steps.push({ type: 'StreamGroupByKey', role: 'enforcing', mustMatch: [], text: 'StreamGroupByKey' });
  else steps.push({ type: 'StreamGroupBy', role: 'enforcing', mustMatch: [['group by clause', groupText]], text: `StreamGroupBy ${groupText}` });
  const functionsText = `[${step.calls.map(callText).join(', ')}]`;
  const columns = `[${nonAggregateColumns(step, filters).map((c) => '`' + c + '`').join(', ')}]`;
  steps.push({
    type: step.kind,
    role: step.kind === 'StreamAggregate' ? 'enforcing' : 'unsupported',
    mustMatch: [
      ['columns not part of aggregate', columns],
      ['aggregate functions', functionsText],
    ],
    text: `${step.kind} ${functionsText.slice(1, -1)} over ${columns.slice(1, -1)}`,
  });
  if (step.having) steps.push({ type: 'TableFilter', role: 'passive', mustMatch: [], text: `TableFilter HAVING ${havingText(step)}` });
  return steps;
}

function sinkSteps(step: SinkStep): UpgradeStep[] {
  const sink = step.sink;
  const resultTable = sink.sourceType === 'TABLE';
  const columns = [...sink.schema.key, ...sink.schema.value].map((c) => c.name);
  return [
    { type: resultTable ? 'TableSelect' : 'StreamSelect', role: 'passive', mustMatch: [], text: `${resultTable ? 'TableSelect' : 'StreamSelect'} ${columns.join(', ')}` },
    {
      type: resultTable ? 'TableSink' : 'StreamSink',
      role: 'enforcing',
      mustMatch: [
        ['formats', formats(sink)],
        ['topicName', sink.topic],
        ['timestampColumn', sink.timestamp ? sink.timestamp.column : 'Optional.empty'],
      ],
      text: `${resultTable ? 'TableSink' : 'StreamSink'} ${sink.name} (topic ${sink.topic})`,
    },
  ];
}

function formats(source: DataSource): string {
  const window = source.keyFormat.window ? `, window=${source.keyFormat.window.type}` : '';
  return `KeyFormat=${source.keyFormat.format}${window}, ValueFormat=${source.valueFormat.format}`;
}

const isStar = (c: AggregateCallSpec) => c.args.length === 0 && c.text.endsWith('(*)');

/** COUNT(*) is COUNT(ROWTIME) in ksqlDB's plan. */
function callText(c: AggregateCallSpec): string {
  return isStar(c) ? `${c.name}(ROWTIME)` : c.text;
}

/** HAVING as written: the aggregate row's slots named back to the calls they hold. */
function havingText(step: AggregateStep): string {
  return formatExpression(step.having!.ast).replace(/` ?AGG(\d+)`/g, (whole, i: string) => step.calls[Number(i)]?.text ?? whole);
}

/** The source columns the aggregation reads: grouping, then the aggregates' arguments, then the filters'. */
function nonAggregateColumns(step: AggregateStep, filters: Expression[]): string[] {
  const names: string[] = [];
  for (const g of step.groupBy) for (const r of columnRefs(g.ast)) names.push(r.name);
  for (const c of step.calls) {
    if (isStar(c)) names.push('ROWTIME');
    for (const a of c.args) for (const r of columnRefs(a.ast)) names.push(r.name);
  }
  for (const f of filters) for (const r of columnRefs(f)) names.push(r.name);
  return [...new Set(names)];
}
