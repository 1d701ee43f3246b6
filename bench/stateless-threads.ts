// `npm run bench -- stateless --partitions N [--threads T] [--records N] [--rounds N]`: the
// stateless bench's query over an N-partition input, run in the main thread
// (eddy.query.threads = 1) and in T worker threads (default 2), in alternating rounds. The
// ratio is the worker threads' records/s over the single thread's: what using every core
// of the machine buys. Each round starts a fresh query (worker start-up included; the
// workers are pooled, so only the first round starts them). Each round also prints the CPU
// time per record of all the process's threads: on a machine other work keeps busy, the
// rates follow the CPU a round got, while equal CPU per record on both sides says the
// threads add little work (so with two idle cores the ratio approaches 2).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { benchRecords, benchRounds, option } from './options.js';
import { alternate, type RoundsSummary } from './rounds.js';
import { benchInputSource, makeValues } from './stateless.js';

export async function runStatelessThreadsBench(partitions: number): Promise<RoundsSummary> {
  const records = benchRecords(1_000_000);
  const rounds = benchRounds();
  const threads = Number(option('--threads') ?? 2);
  if (!Number.isInteger(partitions) || partitions < 1 || !Number.isInteger(threads) || threads < 2) {
    console.error('--partitions needs a whole number >= 1 and --threads one >= 2');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-threads-'));
  try {
    const log = await openBenchLog(dir);
    const values = makeValues(records);
    await fillTopic(log, 'input', records, (i) => ({ key: null, value: values[i]!, timestamp: 1_700_000_000_000, partition: i % partitions }), partitions);
    console.log(`stateless: ${records} JSON records over ${partitions} partitions, 1 thread against ${threads} worker threads, ${rounds} alternating rounds`);
    const run = async (name: string, n: number) => {
      const sink = `OUT_${name}`;
      const cpu = process.cpuUsage();
      const r = await runQueryRound({
        log,
        sources: [benchInputSource('input')],
        sql: `CREATE STREAM ${sink} AS SELECT ID, NAME, AMOUNT * 2 AS AMOUNT2, CATEGORY FROM INPUT WHERE AMOUNT > 50;`,
        sink,
        dataDir: join(dir, `data-${name}`),
        properties: { 'eddy.query.threads': n },
      });
      // CPU time of every thread of the process: on a busy machine the rate says how much
      // CPU the round got, this says how much work it was.
      const used = process.cpuUsage(cpu);
      const cpuUs = (used.user + used.system) / records;
      await log.deleteTopic(r.sinkTopic);
      return { ms: r.ms, note: `${r.produced} passed, ${cpuUs.toFixed(2)} µs CPU per record` };
    };
    const summary = await alternate({
      label: 'stateless threads',
      records,
      rounds,
      names: { baseline: '1 thread', eddy: `${threads} threads` },
      baseline: (round) => run(`one_${round}`, 1),
      eddy: (round) => run(`many_${round}`, threads),
    });
    console.log(`  target: ratio >= 1.5 with 2 threads on a 2-core machine`);
    await log.close();
    return summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
