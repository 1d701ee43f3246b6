// Whether a running persistent query may be replaced in place (CREATE OR REPLACE), by
// ksqlDB's rules and with its messages: first the sink's schema (key columns identical;
// existing value columns unchanged and in order, new ones only at the end), then the step
// trees reduced to their enforcing steps, pairwise (see ExecutionStep#validateUpgrade in
// ksqlDB). Filters and projections are passive and may change; joins, windowed and table
// aggregations, table functions and EMIT FINAL cannot be upgraded yet.

import type { DataSource } from '../../catalog/model.js';
import { formatSchema, formatType, type Column } from '../../common/types.js';
import type { UpgradeStep } from './upgrade-steps.js';

export interface UpgradeInput {
  sink: DataSource;
  steps: UpgradeStep[];
}

export interface UpgradeReport {
  /** ksqlDB's message when the replacement is refused. */
  refused?: string;
  columnsAdded: string[];
  /** kept: the query goes on from its offsets with its state stores and internal topics. */
  state: 'kept' | 'rebuilt';
  before: string[];
  after: string[];
}

const STEP_CLASS = (type: string) => `class io.confluent.ksql.execution.plan.${type}`;

export function compareUpgrade(old: UpgradeInput, next: UpgradeInput): UpgradeReport {
  const refused = schemaProblem(old.sink, next.sink) ?? planProblem(old.steps, next.steps);
  const known = new Set(old.sink.schema.value.map((c) => c.name));
  return {
    ...(refused ? { refused } : {}),
    columnsAdded: next.sink.schema.value.filter((c) => !known.has(c.name)).map((c) => `\`${c.name}\` ${formatType(c.type)}`),
    state: refused ? 'rebuilt' : 'kept',
    before: old.steps.map((s) => s.text),
    after: next.steps.map((s) => s.text),
  };
}

/** Throws ksqlDB's message when `next` may not replace `old`. */
export function checkUpgrade(old: UpgradeInput, next: UpgradeInput): void {
  const report = compareUpgrade(old, next);
  if (report.refused) throw new UpgradeError(report.refused);
}

export class UpgradeError extends Error {}

/** DataSource#canUpgradeTo: the schema part (the name, type and topic are checked before). */
export function schemaProblem(old: DataSource, next: DataSource): string | undefined {
  const detail = columnsProblem(old.schema.key, next.schema.key, 'key ', 'Key columns must be identical. ') ?? columnsProblem(old.schema.value, next.schema.value, '', '');
  if (!detail) return undefined;
  return `Cannot upgrade data source: DataSource '${old.name}' has schema = ${formatSchema(old.schema)} which is not upgradeable to ${formatSchema(next.schema)}. (${detail})`;
}

function columnsProblem(old: Column[], next: Column[], what: string, prefix: string): string | undefined {
  const same = (a: Column, b: Column | undefined) => b !== undefined && a.name === b.name && a.namespace === b.namespace && a.headerKey === b.headerKey && formatType(a.type) === formatType(b.type);
  const changed = old.filter((c, i) => !same(c, next[i]));
  if (changed.length === 0) return undefined;
  const text = formatSchema({ key: changed.filter((c) => c.namespace === 'KEY'), value: changed.filter((c) => c.namespace !== 'KEY') });
  return `${prefix}The following ${what}columns are changed, missing or reordered: [${text}]`;
}

function planProblem(old: UpgradeStep[], next: UpgradeStep[]): string | undefined {
  const oldJoin = old.find((s) => s.join);
  if (oldJoin) return `Upgrades not yet supported for ${oldJoin.type}`;
  if (next.some((s) => s.join)) return 'Query is not upgradeable. Cannot change a non-join source into a join source.';
  const a = old.filter((s) => s.role !== 'passive');
  const b = next.filter((s) => s.role !== 'passive');
  for (let i = 0; i < a.length; i++) {
    const o = a[i]!;
    const n = b[i];
    if (o.role === 'unsupported') return `Upgrades not yet supported for ${o.type}`;
    if (!n) return `Query is not upgradeable. Plan step of type ${o.type} must have matching class. Values differ: ${STEP_CLASS(o.type)} vs. null`;
    if (o.role === 'source' && n.role !== 'source') {
      if (n.role === 'unsupported') return `Upgrades not yet supported for ${n.type}`;
      return `Query is not upgradeable. Cannot add a ${STEP_CLASS(n.type)} step that is not in the original query plan.`;
    }
    for (const [name, va, vb] of [['class', STEP_CLASS(o.type), STEP_CLASS(n.type)], ...o.mustMatch.map(([k, v]) => [k, v, n.mustMatch.find(([nk]) => nk === k)?.[1] ?? 'null'])] as [string, string, string][]) {
      if (va !== vb) return `Query is not upgradeable. Plan step of type ${o.type} must have matching ${name}. Values differ: ${va} vs. ${vb}`;
    }
  }
  return undefined;
}
