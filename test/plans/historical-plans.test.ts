// Every case in test/plans/cases (a command topic with stored plans, inputs and the outputs
// the writing version produced) is replayed by a server started on a data directory built
// from it, and must produce the same outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { startBroker } from '../../src/broker/index.js';
import type { EmbeddedLog } from '../../src/log/embedded/index.js';
import { PLAN_VERSION } from '../../src/plan/steps.js';
import { missingTool, runKcat } from '../broker/helpers.js';
import { dataDirOf, replayCase, type HistoricalCase } from './historical.js';

const casesDir = join(import.meta.dirname, 'cases');
const cases: HistoricalCase[] = readdirSync(casesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(casesDir, f), 'utf8')) as HistoricalCase);

function queryCommand(c: HistoricalCase): { key: string; command: Record<string, unknown> } {
  const found = c.commands.find((cmd) => cmd.command.plan !== undefined);
  assert.ok(found, `${c.name} has a command with a stored plan`);
  return found;
}

test('the historical cases cover every plan shape they were written for', () => {
  assert.ok(cases.length >= 8, `found ${cases.length} cases in ${casesDir}`);
});

for (const c of cases) {
  test(`historical plan ${c.name} (written by ${c.writtenBy.commit}, plan version ${c.writtenBy.planVersion}) runs and produces its recorded outputs`, async () => {
    const { outputs, pulls, queries } = await replayCase(c);
    const stored = queryCommand(c).command.plan as { steps: { queryId: string } };
    assert.ok(queries.includes(stored.steps.queryId), `query ${stored.steps.queryId} is running after the replay`);
    assert.deepEqual(outputs, c.outputs);
    assert.deepEqual(pulls, c.pulls);
  });
}

test('a restarted server runs the stored plan, not the statement beside it', async () => {
  const c = cases.find((x) => x.name === 'filter-project');
  assert.ok(c, 'the filter-project case exists');
  const query = queryCommand(c);
  const rewrite = (command: Record<string, unknown>) =>
    command === query.command ? { ...command, statement: String(command.statement).replace('QTY > 10', 'QTY > 1000') } : command;
  assert.notEqual(rewrite(query.command).statement, query.command.statement, 'the statement was changed');
  // With its plan, the query still filters at 10.
  assert.deepEqual((await replayCase(c, rewrite)).outputs, c.outputs);
  // Without it (a command written before plans were stored), the statement is planned again.
  const withoutPlan = (command: Record<string, unknown>) => {
    if (command !== query.command) return command;
    const { plan: _plan, ...rest } = rewrite(command);
    return rest;
  };
  assert.deepEqual((await replayCase(c, withoutPlan)).outputs, { big: [] });
});

test('reading the command topic with kcat shows each persistent query with its plan', async (t) => {
  const missing = missingTool('kcat', ['-V'], 'apt-get install kcat');
  if (missing) {
    if (process.env.CI === 'true') assert.fail(missing);
    t.skip(missing);
    return;
  }
  const c = cases.find((x) => x.name === 'windowed-aggregate-having');
  assert.ok(c, 'the windowed-aggregate-having case exists');
  const dir = await dataDirOf(c);
  const engine = await Engine.open({ dataDir: dir, properties: {} });
  const broker = await startBroker({ log: engine.log as EmbeddedLog, port: 0 });
  try {
    const run = await runKcat(broker.address, ['-C', '-t', engine.commandTopic, '-e', '-q', '-f', '%k\t%s\n']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    const commands = new Map(lines.map((l) => [l.slice(0, l.indexOf('\t')), JSON.parse(l.slice(l.indexOf('\t') + 1))]));
    assert.deepEqual([...commands.keys()], ['stream/ORDERS/create', 'table/HOURLY/create']);
    assert.equal(commands.get('stream/ORDERS/create').plan, undefined, 'a DDL command has no plan');
    const command = commands.get('table/HOURLY/create');
    assert.match(command.statement, /^CREATE TABLE HOURLY/);
    assert.equal(command.plan.version, PLAN_VERSION);
    const kinds: string[] = [];
    for (let s = command.plan.steps.root; s; s = s.input) kinds.push(s.kind);
    assert.deepEqual(kinds, ['TableSink', 'Project', 'StreamWindowedAggregate', 'Filter', 'StreamSource']);
  } finally {
    await broker.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
