// `npm run bench -- broker [--records N] [--rounds N]`: kcat produce and consume throughput
// of 1 KB records against the embedded broker, and the produce rate as a ratio of the data
// directory's raw sequential append rate: 1 MiB writes of the same byte count, ended by
// fdatasync as `dd conv=fdatasync` measures a disk. Rounds alternate (raw append, kcat
// produce to a fresh topic, kcat consume it back); it prints the median ratio and its
// spread. Without the flush the raw figure is the page cache's copy rate, which says
// nothing about the directory and swings with the machine's load; it is printed too.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { EmbeddedLog } from '../src/log/embedded/index.js';
import { startBroker } from '../src/broker/index.js';
import { benchRecords, benchRounds } from './options.js';
import { alternate, median } from './rounds.js';

const RECORD_BYTES = 1000;

function run(cmd: string, args: string[], stdinFile?: string): Promise<{ ms: number; stdoutBytes: number; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: [stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdoutBytes += d.length));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ms: performance.now() - start, stdoutBytes, stderr, code }));
  });
}

function rawAppendMBps(dir: string, bytes: number, flush: boolean): number {
  const file = path.join(dir, 'raw-append.bin');
  const chunk = Buffer.alloc(1 << 20, 120);
  const fd = fs.openSync(file, 'w');
  const start = performance.now();
  let written = 0;
  while (written < bytes) written += fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  if (flush) fs.fdatasyncSync(fd);
  const ms = performance.now() - start;
  fs.closeSync(fd);
  fs.rmSync(file);
  return bytes / (1 << 20) / (ms / 1000);
}

export async function runBrokerBench(): Promise<Record<string, number>> {
  if (spawnSync('kcat', ['-V']).status !== 0) {
    console.log('broker bench needs kcat: apt-get install -y kcat');
    return {};
  }
  const RECORDS = benchRecords(Number(process.env.BENCH_BROKER_RECORDS ?? 200_000));
  const rounds = benchRounds();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-broker-'));
  const input = path.join(dir, 'input.txt');
  const line = Buffer.alloc(RECORD_BYTES + 1, 97);
  line[RECORD_BYTES] = 10;
  {
    const fd = fs.openSync(input, 'w');
    const block = Buffer.concat(Array.from({ length: 1000 }, () => line));
    for (let i = 0; i < RECORDS; i += 1000) fs.writeSync(fd, block, 0, Math.min(1000, RECORDS - i) * line.length);
    fs.closeSync(fd);
  }
  const log = await EmbeddedLog.open(path.join(dir, 'data'));
  const broker = await startBroker({ log, port: 0 });
  const payloadMB = (RECORDS * RECORD_BYTES) / (1 << 20);
  const consumeRates: number[] = [];
  const pageCacheRates: number[] = [];
  try {
    console.log(`broker: kcat against the embedded broker, ${RECORDS} records of ${RECORD_BYTES} B, ${rounds} alternating rounds`);
    const summary = await alternate({
      label: 'broker produce / raw append',
      records: RECORDS,
      rounds,
      baseline: () => {
        const raw = rawAppendMBps(path.join(dir, 'data'), RECORDS * RECORD_BYTES, true);
        pageCacheRates.push(rawAppendMBps(path.join(dir, 'data'), RECORDS * RECORD_BYTES, false));
        return { ms: (payloadMB / raw) * 1000, note: `${raw.toFixed(0)} MB/s with fdatasync` };
      },
      eddy: async (round) => {
        const topic = `bench${round}`;
        await log.createTopic(topic, { partitions: 1 });
        const produce = await run('kcat', ['-b', broker.address, '-P', '-t', topic, '-p', '0', '-X', 'linger.ms=20', '-X', 'batch.size=1000000'], input);
        if (produce.code !== 0) throw new Error(`kcat produce failed: ${produce.stderr}`);
        const [end] = await log.endOffsets(topic);
        if (end !== RECORDS) throw new Error(`expected ${RECORDS} records, the log has ${end}`);
        const consume = await run('kcat', ['-b', broker.address, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
        if (consume.code !== 0) throw new Error(`kcat consume failed: ${consume.stderr}`);
        if (consume.stdoutBytes !== RECORDS * (RECORD_BYTES + 1)) throw new Error(`consumed ${consume.stdoutBytes} bytes, expected ${RECORDS * (RECORD_BYTES + 1)}`);
        consumeRates.push(payloadMB / (consume.ms / 1000));
        await log.deleteTopic(topic);
        return { ms: produce.ms, note: `produce ${(payloadMB / (produce.ms / 1000)).toFixed(0)} MB/s, consume ${consumeRates.at(-1)!.toFixed(0)} MB/s` };
      },
    });
    const figures = {
      records: RECORDS,
      recordBytes: RECORD_BYTES,
      produceMBps: Number(((summary.eddyPerSecond * RECORD_BYTES) / (1 << 20)).toFixed(1)),
      produceRecordsPerSec: Math.round(summary.eddyPerSecond),
      consumeMBps: Number(median(consumeRates).toFixed(1)),
      rawAppendMBps: Number(((summary.baselinePerSecond * RECORD_BYTES) / (1 << 20)).toFixed(1)),
      produceToRawRatio: Number(summary.ratio.toFixed(3)),
      pageCacheAppendMBps: Number(median(pageCacheRates).toFixed(1)),
    };
    console.log(`  kcat produce: median ${figures.produceMBps} MB/s, ${figures.produceRecordsPerSec} records/s; kcat consume: median ${figures.consumeMBps} MB/s`);
    console.log(`  raw sequential append (writeSync 1 MiB, then fdatasync): median ${figures.rawAppendMBps} MB/s (page cache only: ${figures.pageCacheAppendMBps} MB/s)`);
    console.log(`  target: produce / raw append ratio >= 0.3`);
    return figures;
  } finally {
    await broker.close();
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
