// `eddy migrations` against a real `eddy server` child process, through the happy path, undo,
// and the failure paths. The commands run in this process through the CLI's entry point
// (migrationsCommand, what `eddy migrations` calls) to keep the test fast; the last test runs
// the real CLI as child processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { migrationsCommand } from '../../cli/migrations/index.js';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEddyServer, type EddyServerProcess } from './topic-server.js';

let server: EddyServerProcess;
let dir: string;
let config: string;
let migrations: string;

before(async () => {
  server = await startEddyServer();
  dir = mkdtempSync(join(tmpdir(), 'eddy-migrations-'));
  config = join(dir, 'project', 'ksql-migrations.properties');
  migrations = join(dir, 'project', 'migrations');
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function eddy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', 'migrations', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
/** One command through the CLI's entry point, its output captured. */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (add(String(chunk)), done()) });
  const code = await migrationsCommand(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
  return { code, stdout, stderr };
}
const m = (...args: string[]) => inProcess('-c', config, ...args);

async function ok(...args: string[]): Promise<string> {
  const r = await m(...args);
  assert.equal(r.code, 0, `${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Execution time: \d+\.\d{4} seconds/);
  return r.stdout;
}
async function fails(pattern: RegExp, ...args: string[]): Promise<string> {
  const r = await m(...args);
  assert.equal(r.code, 1, `${args.join(' ')} should fail:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, pattern);
  return r.stderr;
}

async function names(what: 'STREAMS' | 'TABLES' | 'QUERIES'): Promise<string[]> {
  const [e] = await server.ksql(`SHOW ${what};`);
  const list = (e![what.toLowerCase()] ?? []) as { name?: string; id?: string }[];
  return list.map((x) => x.name ?? x.id!).filter((n) => !/^KSQL_PROCESSING_LOG$/.test(n)).sort();
}

/** Version → [state, previous, error reason] from the info table. */
function infoRows(stdout: string): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  for (const line of stdout.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length === 7 && /^\d+$/.test(cells[0]!)) rows[cells[0]!] = [cells[2]!, cells[3]!, cells[6]!];
  }
  return rows;
}

const V1 = "CREATE STREAM users (id STRING KEY, name STRING) WITH (kafka_topic='users', value_format='JSON', partitions=1);\n";
const V2 = "CREATE STREAM orders (id STRING KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);\n\nCREATE STREAM big_orders AS SELECT * FROM orders WHERE amount > ${min};\n";
const U2 = 'DROP STREAM big_orders;\nDROP STREAM orders;\n';
const V3 = 'CREATE TABLE user_count AS SELECT id, COUNT(*) AS n FROM users GROUP BY id;\n';
const U3 = 'DROP TABLE user_count;\n';

test('eddy migrations: project, apply, info, validate, undo, goto, dry run and destroy against eddy server', { timeout: 300_000 }, async () => {
  const created = await inProcess('new-project', join(dir, 'project'), server.url);
  assert.equal(created.code, 0, created.stderr);
  assert.match(readFileSync(config, 'utf8'), new RegExp(`^ksql.server.url=${server.url}\n\n# Migrations metadata configs:\n# ksql.migrations.stream.name=MIGRATION_EVENTS\n`));

  await fails(/Failed to verify existence of migrations metadata stream 'MIGRATION_EVENTS'. Did you run `eddy migrations initialize-metadata`\?/, 'info');
  await ok('initialize-metadata');
  assert.ok((await names('STREAMS')).includes('MIGRATION_EVENTS'));
  assert.ok((await names('TABLES')).includes('MIGRATION_SCHEMA_VERSIONS'));

  await ok('create', 'add_users');
  await ok('create', '--with-undo', 'add orders');
  await ok('create', '--with-undo', 'add_view');
  await fails(/Found existing migrations file for version 2: .*V000002__add_orders.sql/, 'create', '-v', '2', 'again');
  writeFileSync(join(migrations, 'V000001__add_users.sql'), V1);
  writeFileSync(join(migrations, 'V000002__add_orders.sql'), V2);
  writeFileSync(join(migrations, 'U000002__add_orders.sql'), U2);
  writeFileSync(join(migrations, 'V000003__add_view.sql'), V3);
  writeFileSync(join(migrations, 'U000003__add_view.sql'), U3);

  const next = await ok('apply', '--next', '--define', 'min=10');
  assert.match(next, /Applying migration version 1: add users/);
  let info = await ok('info');
  assert.match(info, /Current migration version: 1\n/);
  assert.match(info, /\n Version \| Name +\| State +\| Previous Version \| Started On +\| Completed On +\| Error Reason \n/);
  assert.deepEqual(infoRows(info), { 1: ['MIGRATED', '<none>', 'N/A'], 2: ['PENDING', 'N/A', 'N/A'], 3: ['PENDING', 'N/A', 'N/A'] });

  await ok('apply', '--all', '-d', 'min=10');
  info = await ok('info');
  assert.match(info, /Current migration version: 3\n/);
  assert.deepEqual(infoRows(info), { 1: ['MIGRATED', '<none>', 'N/A'], 2: ['MIGRATED', '1', 'N/A'], 3: ['MIGRATED', '2', 'N/A'] });
  assert.deepEqual(await names('STREAMS'), ['BIG_ORDERS', 'MIGRATION_EVENTS', 'ORDERS', 'USERS']);
  assert.deepEqual(await names('TABLES'), ['MIGRATION_SCHEMA_VERSIONS', 'USER_COUNT']);
  const appliedQueries = await names('QUERIES');
  assert.ok(appliedQueries.some((q) => q.startsWith('CTAS_USER_COUNT')), appliedQueries.join());
  assert.ok(appliedQueries.some((q) => q.startsWith('CSAS_BIG_ORDERS')), appliedQueries.join());

  // validate, then a checksum mismatch: an edited V file and an edited U file.
  assert.match(await ok('validate'), /Successfully validated checksums for migrations that have already been applied/);
  const v1 = join(migrations, 'V000001__add_users.sql');
  appendFileSync(v1, '-- edited\n');
  await fails(/Migrations file found for version 1 does not match the checksum saved for this version. Expected checksum: [0-9a-f]{32}. Actual checksum: [0-9a-f]{32}. File name: .*V000001__add_users.sql/, 'validate');
  await fails(/does not match the checksum saved for this version/, 'apply', '--all');
  writeFileSync(v1, V1);
  const u3 = join(migrations, 'U000003__add_view.sql');
  writeFileSync(u3, 'DROP TABLE user_count DELETE TOPIC;\n');
  await fails(/Undo file found for version 3 does not match the checksum saved for this version/, 'validate');
  writeFileSync(u3, U3);
  await ok('validate');

  // A dry run sends no statement.
  const before = [await names('STREAMS'), await names('TABLES'), await names('QUERIES')];
  const dry = await ok('apply', '--undo', '--dry-run');
  assert.match(dry, /This is a dry run. No ksqlDB statements will be submitted to the ksqlDB server./);
  assert.match(dry, /would drop table user_count/);
  assert.deepEqual([await names('STREAMS'), await names('TABLES'), await names('QUERIES')], before);
  assert.equal(infoRows(await ok('info'))[3]![0], 'MIGRATED');

  // Undo the last version, then go back to 1.
  await ok('apply', '--undo');
  info = await ok('info');
  assert.match(info, /Current migration version: 2\n/);
  assert.deepEqual(infoRows(info)[3], ['UNDONE', '2', 'N/A']);
  assert.deepEqual(await names('TABLES'), ['MIGRATION_SCHEMA_VERSIONS']);
  assert.ok(!(await names('QUERIES')).some((q) => q.startsWith('CTAS_USER_COUNT')));
  await ok('apply', '--goto', '1');
  info = await ok('info');
  assert.match(info, /Current migration version: 1\n/);
  assert.deepEqual(infoRows(info), { 1: ['MIGRATED', '<none>', 'N/A'], 2: ['UNDONE', '1', 'N/A'], 3: ['UNDONE', '2', 'N/A'] });
  assert.deepEqual(await names('STREAMS'), ['MIGRATION_EVENTS', 'USERS']);
  assert.deepEqual((await names('QUERIES')).filter((q) => !q.startsWith('CTAS_MIGRATION_SCHEMA_VERSIONS')), []);
  await ok('validate');

  // A version whose undo file is missing cannot be undone; goto forward applies again.
  await fails(/Cannot undo version 1: it has no undo file .*U000001__add_users.sql/, 'apply', '--undo');
  await ok('apply', '--goto', '3', '-d', 'min=10');
  assert.deepEqual(infoRows(await ok('info'))[3], ['MIGRATED', '2', 'N/A']);

  // A dry run of a CREATE OR REPLACE shows the plan diff and changes nothing.
  const v4 = join(migrations, 'V000004__broken.sql');
  writeFileSync(v4, 'CREATE OR REPLACE STREAM big_orders AS SELECT id, amount, amount * 2 AS doubled FROM orders WHERE amount > 100;\n');
  const queriesBefore = JSON.stringify(await server.ksql('SHOW QUERIES;'));
  const diff = await ok('apply', '--next', '--dry-run');
  assert.match(diff, /Statement at line 1: CREATE OR REPLACE STREAM big_orders AS SELECT id, amount, amount \* 2 AS doubled FROM orders WHERE amount > 100;\n  would replace query CSAS_BIG_ORDERS_\d+; state is kept\n  columns added: `DOUBLED` INTEGER\n/);
  assert.match(diff, /steps before:\n    StreamSink BIG_ORDERS \(topic BIG_ORDERS\)\n    StreamSelect ID, AMOUNT\n    StreamFilter WHERE \(AMOUNT > 10\)\n/);
  assert.match(diff, /steps after:\n    StreamSink BIG_ORDERS \(topic BIG_ORDERS\)\n    StreamSelect ID, AMOUNT, DOUBLED\n    StreamFilter WHERE \(AMOUNT > 100\)\n/);
  assert.equal(JSON.stringify(await server.ksql('SHOW QUERIES;')), queriesBefore);
  assert.equal(infoRows(await ok('info'))[4]![0], 'PENDING');

  // A statement that fails mid-file: ERROR with its reason; the first statement did run.
  writeFileSync(v4, "CREATE STREAM audit (id STRING KEY) WITH (kafka_topic='audit', value_format='JSON', partitions=1);\nCREATE STREAM audit_copy AS SELECT * FROM no_such_stream;\n");
  await fails(/Failed to execute sql: CREATE STREAM audit_copy AS SELECT \* FROM no_such_stream;. Error: .*NO_SUCH_STREAM/i, 'apply', '--next');
  info = await ok('info');
  assert.match(info, /Current migration version: 4\n/);
  const [state4, prev4, reason4] = infoRows(info)[4]!;
  assert.deepEqual([state4, prev4], ['ERROR', '3']);
  assert.match(reason4!, /^Failed to execute sql: CREATE STREAM audit_copy AS SELECT \* FROM no_such_stream;\. Error: /);
  assert.ok((await names('STREAMS')).includes('AUDIT'));
  await ok('validate'); // the chain ends at 3, the last MIGRATED version

  // A RUNNING current version (an apply that stopped before recording its result) blocks apply.
  const row = (key: string, state: string) =>
    `INSERT INTO MIGRATION_EVENTS (VERSION_KEY, VERSION, NAME, STATE, CHECKSUM, STARTED_ON, COMPLETED_ON, PREVIOUS, ERROR_REASON) VALUES ('${key}', '4', 'broken', '${state}', 'x', '1', '', '3', 'N/A');`;
  await server.ksql(row('CURRENT', 'RUNNING') + row('4', 'RUNNING'));
  await until(async () => infoRows(await ok('info'))[4]![0] === 'RUNNING');
  await fails(/Version 4 is RUNNING: another apply is in progress, or one stopped before it recorded the result/, 'apply', '--all');
  await server.ksql(row('CURRENT', 'ERROR') + row('4', 'ERROR'));
  await until(async () => infoRows(await ok('info'))[4]![0] === 'ERROR');

  // A broken chain: the file of a MIGRATED version is gone.
  const v2 = join(migrations, 'V000002__add_orders.sql');
  renameSync(v2, v2 + '.bak');
  await fails(/Undo file .*U000002__add_orders.sql has no migration file V000002__\*\.sql beside it|No migrations file found for version with status MIGRATED. Version: 2/, 'validate');
  rmSync(join(migrations, 'U000002__add_orders.sql'));
  await fails(/No migrations file found for version with status MIGRATED. Version: 2/, 'validate');
  await fails(/No migrations file found for version with status MIGRATED. Version: 2/, 'apply', '--all');
  renameSync(v2 + '.bak', v2);
  writeFileSync(join(migrations, 'U000002__add_orders.sql'), U2);
  // A broken chain: an earlier link set to ERROR by hand (as a failed, half-recorded apply would).
  const link = (state: string) =>
    `INSERT INTO MIGRATION_EVENTS (VERSION_KEY, VERSION, NAME, STATE, CHECKSUM, STARTED_ON, COMPLETED_ON, PREVIOUS, ERROR_REASON) VALUES ('2', '2', 'add orders', '${state}', '${checksum2}', '1', '2', '1', 'N/A');`;
  const pulled = JSON.parse(await server.query("SELECT CHECKSUM FROM MIGRATION_SCHEMA_VERSIONS WHERE VERSION_KEY = '2';")) as { row?: { columns: string[] } }[];
  const checksum2 = pulled.find((r) => r.row)!.row!.columns[0];
  await server.ksql(link('ERROR'));
  await until(async () => infoRows(await ok('info'))[2]![0] === 'ERROR');
  for (let i = 0; i < 3; i++) {
    await fails(/Discovered version with previous version that does not have status MIGRATED. Version: 3. Previous version: 2. Previous version status: ERROR/, 'validate');
  }
  await server.ksql(link('MIGRATED'));
  await until(async () => infoRows(await ok('info'))[2]![0] === 'MIGRATED');
  await ok('validate');

  await ok('destroy-metadata');
  assert.ok(!(await names('STREAMS')).includes('MIGRATION_EVENTS'));
  assert.ok(!(await names('TABLES')).includes('MIGRATION_SCHEMA_VERSIONS'));
  assert.ok(!(await names('QUERIES')).some((q) => q.includes('MIGRATION')));
  await fails(/Failed to verify existence of migrations metadata stream 'MIGRATION_EVENTS'/, 'info');
});

test('eddy migrations: usage errors, through the real CLI', { timeout: 120_000 }, async () => {
  const help = await eddy('help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: eddy migrations \[ \{-c \| --config-file\} <config-file> \] <command> \[ <args> \]/);
  for (const c of ['new-project', 'initialize-metadata', 'create', 'apply', 'info', 'validate', 'destroy-metadata']) assert.match(help.stdout, new RegExp(`\\n    ${c} `));
  assert.match((await inProcess('help', 'apply')).stdout, /--goto <version>/);
  const noConfig = await inProcess('info');
  assert.equal(noConfig.code, 1);
  assert.match(noConfig.stderr, /Migrations config file required but not specified. Specify with --config-file \(or, equivalently, -c\)./);
  const twoModes = await eddy('-c', join(dir, 'none.properties'), 'apply', '--all', '--next');
  assert.equal(twoModes.code, 1);
  assert.match(twoModes.stderr, /Exactly one of --all, --next, --until, --version, --undo or --goto must be given; got --all, --next/);
});

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
