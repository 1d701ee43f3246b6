import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlan, encodePlan, PlanFormatError } from '../../src/plan/json.js';
import { explainPlan } from '../../src/plan/explain.js';
import { stepsOf, type QueryPlan } from '../../src/plan/steps.js';
import { buildPersistent } from '../../src/runtime/builder.js';
import { planPersistentQuery, planTransientQuery } from '../../src/planner/query/plan.js';
import { parse, removeDir } from '../runtime/helpers.js';
import type { CreateAsSelect, InsertInto, SelectStatement } from '../../src/parser/ast.js';
import { planEnv, SHAPES } from './plan-fixtures.js';

/** Every value JSON cannot hold as it is: functions, class instances other than the tagged constants, undefined. */
function nonData(value: unknown, path = '$'): string[] {
  if (typeof value === 'function') return [path];
  if (value === undefined || typeof value === 'symbol') return [path];
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonData(v, `${path}[${i}]`));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return [`${path} (${proto.constructor?.name})`];
  return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : nonData(v, `${path}.${k}`)));
}

function dropUndefined(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
}

async function planAll(): Promise<{ name: string; plan: QueryPlan }[]> {
  const env = await planEnv();
  try {
    const out: { name: string; plan: QueryPlan }[] = [];
    for (const [name, sql] of Object.entries(SHAPES)) {
      const stmt = parse<CreateAsSelect | InsertInto>(sql);
      const planned = planPersistentQuery(stmt, `${name.toUpperCase()}_0`, { ...env.ctx });
      if (stmt.kind === 'CreateAsSelect') {
        const root = planned.plan.root;
        if (root.kind !== 'Project') env.catalog.putSource(root.sink);
      }
      out.push({ name, plan: planned.plan });
    }
    out.push({ name: 'push', plan: planTransientQuery(parse<SelectStatement>('SELECT ITEM, QTY FROM ORDERS WHERE QTY > 1 EMIT CHANGES LIMIT 3;').query, env.ctx, 'push') });
    return out;
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

test('every query shape plans to a step tree of plain data that round-trips through JSON unchanged', async () => {
  const kinds = new Set<string>();
  for (const { name, plan } of await planAll()) {
    assert.deepEqual(nonData(plan), [], `${name}: the step tree holds only data`);
    const text = encodePlan(plan);
    const back = decodePlan(text);
    assert.deepStrictEqual(back, dropUndefined(plan), `${name}: decode(encode(plan)) equals the plan`);
    assert.equal(encodePlan(back), text, `${name}: encoding the decoded plan gives the same text`);
    assert.equal(explainPlan(back), explainPlan(plan), `${name}: EXPLAIN of the decoded plan is the same`);
    for (const s of stepsOf(plan.root)) {
      kinds.add(s.kind);
      assert.ok(s.schema.key.length + s.schema.value.length > 0, `${name}: ${s.kind} has an output schema`);
    }
  }
  for (const kind of [
    'StreamSource', 'TableSource', 'Filter', 'SelectKey', 'FlatMap', 'StreamAggregate', 'TableAggregate', 'StreamWindowedAggregate',
    'Suppress', 'StreamStreamJoin', 'StreamTableJoin', 'TableTableJoin', 'ForeignKeyJoin', 'Project', 'StreamSink', 'TableSink',
  ]) {
    assert.ok(kinds.has(kind), `some shape has a ${kind} step`);
  }
});

test('constant function arguments survive the JSON form and rebuild the same functions', async () => {
  const env = await planEnv();
  try {
    const sql = "CREATE TABLE TOP AS SELECT ITEM, TOPK(QTY, 2) AS T, LATEST_BY_OFFSET(QTY, 2) AS L, COLLECT_LIST(CAST(QTY AS DECIMAL(4, 1))) AS C FROM ORDERS GROUP BY ITEM;";
    const { plan } = planPersistentQuery(parse<CreateAsSelect>(sql), 'TOP_0', env.ctx);
    const back = decodePlan(encodePlan(plan));
    const built = buildPersistent(back, { functions: env.ctx.functions });
    const calls = built.analysis.aggregate!.calls;
    assert.deepEqual(calls.map((c) => c.text), ['TOPK(QTY, 2)', 'LATEST_BY_OFFSET(QTY, 2)', 'COLLECT_LIST(CAST(QTY AS DECIMAL(4, 1)))']);
    const step = (back.root as unknown as { input: { input: { schema: { value: { type: unknown }[] } } } }).input.input;
    assert.deepEqual(calls.map((c) => c.fn.returnType), step.schema.value.map((c) => c.type), 'the rebuilt functions return what the plan says');
    // The compiled projection reads the rebuilt aggregate row.
    assert.equal(built.analysis.valueColumns.length, 3);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('a plan of another version is refused with what to do', () => {
  assert.throws(() => decodePlan(JSON.stringify({ version: 99, queryId: 'CSAS_X_1', scopes: [], root: {} })), (e: Error) => {
    assert.ok(e instanceof PlanFormatError);
    assert.match(e.message, /Query CSAS_X_1 has a stored plan of version 99; this server runs plan version 1\. Drop and recreate the query/);
    return true;
  });
});

test('a CAST to a CREATE TYPE name is stored with the type it stood for, so the plan runs after DROP TYPE', async () => {
  const env = await planEnv();
  try {
    env.catalog.putType({ name: 'QUANTITY', type: { base: 'DECIMAL', precision: 6, scale: 2 } });
    const sql = 'CREATE STREAM Q AS SELECT ID, CAST(QTY AS QUANTITY) AS AMOUNT FROM ORDERS;';
    const { plan } = planPersistentQuery(parse<CreateAsSelect>(sql), 'Q_0', env.ctx);
    env.catalog.removeType('QUANTITY');
    const text = encodePlan(plan);
    assert.doesNotMatch(text, /"Alias"/, 'no type names left in the stored plan');
    const built = buildPersistent(decodePlan(text), { functions: env.ctx.functions, resolveType: () => undefined });
    const amount = built.analysis.valueColumns[0]!;
    assert.equal(String(amount.expr.evaluate(['o1', 'apple', 7, []])), '7.00');
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
