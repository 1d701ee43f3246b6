// Failover between two Eddy servers of one service id on the real Kafka cluster, under
// exactly_once_v2, while records stream in: one server is frozen (SIGSTOP) until its
// session expires and its tasks move, then thawed (a zombie: it must not commit output for
// the tasks it lost), and later SIGKILLed and restarted (it comes back with its local
// state behind, which its changelog brings up to date). Every input record is in the
// CSAS output exactly once and every key's COUNT is exact on both servers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../../src/log/kafka/index.js';
import type { PartitionProgress } from '../../src/log/topic-log.js';
import { realKafka } from '../log/real-kafka.js';
import { defineServer, eventually, killServer, ksql, pull, sleep, startServer, type ClusterServer } from './cluster-servers.js';

const { cluster, skip } = realKafka('failover between servers');

async function values(log: KafkaLog, topic: string): Promise<number[]> {
  const out: number[] = [];
  const ends = await log.endOffsets(topic);
  for (let p = 0; p < ends.length; p++) {
    let offset = 0;
    while (offset < ends[p]!) {
      const progress: PartitionProgress[] = [];
      const batch = await log.fetch([{ topic, partition: p, offset }], { maxRecords: 10_000, maxWaitMs: 200, progress });
      for (const r of batch) {
        offset = r.offset + 1;
        out.push((JSON.parse(r.value!.toString()) as { N: number }).N);
      }
      offset = Math.max(offset, progress[0]?.nextOffset ?? offset);
    }
  }
  return out;
}

test('a frozen, then killed server’s tasks move to the other with their state; output exactly once, counts exact', { skip, timeout: 280_000 }, async () => {
  const run = `failover_${process.pid}_${Date.now().toString(36)}`;
  const root = mkdtempSync(join(tmpdir(), 'eddy-failover-'));
  const config = { 'bootstrap.servers': cluster!.brokers.join(','), 'ksql.service.id': `${run}_`, 'commit.interval.ms': '300', 'session.timeout.ms': '6000' };
  const a = await defineServer(root, 'a', config);
  const b = await defineServer(root, 'b', config);
  const log = await KafkaLog.connect({ brokers: cluster!.brokers });
  let producing = true;
  try {
    await Promise.all([startServer(a), startServer(b)]);
    const eos = { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' };
    await ksql(a, `CREATE STREAM src (id VARCHAR KEY, n BIGINT) WITH (KAFKA_TOPIC='${run}_in', VALUE_FORMAT='JSON', PARTITIONS=4);`);
    await ksql(a, `CREATE STREAM copied WITH (KAFKA_TOPIC='${run}_out') AS SELECT id, n FROM src;`, eos);
    await ksql(b, `CREATE TABLE counts WITH (KAFKA_TOPIC='${run}_counts') AS SELECT id, COUNT(*) AS c FROM src GROUP BY id;`, eos);
    await sleep(4000);

    const keys = 50;
    let produced = 0;
    const producer = (async () => {
      while (producing) {
        const batch = Array.from({ length: 200 }, (_, j) => ({ key: Buffer.from(`k${(produced + j) % keys}`), value: Buffer.from(`{"N":${produced + j}}`) }));
        await log.produce(`${run}_in`, batch);
        produced += batch.length;
        await sleep(100);
      }
    })();

    await sleep(4000);
    b.child!.kill('SIGSTOP');
    await sleep(12_000); // past the session timeout: b's tasks move to a
    b.child!.kill('SIGCONT');
    await sleep(5000);
    await killServer(b, 'SIGKILL');
    await sleep(4000);
    await startServer(b);
    await sleep(4000);
    producing = false;
    await producer;

    const groups = ['CSAS_COPIED_1', 'CTAS_COUNTS_2'].map((q) => `_confluent-ksql-${run}_query_${q}`);
    await eventually(
      'both queries caught up',
      async () => {
        const ends = await log.endOffsets(`${run}_in`);
        let behind = 0;
        for (const g of groups) {
          const c = await log.committedOffsets(g, `${run}_in`);
          ends.forEach((e, p) => (behind += e - (c.get(p) ?? 0)));
        }
        return behind;
      },
      (behind) => behind === 0,
      120_000,
    );
    const inputs = await values(log, `${run}_in`);
    const outputs = await values(log, `${run}_out`);
    assert.equal(inputs.length, produced);
    assert.equal(outputs.length, inputs.length, `outputs ${outputs.length} for ${inputs.length} inputs`);
    assert.equal(new Set(outputs).size, inputs.length, 'an input record is missing or repeated in the output');

    const expected = Array.from({ length: keys }, (_, k) => `k${k}=${inputs.filter((n) => n % keys === k).length}`).sort();
    for (const s of [a, b]) {
      const rows = await eventually(`exact counts on ${s.name}`, async () => (await pull(s, 'SELECT id, c FROM counts;')).map((r) => `${r[0]}=${r[1]}`).sort(), (v) => JSON.stringify(v) === JSON.stringify(expected), 60_000);
      assert.deepEqual(rows, expected);
    }
  } catch (e) {
    for (const q of ['CSAS_COPIED_1', 'CTAS_COUNTS_2']) {
      const c = await log.committedOffsets(`_confluent-ksql-${run}_query_${q}`, `${run}_in`).catch(() => new Map());
      console.log(`${q}: ends ${JSON.stringify(await log.endOffsets(`${run}_in`))} committed ${JSON.stringify([...c])}`);
    }
    for (const s of [a, b]) console.log(`--- ${s.name}:\n${s.output.slice(-4000)}`);
    throw e;
  } finally {
    producing = false;
    if (b.child) b.child.kill('SIGCONT');
    await killServer(a, 'SIGTERM');
    await killServer(b, 'SIGTERM');
    await log.close();
    rmSync(root, { recursive: true, force: true });
  }
});
