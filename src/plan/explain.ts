// EXPLAIN, rendered from the step tree: the execution plan in ksqlDB's shape (the sink
// first, each input indented below the step that reads it, each step with its schema and
// its processing-log name), and the topology: the tasks, state stores and internal topics.

import type { DataSource } from '../catalog/model.js';
import { formatSchema } from '../common/types.js';
import { stepsOf, inputsOf, type QueryPlan, type Step, type StepSchema } from './steps.js';

function schemaText(s: StepSchema): string {
  return formatSchema({ key: s.key, value: s.value }) || '(none)';
}

function sourceText(s: DataSource): string {
  const window = s.keyFormat.window ? `, ${s.keyFormat.window.type} windowed key` : '';
  return `${s.name} (${s.sourceType}, topic '${s.topic}', key ${s.keyFormat.format}${window}, value ${s.valueFormat.format})`;
}

function ms(n: number): string {
  return `${n} ms`;
}

/**
 * Expressions over the aggregate row or a table function's result read internal columns
 * (NUL-prefixed names); EXPLAIN shows the grouping expression or call they stand for.
 */
function readableNames(plan: QueryPlan): (text: string) => string {
  const names = new Map<string, string>();
  for (const s of stepsOf(plan.root)) {
    if (s.kind === 'StreamAggregate' || s.kind === 'TableAggregate' || s.kind === 'StreamWindowedAggregate') {
      s.groupBy.forEach((g, i) => names.set(`\u0000KEY${i}`, g.text));
      s.calls.forEach((c, i) => names.set(`\u0000AGG${i}`, c.text));
    } else if (s.kind === 'FlatMap') {
      s.calls.forEach((c, i) => names.set(`\u0000TF${i}`, c.text));
    }
  }
  if (names.size === 0) return (text) => text;
  return (text) => text.replace(/`?\u0000(KEY|AGG|TF)\d+`?/g, (m) => names.get(m.replace(/`/g, '')) ?? m);
}

/** The label and the step's own details (what it computes), without the schema. */
function describe(step: Step, readable: (text: string) => string): [string, string[]] {
  switch (step.kind) {
    case 'StreamSource':
    case 'TableSource':
    case 'WindowedStreamSource':
    case 'WindowedTableSource':
      return ['SOURCE', [`${step.kind}: ${sourceText(step.source)}`]];
    case 'StreamStreamJoin':
    case 'StreamTableJoin':
    case 'TableTableJoin':
    case 'ForeignKeyJoin': {
      const parts = [`${step.kind} ${step.joinType}: ${step.text}`];
      if (step.window) {
        const grace = step.window.graceMs !== undefined ? `, GRACE ${ms(step.window.graceMs)}` : '';
        parts.push(`Within: BEFORE ${ms(step.window.beforeMs)}, AFTER ${ms(step.window.afterMs)}${grace}`);
      }
      return ['JOIN', parts];
    }
    case 'Filter':
      return ['FILTER', [`Predicate: ${step.predicate.text}`]];
    case 'SelectKey':
      return ['PARTITION_BY', [`Key: ${step.keys.length === 0 ? 'null' : step.keys.map((k) => k.text).join(', ')}`]];
    case 'FlatMap':
      return ['FLAT_MAP', [`Functions: ${step.calls.map((c) => c.text).join(', ')}`]];
    case 'StreamAggregate':
    case 'TableAggregate':
    case 'StreamWindowedAggregate': {
      const parts = [`${step.kind}: GROUP BY ${step.groupBy.map((g) => g.text).join(', ') || '(nothing)'}`, `Aggregates: ${step.calls.map((c) => c.text).join(', ')}`];
      const w = step.window;
      if (w) {
        const advance = w.type === 'HOPPING' ? `, ADVANCE BY ${ms(w.advanceMs)}` : '';
        const retention = w.retentionMs !== undefined ? `, RETENTION ${ms(w.retentionMs)}` : '';
        if (w.type === 'COUNT') parts.push(`Window: COUNT (SIZE ${w.records!.size} records, ADVANCE ${w.records!.advance} records)`);
        else parts.push(`Window: ${w.type} (${w.type === 'SESSION' ? 'GAP' : 'SIZE'} ${ms(w.sizeMs)}${advance}, GRACE ${ms(w.graceMs)}${retention})`);
        if (w.lateRecordsTopic) parts.push(`Late records to: ${w.lateRecordsTopic}`);
        if (w.idleCloseMs) parts.push(`Idle close: ${ms(w.idleCloseMs)}`);
      }
      if (step.having) parts.push(`Having: ${readable(step.having.text)}`);
      return ['AGGREGATE', parts];
    }
    case 'Suppress':
      return ['SUPPRESS', ['Emit: FINAL (each window once, when it closes)']];
    case 'Project':
      return ['PROJECT', [`Columns: ${step.selected.map((c) => (readable(c.expr.text) === c.name ? c.name : `${readable(c.expr.text)} AS ${c.name}`)).join(', ')}`]];
    case 'StreamSink':
    case 'TableSink':
      return ['SINK', [`${step.kind}: ${sourceText(step.sink)}`]];
    case 'TableSourceMaterialize':
      return ['MATERIALIZE', [`${step.kind}: ${step.sink.name} (SQLite store ${step.sink.stateStore ?? step.id})`]];
  }
}

function stepLine(plan: QueryPlan, step: Step, readable: (text: string) => string): string {
  const [label, details] = describe(step, readable);
  const parts = [`[ ${label} ]`, ...details, `Schema: ${schemaText(step.schema)}`];
  if (step.schema.timestamp !== 'ROWTIME') parts.push(`Timestamp: ${step.schema.timestamp}`);
  if (step.stateStores.length > 0) parts.push(`State: ${step.stateStores.join(', ')}`);
  parts.push(`Logger: ${plan.queryId}.${step.id.split('/').join('.')}`);
  return parts.join(' | ');
}

/** The execution plan: the root first, each input one level deeper. */
export function explainSteps(plan: QueryPlan): string {
  const lines: string[] = [];
  const readable = readableNames(plan);
  const visit = (step: Step, depth: number): void => {
    lines.push(`${'\t\t'.repeat(depth)} > ${stepLine(plan, step, readable)}`);
    for (const input of inputsOf(step)) visit(input, depth + 1);
  };
  visit(plan.root, 0);
  if (plan.limit !== undefined) lines.push(`Limit: ${plan.limit}`);
  return lines.join('\n');
}

/** A join step's internal topics: its repartition topics, what each rekeys and how (a single server writes no changelog). */
function joinInternalTopics(step: Step): string[] {
  if (step.kind !== 'StreamStreamJoin' && step.kind !== 'StreamTableJoin' && step.kind !== 'TableTableJoin' && step.kind !== 'ForeignKeyJoin') return [];
  return (step.repartitions ?? []).map((r) => {
    const key = r.side === 'LEFT' ? step.leftKey.text : step.rightKey.text;
    const window = r.keyFormat.window ? `, ${r.keyFormat.window.type} windowed` : '';
    return `${r.topic} (${step.id}: ${r.side.toLowerCase()} input rekeyed by ${key}, key ${r.keyFormat.format}${window})`;
  });
}

/** Tasks, state stores and internal topics of a plan. */
export function explainTopology(plan: QueryPlan): string {
  const steps = stepsOf(plan.root);
  const topics = steps.flatMap((s) => ('source' in s && 'offset' in s ? [`'${s.source.topic}'`] : []));
  // Today one task reads every partition of every input (one state store per query).
  const tasks = `1 (reads every partition of ${topics.join(', ') || '(no topic)'})`;
  const stores = steps.flatMap((s) => s.stateStores.map((name) => `${name} (${s.id})`));
  const joins = steps.flatMap(joinInternalTopics);
  const other = steps.flatMap((s) => (s.kind.endsWith('Join') ? [] : s.internalTopics.map((name) => `${name} (${s.id})`)));
  const internal = [...joins, ...other];
  return [
    `Topology of ${plan.queryId} (plan version ${plan.version}):`,
    `  Tasks: ${tasks}`,
    `  State stores: ${stores.length > 0 ? stores.join(', ') : 'none'}`,
    internal.length > 0
      ? `  Internal topics (each named <query group>-<name>, the group being _confluent-ksql-<service id>query_${plan.queryId}): ${internal.join(', ')}`
      : '  Internal topics: none',
  ].join('\n');
}

/** The whole EXPLAIN text: execution plan, then topology. */
export function explainPlan(plan: QueryPlan): string {
  return `Execution plan:\n${explainSteps(plan)}\n\n${explainTopology(plan)}`;
}
