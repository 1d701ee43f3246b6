// `eddy -f` on setup scripts, against a real `eddy server` child process: errors at the
// file's line and column, --continue-on-error, and a script that can be run twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEddyServer, type EddyServerProcess } from './topic-server.js';

let server: EddyServerProcess;
let dir: string;
before(async () => {
  server = await startEddyServer();
  dir = mkdtempSync(join(tmpdir(), 'eddy-script-'));
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function eddy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('eddy -f reports an error at the line and column of the file', { timeout: 120_000 }, async () => {
  const semantic = script(
    'semantic.sql',
    [
      '-- setup',
      '',
      "CREATE STREAM a1 (id STRING KEY, v INT) WITH (kafka_topic='a1', value_format='JSON', partitions=1);",
      '',
      '',
      'CREATE STREAM a2 (id STRING KEY, v INT)',
      "  WITH (kafka_topic='a2', value_format='JSON', partitions=1);",
      '',
      '',
      '  CREATE STREAM a3 AS SELECT id, v FROM a1 WHERE vv > 1;',
      '',
    ].join('\n'),
  );
  const r = await eddy(server.url, '-f', semantic);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Line: 10, Col: 50: WHERE column 'VV' cannot be resolved./);

  const syntax = script('syntax.sql', "CREATE STREAM b1 (id STRING KEY) WITH (kafka_topic='b1', value_format='JSON', partitions=1);\n\n/* a comment\n over lines */\nSET 'auto.offset.reset' = 'earliest';\nCREATE STREAM b2 AS\n  SELEC id FROM b1;\n");
  const s = await eddy(server.url, '-f', syntax);
  assert.equal(s.code, 1);
  assert.match(s.stderr, /line 7:3: Syntax Error/);
  assert.match(s.stderr, /Syntax error at or near 'SELEC' at line 7:3/);
});

test('eddy -f --continue-on-error runs every statement and a setup script can be run twice', { timeout: 120_000 }, async () => {
  const setup = script(
    'setup.sql',
    [
      "CREATE STREAM c1 (id STRING KEY, v INT) WITH (kafka_topic='c1', value_format='JSON', partitions=1);",
      'CREATE STREAM c2 AS SELECT * FROM c1 WHERE v > 0;',
      '',
      'CREATE TABLE c3 AS SELECT id, COUNT(*) AS n FROM c1 GROUP BY id;',
    ].join('\n'),
  );
  const first = await eddy(server.url, '-f', setup);
  assert.equal(first.code, 0, first.stderr);
  const again = await eddy(server.url, '-f', setup);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^line 1:1: Cannot add stream 'C1': A stream with the same name already exists/m);
  assert.doesNotMatch(again.stderr, /C2|C3/); // stopped at the first failure

  const going = await eddy(server.url, '--continue-on-error', '-f', setup);
  assert.equal(going.code, 1);
  assert.match(going.stderr, /line 1:1: Cannot add stream 'C1'/);
  assert.match(going.stderr, /line 2:1: Cannot add stream 'C2'/);
  assert.match(going.stderr, /line 4:1: Cannot add table 'C3'/);
  assert.match(going.stderr, /3 of 3 statements failed./);

  // Re-runnable as written: IF NOT EXISTS for sources, CREATE OR REPLACE for queries.
  const rerunnable = script(
    'rerunnable.sql',
    [
      "CREATE STREAM IF NOT EXISTS c1 (id STRING KEY, v INT) WITH (kafka_topic='c1', value_format='JSON', partitions=1);",
      'CREATE OR REPLACE STREAM c2 AS SELECT * FROM c1 WHERE v > 0;',
    ].join('\n'),
  );
  for (let i = 0; i < 2; i++) {
    const r = await eddy(server.url, '-f', rerunnable);
    assert.equal(r.code, 0, r.stderr);
  }
});

test('eddy -f --dry-run shows the plan diff of a CREATE OR REPLACE that adds a filter and a column, running nothing', { timeout: 120_000 }, async () => {
  const setup = script(
    'feed.sql',
    "CREATE STREAM d1 (id STRING KEY, amount INT, note STRING) WITH (kafka_topic='d1', value_format='JSON', partitions=1);\nCREATE STREAM d2 AS SELECT id, amount FROM d1;\n",
  );
  assert.equal((await eddy(server.url, '-f', setup)).code, 0);
  const queries = JSON.stringify(await server.ksql('SHOW QUERIES;'));
  const change = script('widen.sql', '-- widen the feed\n\nCREATE OR REPLACE STREAM d2 AS SELECT id, amount, note FROM d1 WHERE amount > 100;\n');
  const r = await eddy(server.url, '-f', change, '--dry-run');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'This is a dry run. No statements will be executed.',
      'Statement at line 3: CREATE OR REPLACE STREAM d2 AS SELECT id, amount, note FROM d1 WHERE amount > 100;',
      `  would replace query ${/CSAS_D2_\d+/.exec(queries)![0]}; state is kept`,
      '  columns added: `NOTE` STRING',
      '  steps before:',
      '    StreamSink D2 (topic D2)',
      '    StreamSelect ID, AMOUNT',
      '    StreamSource D1 (topic d1)',
      '  steps after:',
      '    StreamSink D2 (topic D2)',
      '    StreamSelect ID, AMOUNT, NOTE',
      '    StreamFilter WHERE (AMOUNT > 100)',
      '    StreamSource D1 (topic d1)',
      '',
    ].join('\n'),
  );
  assert.equal(JSON.stringify(await server.ksql('SHOW QUERIES;')), queries);
  const explain = await eddy(server.url, '-e', 'EXPLAIN CREATE OR REPLACE STREAM d2 AS SELECT id, note FROM d1;');
  // The CLI wraps text to the terminal (120 columns without one), so words may break across lines.
  assert.match(
    explain.stdout.replace(/(?<!-)[ \t]*\n(?!-)/g, ' '),
    /Upgrade of the running query\n-+\nwould be refused: Cannot upgrade data source: DataSource 'D2' has schema = `ID` STRING KEY, `AMOUNT` INTEGER which is not upgradeable to `ID` STRING KEY, `NOTE` STRING\. \(The following columns are changed, missing or reordered: \[`AMOUNT` INTEGER\]\)/,
  );
});
