// The user-defined functions of docs/udf.md, taken from the page as written, loaded by a real
// `eddy server` process through `ksql.extension.dir`: they show in SHOW FUNCTIONS and
// DESCRIBE FUNCTION, run in persistent queries and pull queries, read their configuration,
// and a function that throws sends its record to the processing log while the query goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(repoRoot, 'docs', 'udf.md'), 'utf8');

/** The doc's code blocks that name their file (```ts file=ext/x.ts). */
function docFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of doc.matchAll(/```ts file=(\S+)\n([\s\S]*?)```/g)) files.set(m[1]!, m[2]!);
  return files;
}

/** The statements of the doc's "Using them" SQL block. */
function docStatements(): string[] {
  const block = /## Using them[\s\S]*?```sql\n([\s\S]*?)```/.exec(doc)![1]!;
  const withoutComments = block.replace(/--[^\n]*/g, '');
  return withoutComments.split(';').map((s) => s.trim()).filter((s) => s !== '').map((s) => `${s};`);
}

function startServer(dataDir: string, configFile: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--no-broker', '--config-file', configFile],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}${err}`)), 30000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr: () => err });
      }
    });
    child.on('exit', () => reject(new Error(`server exited before listening:\n${out}${err}`)));
  });
}

async function post(url: string, path: string, sql: string): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${sql} → ${res.status} ${text}`);
  return JSON.parse(text);
}

async function rows(url: string, sql: string): Promise<unknown[][]> {
  const items = (await post(url, '/query', sql)) as any[];
  const error = items.find((i) => i.errorMessage);
  if (error) throw new Error(`${sql} → ${JSON.stringify(error)}`);
  return items.filter((i) => i.row).map((i) => i.row.columns as unknown[]);
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the functions of docs/udf.md load into a real server and run in persistent and pull queries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-udf-'));
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const files = docFiles();
    assert.ok(files.size >= 5, 'docs/udf.md names its example files');
    mkdirSync(join(dir, 'ext'));
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    const config = join(dir, 'eddy.properties');
    writeFileSync(config, `ksql.extension.dir=${join(dir, 'ext')}\nksql.functions.mask_tail.char=#\n`);
    server = await startServer(join(dir, 'data'), config);
    const url = server.url;

    const listed = (await post(url, '/ksql', 'SHOW FUNCTIONS;'))[0].functions as { name: string; type: string; category: string }[];
    const byName = new Map(listed.map((f) => [f.name, f]));
    assert.deepEqual(byName.get('TO_CELSIUS'), { name: 'TO_CELSIUS', type: 'SCALAR', category: 'OTHER' });
    assert.deepEqual(byName.get('WEIGHTED_AVG'), { name: 'WEIGHTED_AVG', type: 'AGGREGATE', category: 'AGGREGATE' });
    assert.deepEqual(byName.get('WORDS'), { name: 'WORDS', type: 'TABLE', category: 'TABLE' });

    const described = (await post(url, '/ksql', 'DESCRIBE FUNCTION to_celsius;'))[0];
    assert.equal(described.name, 'TO_CELSIUS');
    assert.equal(described.author, 'The weather team');
    assert.equal(described.version, '1.0.0');
    assert.equal(described.path, join(dir, 'ext', 'temperature.ts'));
    assert.equal(described.description, 'Converts degrees Fahrenheit to degrees Celsius.');
    assert.deepEqual(
      described.functions.map((f: any) => f.argumentTypes),
      [['DOUBLE'], ['DOUBLE', 'INT']],
    );

    // The aggregate and the table function describe themselves too, with their kind.
    const aggregate = (await post(url, '/ksql', 'DESCRIBE FUNCTION weighted_avg;'))[0];
    assert.equal(aggregate.name, 'WEIGHTED_AVG');
    assert.equal(aggregate.type, 'AGGREGATE');
    assert.equal(aggregate.description, 'The average of the values, each counted by its weight.');
    assert.equal(aggregate.path, join(dir, 'ext', 'weighted.ts'));
    const table = (await post(url, '/ksql', 'DESCRIBE FUNCTION words;'))[0];
    assert.equal(table.name, 'WORDS');
    assert.equal(table.type, 'TABLE');
    assert.equal(table.description, 'The words of a text, one row each.');
    assert.ok(table.functions.length >= 1 && table.functions.every((f: any) => f.returnType === 'VARCHAR'), JSON.stringify(table.functions));

    const statements = docStatements();
    const pullQuery = statements.pop()!;
    for (const s of statements) await post(url, '/ksql', s);
    await post(
      url,
      '/ksql',
      "INSERT INTO readings (station, fahrenheit, code, note) VALUES ('oslo', 50.0, '7', 'cold and windy');" +
        "INSERT INTO readings (station, fahrenheit, code, note) VALUES ('oslo', 68.0, 'x7', 'mild');" +
        "INSERT INTO readings (station, fahrenheit, code, note) VALUES ('lima', 212.0, '3', 'hot');",
    );

    assert.deepEqual(await rows(url, 'SELECT station, c, code, masked FROM celsius EMIT CHANGES LIMIT 3;'), [
      ['oslo', 10, 7, 'os##'],
      ['oslo', 20, null, 'os##'],
      ['lima', 100, 3, 'li##'],
    ]);
    const logged = await rows(
      url,
      "SELECT message->recordProcessingError->errorMessage AS reason FROM KSQL_PROCESSING_LOG WHERE logger LIKE 'processing.CSAS_CELSIUS_%' EMIT CHANGES LIMIT 1;",
    );
    assert.match(String(logged[0]![0]), /STRICT_INT\(CODE\): 'x7' is not a whole number \(topic: readings, partition: 0, offset: 1\)/);
    const queries = (await post(url, '/ksql', 'SHOW QUERIES;'))[0].queries as { id: string; state: string }[];
    assert.ok(queries.every((q) => q.state === 'RUNNING'), JSON.stringify(queries));

    assert.deepEqual(await rows(url, 'SELECT word FROM note_words EMIT CHANGES LIMIT 5;'), [['cold'], ['and'], ['windy'], ['mild'], ['hot']]);

    const oslo = await eventually(
      () => rows(url, "SELECT station, avg_f, notes FROM by_station WHERE station = 'oslo';"),
      (r) => r.length === 1 && r[0]![1] === 59,
    );
    assert.deepEqual(oslo, [['oslo', 59, ['cold and windy', 'mild']]]);
    assert.deepEqual(await rows(url, pullQuery), [['oslo', 15]]);
    assert.doesNotMatch(server.stderr(), /Skipped a user-defined function/);
  } finally {
    server?.child.kill('SIGTERM');
    await new Promise((r) => server?.child.once('exit', r) ?? r(undefined));
    rmSync(dir, { recursive: true, force: true });
  }
});
