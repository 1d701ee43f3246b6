// `eddy topic …` against the embedded broker of a running server: in-process for most
// subcommands, and as the real `eddy` child process for stdin produce and consume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';
import { topicCommand } from '../../cli/topic.js';
import type { EmbeddedLog } from '../../src/log/embedded/index.js';

let dir: string;
let server: EmbeddedServer;
let bootstrap: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-topic-cmd-'));
  server = await startEmbedded({ dataDir: dir, port: 0, host: '127.0.0.1', config: {}, brokerPort: 0 });
  bootstrap = server.broker!.address;
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const log = () => (server.engine as unknown as { log: EmbeddedLog }).log;

async function run(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await topicCommand([...args, '-b', bootstrap], { stdout, stderr, stdin: Readable.from([stdin]), env: {} });
  return { code, stdout: out, stderr: err };
}

function eddy(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', 'topic', ...args], { timeout: 30_000, env: { ...process.env, EDDY_BOOTSTRAP_SERVERS: bootstrap } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin);
  });
}

test('create, list, describe and delete a topic', async () => {
  let r = await run(['create', 'inventory', '--partitions', '3', '--config', 'cleanup.policy=compact']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "Created topic 'inventory' with 3 partitions.\n");
  const d = await log().describeTopic('inventory');
  assert.equal(d?.partitions, 3);
  assert.equal(d?.configs['cleanup.policy'], 'compact');

  r = await run(['create', 'inventory']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Topic 'inventory' already exists at 127\.0\.0\.1:\d+\. See it with: eddy topic describe inventory/);

  await log().produce('inventory', [{ key: Buffer.from('a'), value: Buffer.from('1'), partition: 1 }, { key: Buffer.from('b'), value: Buffer.from('2'), partition: 1 }]);
  r = await run(['list']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Kafka Topic +\| Partitions \| Replication \| Records/);
  assert.match(r.stdout, / inventory +\| 3 +\| 1 +\| 2 /);
  assert.doesNotMatch(r.stdout, /_confluent-ksql-/);
  assert.match((await run(['list', '--all'])).stdout, /_confluent-ksql-default__command_topic/);

  r = await run(['describe', 'inventory']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Partitions  : 3/);
  assert.match(r.stdout, /Configs     : cleanup\.policy=compact/);
  assert.match(r.stdout, / 1 +\| 0 +\| 0 +\| 0 +\| 2 +\| 2 /);
  assert.match(r.stdout, /Consumer groups: none has read this topic\./);

  r = await run(['delete', 'inventory']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await log().describeTopic('inventory'), undefined);
});

test('a missing topic, a bad flag and an unreachable broker say what to do', async () => {
  let r = await run(['describe', 'Nope']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Topic 'Nope' not found at 127\.0\.0\.1:\d+\. See the topics with: eddy topic list\n$/);
  await log().createTopic('nope', { partitions: 1 });
  r = await run(['delete', 'Nope']);
  assert.match(r.stderr, /Topic names are case-sensitive: did you mean 'nope'\?/);
  r = await run(['produce', 'missing']);
  assert.match(r.stderr, /Topic 'missing' not found .* Create it with: eddy topic create missing/);
  r = await run(['consume', 'nope', '--count', 'x']);
  assert.match(r.stderr, /--count must be an integer of at least 0, got 'x'/);
  r = await run(['create', 'x', '--group', 'g']);
  assert.match(r.stderr, /eddy topic create has no option --group/);
  r = await run(['bogus']);
  assert.match(r.stderr, /Unknown topic command 'bogus'/);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d) => (err += d));
  const code = await topicCommand(['list', '-b', '127.0.0.1:1'], { stdout, stderr, stdin: Readable.from(['']), env: {} });
  assert.equal(code, 1);
  assert.match(err, /Could not reach a Kafka broker at 127\.0\.0\.1:1 .*Start one with `eddy server`.*--bootstrap-server host:port/);
  const help = await run(['consume', '--help']);
  assert.match(help.stdout, /Usage: eddy topic consume NAME/);
  assert.match(help.stdout, /%k key +%v value/);
});

test('produce from a file with keys and headers; consume with a format, a count and a group; describe shows the lag', async () => {
  await log().createTopic('orders', { partitions: 2 });
  const file = join(dir, 'orders.txt');
  writeFileSync(file, 'k1:first\nk2:second:with colon\n\nk3:third\n');
  let r = await run(['produce', 'orders', '--file', file, '--key-separator', ':', '--header', 'src=file', '--header', 'n=1', '--compression', 'gzip']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "Produced 3 records to topic 'orders'.\n");
  const stored = [...(await log().fetch([0, 1].map((partition) => ({ topic: 'orders', partition, offset: 0 }))))].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  assert.deepEqual(stored.map((s) => [String(s.key), String(s.value), s.headers.map((h) => `${h.key}=${h.value}`).join(',')]), [
    ['k1', 'first', 'src=file,n=1'],
    ['k2', 'second:with colon', 'src=file,n=1'],
    ['k3', 'third', 'src=file,n=1'],
  ]);

  r = await run(['consume', 'orders', '--from-beginning', '--exit', '--format', '%k=%v@%p/%o %T [%h]']);
  assert.equal(r.code, 0, r.stderr);
  const expected = stored.map((s) => `${s.key}=${s.value}@${s.partition}/${s.offset} ${s.timestamp} [src=file,n=1]`);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), expected.sort());

  r = await run(['consume', 'orders', '--from-beginning', '--group', 'audit', '--count', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 2);
  const committed = [...(await log().committedOffsets('audit', 'orders')).values()].reduce((a, b) => a + b, 0);
  assert.equal(committed, 2, 'the group committed exactly the two records it printed');

  const committedAt = await log().committedOffsets('audit', 'orders');
  const ends = await log().endOffsets('orders');
  const lag = [...committedAt].reduce((s, [p, o]) => s + ends[p]! - o, 0);
  r = await run(['describe', 'orders']);
  assert.match(r.stdout, new RegExp(`Consumer groups: 1 \\(0 consumers\\), total lag ${lag}\n`));
  assert.match(r.stdout, / audit +\| Empty +\| 0 /);

  // The group resumes after its committed offsets.
  r = await run(['consume', 'orders', '--from-beginning', '--group', 'audit', '--exit']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  r = await run(['consume', 'orders', '--group', 'audit', '--exit']);
  assert.equal(r.stdout, '', 'nothing left for the group');
});

test('the eddy command produces from stdin and consumes, as a user runs it', async () => {
  await log().createTopic('lines', { partitions: 1 });
  let r = await eddy(['produce', 'lines', '--key-separator', '\t', '--header', 'h=1'], 'a\tone\nb\ttwo\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Produced 2 records to topic 'lines'/);
  r = await eddy(['consume', 'lines', '--from-beginning', '--count', '2', '--format', '%o %k %v %h'], '');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '0 a one h=1\n1 b two h=1\n');
});
