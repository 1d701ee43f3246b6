// `npm run bench -- stateless --log kafka [--bootstrap HOST:PORT]`: the stateless query of
// stateless.ts through a real Kafka cluster (EDDY_KAFKA_BOOTSTRAP, from scripts/kafka-cluster
// start): Eddy reads the input topic from Kafka, filters and projects, and writes the output
// topic to Kafka. Its baseline is kcat (librdkafka) producing the same records to a topic and
// consuming them back, in the same run. Rounds alternate (kcat, Eddy, kcat, …; at least 5,
// --rounds N); it prints each round, the median records/s of both, the median ratio and
// its spread. --records N sets the records per round (200k by default).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { DEFAULT_PROPERTIES } from '../src/config/index.js';
import { functionRegistry } from '../src/functions/index.js';
import { KafkaLog } from '../src/log/kafka/index.js';
import { parseStatement } from '../src/parser/index.js';
import type { CreateAsSelect } from '../src/parser/ast.js';
import { createQueryService } from '../src/runtime/index.js';
import { benchInputSource } from './stateless.js';
import { benchRecords, benchRounds } from './options.js';
import { alternate } from './rounds.js';

const RECORDS = benchRecords(200_000);
const ROUNDS = benchRounds();
const CATEGORIES = ['books', 'music', 'garden', 'toys', 'tools'];

function makeValues(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ ID: i, NAME: `customer-${(i * 7919) % 100000}`, AMOUNT: ((i * 37) % 10000) / 100, CATEGORY: CATEGORIES[i % CATEGORIES.length], NOTE: 'lorem ipsum' }),
  );
}

function kcat(bootstrap: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('error', (e) => reject(new Error(`kcat could not run (apt-get install kcat): ${e.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat ${args.join(' ')} exited with ${code}: ${err}`))));
  });
}

/** kcat produces the records from a file (one a line) and consumes them back: ms for both. */
async function kcatRound(bootstrap: string, log: KafkaLog, file: string, topic: string): Promise<number> {
  await log.createTopic(topic, { partitions: 1 });
  const start = process.hrtime.bigint();
  await kcat(bootstrap, ['-P', '-t', topic, '-p', '0', '-l', file]);
  await kcat(bootstrap, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-c', String(RECORDS)]);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Eddy's CSAS from a topic holding the records to an output topic on the cluster: ms to drain it. */
async function eddyRound(log: KafkaLog, values: string[], round: number, dataDir: string): Promise<{ ms: number; produced: number }> {
  const input = `bench_input_${process.pid}_${round}`;
  await log.createTopic(input, { partitions: 1 });
  for (let i = 0; i < values.length; i += 10_000) {
    await log.produce(input, values.slice(i, i + 10_000).map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1_700_000_000_000 })));
  }
  const catalog = new Catalog();
  catalog.putSource(benchInputSource(input));
  const service = createQueryService();
  const ctx = {
    catalog,
    log,
    functions: functionRegistry,
    dataDir: join(dataDir, `round${round}`),
    properties: { ...DEFAULT_PROPERTIES, 'auto.offset.reset': 'earliest', 'ksql.service.id': `bench_${process.pid}_${round}_` },
  };
  const sink = `BENCH_OUT_${process.pid}_${round}`;
  const stmt = parseStatement(`CREATE STREAM ${sink} AS SELECT ID, NAME, AMOUNT * 2 AS AMOUNT2, CATEGORY FROM INPUT WHERE AMOUNT > 50;`) as CreateAsSelect;
  const plan = service.planPersistent(stmt, `CSAS_${sink}_0`, ctx);
  catalog.putSource(plan.sink);
  const start = process.hrtime.bigint();
  service.start(plan, ctx);
  await service.drain();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const produced = (await log.endOffsets(plan.sink.topic)).reduce((a, b) => a + b, 0);
  await service.close();
  return { ms, produced };
}

export async function runStatelessKafkaBench(bootstrap: string): Promise<{ recordsPerSecond: number; ratio: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-stateless-kafka-'));
  const log = await KafkaLog.connect({ brokers: bootstrap.split(','), clientId: 'eddy-bench' });
  try {
    const values = makeValues(RECORDS);
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, values.join('\n') + '\n');
    const avg = values.reduce((s, v) => s + v.length, 0) / values.length;
    console.log(`stateless --log kafka: ${RECORDS} JSON records of ~${avg.toFixed(0)} bytes on ${bootstrap}, ${ROUNDS} alternating rounds`);
    const summary = await alternate({
      label: 'stateless --log kafka (eddy / kcat)',
      records: RECORDS,
      rounds: ROUNDS,
      baseline: async (round) => ({ ms: await kcatRound(bootstrap, log, file, `bench_kcat_${process.pid}_${round}`) }),
      eddy: async (round) => {
        const e = await eddyRound(log, values, round, dir);
        return { ms: e.ms, note: `${e.produced} passed the filter` };
      },
    });
    const recordsPerSecond = Math.round(summary.eddyPerSecond);
    const ratio = summary.ratio;
    for (const t of await log.listTopics()) if (t.name.includes(`_${process.pid}_`)) await log.deleteTopic(t.name).catch(() => undefined);
    return { recordsPerSecond, ratio };
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
