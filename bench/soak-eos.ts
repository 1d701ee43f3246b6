// `npm run soak -- eos [--records N] [--chunk N] [--partitions N] [--guarantee G]`: exactly-once under
// crashes, end to end. Starts `eddy server` (a real process: embedded log and broker,
// processing.guarantee=exactly_once_v2), creates a stream and a CSAS over it, and has kcat
// produce N records into the input topic over the broker while the server is SIGKILLed
// and restarted twice. Then it reads both topics back with kcat and prints
//   inputs N outputs N missing M duplicates D
// (with --guarantee at_least_once the same run shows what the kills cost without it)
// where an input is a record of the input topic (partition, offset) and each output
// carries the partition and offset of the input it came from (ROWPARTITION, ROWOFFSET):
// missing counts inputs without an output, duplicates counts outputs beyond the first.
//
// Before each kill the query is paused while kcat builds a backlog, then resumed, and the
// server is killed 300 ms later, mid-cycle (commit.interval.ms is 1000): the run reports
// how many output records the kills left in aborted transactions.
//
// The producer works in chunks. A chunk that kcat could not confirm (the broker died
// under it) is checked against the input topic after the restart and only the ids that
// did not arrive are sent again, so every id lands in the input once; should a retry
// still write an id twice, that is a second input and rightly has a second output (the
// producer line reports it).

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

interface Options {
  records: number;
  chunk: number;
  partitions: number;
  guarantee: string;
}

function parseOptions(args: string[]): Options {
  const opts: Options = { records: 1_000_000, chunk: 50_000, partitions: 4, guarantee: 'exactly_once_v2' };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!.replace(/^--/, '');
    const text = args[i + 1] ?? '';
    const value = Number(text);
    if (name === 'guarantee' && /^[a-z_0-9]+$/.test(text)) opts.guarantee = text;
    else if ((name === 'records' || name === 'chunk' || name === 'partitions') && Number.isInteger(value) && value > 0) opts[name] = value;
    else {
      throw new Error(`unknown or invalid option '${args[i]} ${text}': use --records N, --chunk N, --partitions N, --guarantee at_least_once|exactly_once_v2`);
    }
  }
  return opts;
}

const repo = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The `eddy server` process, restartable on the same ports and data directory. */
class ServerProcess {
  private child: ChildProcess | null = null;
  private log = '';

  constructor(
    private readonly dataDir: string,
    private readonly configFile: string,
    readonly httpPort: number,
    readonly brokerPort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get broker(): string {
    return `127.0.0.1:${this.brokerPort}`;
  }

  async start(): Promise<void> {
    const args = [
      '--import', 'tsx', path.join(repo, 'cli', 'eddy.ts'), 'server',
      '--port', String(this.httpPort), '--host', '127.0.0.1',
      '--broker-port', String(this.brokerPort),
      '--data-dir', this.dataDir, '--config-file', this.configFile,
    ];
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        this.log = (this.log + d.toString()).slice(-8000);
        if (this.log.includes('Embedded Kafka broker listening')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => reject(new Error(`eddy server exited (${code ?? signal}) while starting:\n${this.log}`)));
    });
    await ready;
    await this.waitHealthy();
  }

  private async waitHealthy(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      try {
        const res = await fetch(`${this.url}/healthcheck`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`eddy server did not become healthy:\n${this.log}`);
  }

  /** SIGKILL: no shutdown hooks, no final commit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }

  async ksql(statements: string, streamsProperties: Record<string, string> = {}): Promise<unknown> {
    const res = await fetch(`${this.url}/ksql`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json' },
      body: JSON.stringify({ ksql: statements, streamsProperties }),
    });
    const body = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`statement failed (${res.status}): ${JSON.stringify(body)}`);
    return body;
  }
}

interface RunResult {
  code: number | null;
  stderr: string;
}

/** Runs a command, feeding stdin from a file and each stdout line to onLine. */
function run(cmd: string, args: string[], options: { stdinFile?: string; onLine?: (line: string) => void } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdin = options.stdinFile ? fs.openSync(options.stdinFile, 'r') : 'ignore';
    const child = spawn(cmd, args, { stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') fs.closeSync(stdin);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const done = new Promise<void>((r) => {
      if (!options.onLine) {
        child.stdout.resume();
        child.stdout.on('end', r);
        return;
      }
      const rl = readline.createInterface({ input: child.stdout });
      rl.on('line', options.onLine);
      rl.on('close', r);
    });
    child.on('error', reject);
    child.on('exit', (code) => void done.then(() => resolve({ code, stderr })));
  });
}

/** Reads a whole topic from the beginning with kcat (read_committed unless told otherwise). */
async function consume(broker: string, topic: string, format: string, onLine: (line: string) => void, readCommitted = true): Promise<void> {
  const args = ['-C', '-b', broker, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', format];
  args.push('-X', `isolation.level=${readCommitted ? 'read_committed' : 'read_uncommitted'}`);
  for (let attempt = 1; ; attempt++) {
    const lines: string[] = [];
    const r = await run('kcat', args, { onLine: (l) => lines.push(l) });
    if (r.code === 0) {
      for (const l of lines) onLine(l);
      return;
    }
    if (attempt >= 5) throw new Error(`kcat could not read ${topic}: ${r.stderr}`);
    await sleep(1000);
  }
}

async function inputIds(broker: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  await consume(broker, 'soak_in', '%s\n', (l) => {
    if (l === '') return;
    const id = (JSON.parse(l) as { ID: number }).ID;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  return counts;
}

function writeChunk(file: string, ids: Iterable<number>): number {
  const lines: string[] = [];
  for (const id of ids) lines.push(`{"ID":${id}}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return lines.length;
}

function produce(broker: string, file: string): Promise<RunResult> {
  return run('kcat', [
    '-P', '-b', broker, '-t', 'soak_in',
    '-X', 'enable.idempotence=true',
    '-X', 'message.timeout.ms=20000',
    '-X', 'linger.ms=5',
  ], { stdinFile: file });
}

async function countOutputs(broker: string): Promise<number> {
  let n = 0;
  await consume(broker, 'soak_out', '%o\n', () => n++);
  return n;
}

export async function runEosSoak(args: string[]): Promise<boolean> {
  const opts = parseOptions(args);
  if (spawnSync('kcat', ['-V']).status !== 0) {
    console.log('the eos soak needs kcat: apt-get install -y kcat');
    return false;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-soak-eos-'));
  const configFile = path.join(dir, 'server.properties');
  fs.writeFileSync(configFile, `processing.guarantee=${opts.guarantee}\ncommit.interval.ms=1000\n`);
  const server = new ServerProcess(path.join(dir, 'data'), configFile, await freePort(), await freePort());
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  try {
    await server.start();
    console.log(`eddy server up (http ${server.url}, broker ${server.broker}, ${opts.guarantee}), data in ${dir}`);
    await server.ksql(
      `CREATE STREAM soak_in (id BIGINT) WITH (KAFKA_TOPIC='soak_in', VALUE_FORMAT='JSON', PARTITIONS=${opts.partitions});
       CREATE STREAM soak_out WITH (KAFKA_TOPIC='soak_out') AS SELECT id, ROWPARTITION AS src_p, ROWOFFSET AS src_o FROM soak_in EMIT CHANGES;`,
      { 'auto.offset.reset': 'earliest' },
    );

    // So that each kill finds the query busy (mid-cycle, a transaction open) rather than
    // idle between kcat's chunks, it is paused for a while before each kill and resumed
    // just before it, with a backlog of 15-35% of the input.
    const chunks = Math.ceil(opts.records / opts.chunk);
    const pauseAt = new Set([0, Math.floor(chunks * 0.55)]);
    const killAt = new Set([Math.floor(chunks * 0.35), Math.floor(chunks * 0.7)]);
    const chunkFile = path.join(dir, 'chunk.txt');
    let kills = 0;
    let resent = 0;
    for (let c = 0; c < chunks; c++) {
      const from = c * opts.chunk;
      const to = Math.min(opts.records, from + opts.chunk);
      const ids = Array.from({ length: to - from }, (_, i) => from + i);
      writeChunk(chunkFile, ids);
      if (pauseAt.has(c)) {
        await server.ksql('PAUSE ALL;');
        console.log(`[${elapsed()}] CSAS paused at id ${from}`);
      }
      if (killAt.has(c)) {
        await server.ksql('RESUME ALL;');
        console.log(`[${elapsed()}] CSAS resumed at id ${from}`);
      }
      const producing = produce(server.broker, chunkFile);
      if (killAt.has(c)) {
        await sleep(300);
        await server.kill();
        kills++;
        console.log(`[${elapsed()}] SIGKILLed eddy server while kcat produced ids ${from}..${to - 1}; restarting`);
        await sleep(500);
        await server.start();
        console.log(`[${elapsed()}] eddy server back`);
      }
      let result = await producing;
      // kcat could not confirm every record: send again only the ids that did not arrive.
      while (result.code !== 0) {
        const present = await inputIds(server.broker);
        const missing = ids.filter((id) => !present.has(id));
        console.log(`[${elapsed()}] kcat did not confirm chunk ${c} (${result.stderr.trim().split('\n').pop()}); ${missing.length} ids missing, sending them again`);
        if (missing.length === 0) break;
        resent += writeChunk(chunkFile, missing);
        result = await produce(server.broker, chunkFile);
      }
    }
    console.log(`[${elapsed()}] kcat produced ids 0..${opts.records - 1} (${kills} server kills, ${resent} ids sent again)`);

    // Wait for the query to catch up: as many outputs as inputs and no more coming (a query
    // that repeats outputs would pass the input count before it is done), or no progress.
    let inputs = 0;
    await consume(server.broker, 'soak_in', '%o\n', () => inputs++);
    let last = -1;
    let still = 0;
    for (;;) {
      const outputs = await countOutputs(server.broker);
      if (outputs >= inputs && outputs === last) break;
      still = outputs === last ? still + 1 : 0;
      if (still >= 10) {
        console.log(`[${elapsed()}] the output stopped growing at ${outputs} records`);
        break;
      }
      last = outputs;
      await sleep(1000);
    }
    console.log(`[${elapsed()}] output caught up; verifying`);

    // Every input position, and the output records that name it.
    const perInput = new Map<string, number>();
    let inputCount = 0;
    await consume(server.broker, 'soak_in', '%p:%o\n', (l) => {
      if (l === '') return;
      perInput.set(l, 0);
      inputCount++;
    });
    let outputCount = 0;
    let strays = 0;
    await consume(server.broker, 'soak_out', '%s\n', (l) => {
      if (l === '') return;
      outputCount++;
      const v = JSON.parse(l) as { SRC_P: number; SRC_O: number };
      const k = `${v.SRC_P}:${v.SRC_O}`;
      const n = perInput.get(k);
      if (n === undefined) strays++;
      else perInput.set(k, n + 1);
    });
    let missing = 0;
    let duplicates = 0;
    for (const n of perInput.values()) {
      if (n === 0) missing++;
      else duplicates += n - 1;
    }
    const ids = await inputIds(server.broker);
    let idsMissing = 0;
    let idsTwice = 0;
    for (let id = 0; id < opts.records; id++) {
      const n = ids.get(id) ?? 0;
      if (n === 0) idsMissing++;
      else idsTwice += n - 1;
    }
    let uncommitted = 0;
    await consume(server.broker, 'soak_out', '%o\n', () => uncommitted++, false);
    uncommitted -= outputCount;
    console.log(
      `producer: ${opts.records} ids, ${idsMissing} never arrived, ${idsTwice} arrived twice; ` +
        `output records of aborted transactions (invisible to read_committed): ${uncommitted}` +
        (strays > 0 ? `; ${strays} outputs name no input record` : ''),
    );
    console.log(`[${elapsed()}] done`);
    console.log(`inputs ${inputCount} outputs ${outputCount} missing ${missing} duplicates ${duplicates}`);
    return missing === 0 && duplicates === 0 && strays === 0 && inputCount === outputCount;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
