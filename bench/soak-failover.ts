// `npm run soak -- failover [--records N] [--servers 3] [--partitions 6] [--keys 1000]
//  [--no-broker-restart] [--timeout-min 30]`: several Eddy servers of one service id on the
// real Kafka cluster of scripts/kafka-cluster share a CSAS and a CTAS with COUNT by key under
// exactly_once_v2 while records stream in; an Eddy server is SIGKILLed and restarted twice
// (two different ones) and a Kafka broker is stopped and started once along the way. At the
// end every input record must be in the CSAS's output exactly once and every key's count
// must be exact on every server; pull queries sent to all servers during the run must agree
// except while a rebalance moves tasks (the longest such gap is printed). Stops by itself.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../src/log/kafka/index.js';
import type { PartitionProgress } from '../src/log/topic-log.js';
import { defineServer, killServer, ksql, pull, sleep, startServer, type ClusterServer } from '../test/cluster/cluster-servers.js';

interface Options {
  records: number;
  servers: number;
  partitions: number;
  keys: number;
  brokerRestart: boolean;
  timeoutMs: number;
  /** Records produced per second at most, so the faults fall while records stream in. */
  rate: number;
}

function parse(args: string[]): Options {
  const o: Options = { records: 1_000_000, servers: 3, partitions: 6, keys: 1000, brokerRestart: true, timeoutMs: 30 * 60_000, rate: 4000 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => Number(args[++i]);
    if (a === '--records') o.records = next();
    else if (a === '--servers') o.servers = next();
    else if (a === '--partitions') o.partitions = next();
    else if (a === '--keys') o.keys = next();
    else if (a === '--no-broker-restart') o.brokerRestart = false;
    else if (a === '--timeout-min') o.timeoutMs = next() * 60_000;
    else if (a === '--rate') o.rate = next();
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

async function waitFor(done: () => Promise<boolean>, deadline: number, what: string): Promise<void> {
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

const elapsed = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

/** Every committed record's N of a topic, by partition order. */
async function readValues(log: KafkaLog, topic: string): Promise<number[]> {
  const desc = await log.describeTopic(topic);
  const out: number[] = [];
  if (!desc) return out;
  const ends = await log.endOffsets(topic);
  for (let p = 0; p < desc.partitions; p++) {
    let offset = 0;
    while (offset < (ends[p] ?? 0)) {
      const progress: PartitionProgress[] = [];
      const batch = await log.fetch([{ topic, partition: p, offset }], { maxRecords: 20_000, maxWaitMs: 500, progress });
      for (const r of batch) {
        offset = r.offset + 1;
        if (r.value) out.push(Number((JSON.parse(r.value.toString()) as { N: number }).N));
      }
      const next = progress[0]?.nextOffset;
      if (next !== undefined && next > offset) offset = next;
      else if (batch.length === 0) await sleep(200);
    }
  }
  return out;
}

/** Records behind the group's committed offsets, over all partitions. */
async function lag(log: KafkaLog, group: string, topic: string): Promise<number> {
  const ends = await log.endOffsets(topic);
  const committed = await log.committedOffsets(group, topic);
  return ends.reduce((sum, end, p) => sum + Math.max(0, end - (committed.get(p) ?? 0)), 0);
}

function kafkaScript(...args: string[]): void {
  execFileSync(join(process.cwd(), 'scripts/kafka-cluster'), args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function runFailoverSoak(args: string[]): Promise<boolean> {
  const o = parse(args);
  const bootstrap = process.env.EDDY_KAFKA_BOOTSTRAP;
  if (!bootstrap) {
    console.error('failover soak: needs the real Kafka cluster: eval "$(scripts/kafka-cluster start)" first (stop it with scripts/kafka-cluster stop)');
    return false;
  }
  const t0 = Date.now();
  const deadline = t0 + o.timeoutMs;
  const run = `failover_${Date.now().toString(36)}`;
  const root = mkdtempSync(join(tmpdir(), 'eddy-failover-'));
  const config = {
    'bootstrap.servers': bootstrap,
    'ksql.service.id': `${run}_`,
    'commit.interval.ms': '500',
    'ksql.internal.topic.replicas': '3',
    'ksql.sink.replicas': '3',
    'session.timeout.ms': '8000',
  };
  const servers: ClusterServer[] = [];
  for (let i = 0; i < o.servers; i++) servers.push(await defineServer(root, `eddy${i + 1}`, config));
  const log = await KafkaLog.connect({ brokers: bootstrap.split(','), requestTimeoutMs: 60_000 });
  const input = `${run}_input`;
  const output = `${run}_copied`;
  let ok = false;
  let brokerDown = false;
  try {
    await Promise.all(servers.map((s) => startServer(s)));
    const first = servers[0]!;
    const eos = { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' };
    await ksql(first, `CREATE STREAM src (id VARCHAR KEY, n BIGINT) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON', PARTITIONS=${o.partitions}, REPLICAS=3);`);
    await ksql(first, `CREATE STREAM copied WITH (KAFKA_TOPIC='${output}', REPLICAS=3) AS SELECT id, n FROM src;`, eos);
    await ksql(servers[1 % servers.length]!, `CREATE TABLE counts WITH (KAFKA_TOPIC='${run}_counts', REPLICAS=3) AS SELECT id, COUNT(*) AS c FROM src GROUP BY id;`, eos);
    const queries = (await ksql(first, 'SHOW QUERIES;'))[0]!.queries as { id: string }[];
    const groups = queries.map((q) => `_confluent-ksql-${run}_query_${q.id}`);
    console.log(`failover soak: ${o.servers} servers, ${o.partitions} partitions, ${o.records} records over ${o.keys} keys; queries ${queries.map((q) => q.id).join(', ')}`);
    await sleep(5000);

    // Pull queries to every server, all the time: the longest stretch in which they did not agree.
    let monitoring = true;
    let gapStart: number | null = null;
    let longestGap = 0;
    let rounds = 0;
    let agreed = 0;
    // Keys written only before the run starts: their counts never change, so every server must
    // answer them alike whenever no rebalance is moving their tasks.
    const fixedKeys = 50;
    const fixedCount = 20;
    const fixed = Array.from({ length: fixedKeys * fixedCount }, (_, i) => ({ key: Buffer.from(`fixed${i % fixedKeys}`), value: Buffer.from(`{"N":${-1 - i}}`) }));
    await log.produce(input, fixed);
    const fixedAnswer = JSON.stringify(Array.from({ length: fixedKeys }, (_, k) => `fixed${k}=${fixedCount}`).sort());
    // Servers that are down (killed, not yet restarted) are not asked; the others must answer for the whole table.
    const probe = async () =>
      Promise.all(
        servers
          .filter((s) => s.child)
          .map((s) => pull(s, 'SELECT id, c FROM counts;').then((r) => JSON.stringify(r.filter((x) => String(x[0]).startsWith('fixed')).map((x) => `${x[0]}=${x[1]}`).sort()))),
      );
    const gaps: number[] = [];
    await waitFor(async () => (await probe().catch(() => null))?.every((a) => a === fixedAnswer) ?? false, deadline, 'the fixed keys counted on every server');
    const monitor = (async () => {
      while (monitoring) {
        rounds++;
        let agree = false;
        for (let attempt = 0; attempt < 2 && !agree; attempt++) {
          const answers = await probe().catch(() => null);
          agree = answers !== null && answers.every((a) => a === fixedAnswer);
        }
        const now = Date.now();
        if (agree) {
          agreed++;
          if (gapStart !== null) {
            gaps.push(now - gapStart);
            longestGap = Math.max(longestGap, now - gapStart);
          }
          gapStart = null;
        } else if (gapStart === null) gapStart = now;
        await sleep(500);
      }
      if (gapStart !== null) longestGap = Math.max(longestGap, Date.now() - gapStart);
    })();

    // The faults, at fractions of the records produced.
    const events: { at: number; what: string; run: () => Promise<void> }[] = [];
    const bounce = (s: ClusterServer) => async () => {
      await killServer(s, 'SIGKILL');
      console.log(`  ${elapsed(t0)} SIGKILLed ${s.name}`);
      await sleep(6000);
      for (let attempt = 1; ; attempt++) {
        try {
          await startServer(s);
          break;
        } catch (e) {
          if (attempt >= 5) throw e;
          console.log(`  ${elapsed(t0)} ${s.name} did not start (${(e as Error).message.split('\n').slice(-2).join(' ')}); again`);
          await sleep(3000);
        }
      }
      console.log(`  ${elapsed(t0)} restarted ${s.name}`);
    };
    events.push({ at: 0.25, what: 'kill', run: bounce(servers[1 % servers.length]!) });
    if (o.brokerRestart) {
      events.push({
        at: 0.5,
        what: 'broker',
        run: async () => {
          brokerDown = true;
          kafkaScript('stop-node', '3');
          console.log(`  ${elapsed(t0)} stopped Kafka node 3`);
          await sleep(10_000);
          kafkaScript('start-node', '3');
          brokerDown = false;
          console.log(`  ${elapsed(t0)} started Kafka node 3`);
        },
      });
    }
    events.push({ at: 0.75, what: 'kill', run: bounce(servers[2 % servers.length]!) });

    // One fault after the other; a failed one fails the soak.
    let faults: Promise<void> = Promise.resolve();
    let faultError: Error | null = null;
    const batch = 2000;
    const started = Date.now();
    let produced = 0;
    while (produced < o.records) {
      if (Date.now() > deadline) throw new Error(`timed out producing at ${produced}`);
      while (events.length > 0 && produced >= events[0]!.at * o.records) {
        const e = events.shift()!;
        faults = faults.then(e.run).catch((err: Error) => {
          faultError ??= err;
        });
      }
      const ahead = produced / o.rate - (Date.now() - started) / 1000;
      if (ahead > 0) await sleep(ahead * 1000);
      const n = Math.min(batch, o.records - produced);
      const records = Array.from({ length: n }, (_, j) => {
        const i = produced + j;
        return { key: Buffer.from(`k${i % o.keys}`), value: Buffer.from(`{"N":${i}}`) };
      });
      try {
        await log.produce(input, records);
        produced += n;
      } catch (e) {
        // A broker going away mid-produce may have written part of the batch: the check reads the input back.
        console.log(`  ${elapsed(t0)} produce failed (${(e as Error).message}); retrying`);
        await sleep(1000);
      }
    }
    console.log(`  ${elapsed(t0)} produced ${produced}`);
    await faults;
    if (faultError) throw faultError;

    // Until every group has consumed everything.
    for (;;) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the queries to catch up');
      const lags = await Promise.all(groups.map((g) => lag(log, g, input).catch(() => -1)));
      if (lags.every((l) => l === 0)) break;
      await sleep(2000);
    }
    console.log(`  ${elapsed(t0)} caught up`);
    await sleep(3000);
    monitoring = false;
    await monitor;

    const inputs = await readValues(log, input);
    const outputs = await readValues(log, output);
    const want = new Map<number, number>();
    for (const n of inputs) want.set(n, (want.get(n) ?? 0) + 1);
    const got = new Map<number, number>();
    for (const n of outputs) got.set(n, (got.get(n) ?? 0) + 1);
    let missing = 0;
    let duplicates = 0;
    for (const [n, c] of want) {
      const g = got.get(n) ?? 0;
      if (g < c) missing += c - g;
      if (g > c) duplicates += g - c;
    }
    for (const [n, g] of got) if (!want.has(n)) duplicates += g;
    console.log(`inputs ${inputs.length} outputs ${outputs.length} missing ${missing} duplicates ${duplicates}`);

    const expected = new Map<string, number>();
    for (const n of inputs) {
      const key = n < 0 ? `fixed${(-1 - n) % fixedKeys}` : `k${n % o.keys}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    let allExact = true;
    for (const s of servers) {
      const rows = await pull(s, 'SELECT id, c FROM counts;');
      const exact = rows.filter((r) => expected.get(String(r[0])) === Number(r[1])).length;
      console.log(`counts on ${s.name}: ${rows.length} keys, ${exact} exact of ${expected.size}`);
      if (exact !== expected.size || rows.length !== expected.size) allExact = false;
    }
    console.log(
      `pull queries: ${agreed} of ${rounds} rounds agreed on every server (${fixedKeys} fixed keys); ${gaps.length} gaps (${gaps.map((g) => (g / 1000).toFixed(1)).join('s, ')}s), longest gap ${(longestGap / 1000).toFixed(1)}s`,
    );
    console.log(`took ${elapsed(t0)}`);
    ok = missing === 0 && duplicates === 0 && inputs.length >= o.records + fixed.length && allExact;
  } catch (e) {
    console.error(`failover soak failed: ${(e as Error).message}`);
    for (const s of servers) console.error(`--- ${s.name}:\n${s.output.slice(-3000)}`);
  } finally {
    if (brokerDown) kafkaScript('start-node', '3');
    for (const s of servers) await killServer(s, 'SIGTERM');
    await log.close();
    if (ok) rmSync(root, { recursive: true, force: true });
    else console.error(`server data kept in ${root}`);
  }
  console.log(ok ? 'failover soak: PASS' : 'failover soak: FAIL');
  return ok;
}
