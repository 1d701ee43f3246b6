// A join's state moves with its task through the join's changelog topic: a stream-table
// join runs on one server, which is SIGKILLed; the other server takes the task over with no
// local join state and restores the table side from the changelog (the table's records are
// behind the group's committed offsets, so they are never read again), so records joined
// there still find their matches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../../src/log/kafka/index.js';
import { realKafka } from '../log/real-kafka.js';
import { defineServer, eventually, killServer, ksql, sleep, startServer, type ClusterServer } from './cluster-servers.js';

const { cluster, skip } = realKafka('join state changelogs');

async function values(log: KafkaLog, topic: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const ends = await log.endOffsets(topic);
  for (let p = 0; p < ends.length; p++) {
    let offset = 0;
    while (offset < ends[p]!) {
      const batch = await log.fetch([{ topic, partition: p, offset }], { maxRecords: 10_000, maxWaitMs: 200 });
      if (batch.length === 0) break;
      for (const r of batch) {
        offset = r.offset + 1;
        if (r.value) out.push(JSON.parse(r.value.toString()) as Record<string, unknown>);
      }
    }
  }
  return out;
}

test('a join task that moves restores its join state from the join changelog topic', { skip, timeout: 240_000 }, async () => {
  const run = `joinlog_${process.pid}_${Date.now().toString(36)}`;
  const root = mkdtempSync(join(tmpdir(), 'eddy-joinlog-'));
  const config = { 'bootstrap.servers': cluster!.brokers.join(','), 'ksql.service.id': `${run}_`, 'commit.interval.ms': '200', 'session.timeout.ms': '6000' };
  const a = await defineServer(root, 'a', config);
  const b = await defineServer(root, 'b', config);
  const servers: ClusterServer[] = [a, b];
  const log = await KafkaLog.connect({ brokers: cluster!.brokers });
  try {
    await startServer(a);
    const eos = { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' };
    await ksql(a, `CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='${run}_users', VALUE_FORMAT='JSON', PARTITIONS=2);`);
    await ksql(a, `CREATE STREAM clicks (id VARCHAR KEY, n BIGINT) WITH (KAFKA_TOPIC='${run}_clicks', VALUE_FORMAT='JSON', PARTITIONS=2);`);
    await ksql(a, `CREATE STREAM named WITH (KAFKA_TOPIC='${run}_named') AS SELECT c.id AS id, c.n AS n, u.name AS name FROM clicks c LEFT JOIN users u ON c.id = u.id;`, eos);

    const keys = 20;
    await log.produce(`${run}_users`, Array.from({ length: keys }, (_, k) => ({ key: Buffer.from(`u${k}`), value: Buffer.from(JSON.stringify({ NAME: `name${k}` })) })));
    await sleep(1000);
    const clicks = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`u${(from + i) % keys}`), value: Buffer.from(JSON.stringify({ N: from + i })) }));
    await log.produce(`${run}_clicks`, clicks(0, 100));
    await eventually('the first clicks joined on a', () => values(log, `${run}_named`), (v) => v.length >= 100, 60_000);

    const changelog = `_confluent-ksql-${run}_query_CSAS_NAMED_2-KafkaTopic_Right-Reduce-changelog`; // the table side's store, as ksqlDB names it
    const desc = await log.describeTopic(changelog);
    assert.ok(desc, `the join changelog topic ${changelog} exists`);
    assert.ok((await log.endOffsets(changelog)).reduce((x, y) => x + y, 0) > 0, 'the join state was written to its changelog');

    // b joins the group and a dies: b runs the join with no join state of its own.
    await startServer(b);
    await sleep(3000);
    await killServer(a, 'SIGKILL');
    await sleep(9000);
    await log.produce(`${run}_clicks`, clicks(100, 100));
    const named = await eventually('every click joined once', () => values(log, `${run}_named`), (v) => v.length >= 200, 90_000);
    await sleep(1500);
    const all = await values(log, `${run}_named`);
    assert.equal(all.length, 200, `outputs ${all.length} for 200 clicks`);
    assert.ok(named.length <= 200);
    const unmatched = all.filter((r) => r.NAME === null || r.NAME === undefined).map((r) => r.N);
    assert.deepEqual(unmatched, [], 'clicks joined after the move found their users (the table side was restored from the changelog)');
    for (const r of all) assert.equal(r.NAME, `name${Number(r.N) % keys}`);
  } catch (e) {
    for (const s of servers) console.log(`--- ${s.name}:\n${s.output.slice(-4000)}`);
    throw e;
  } finally {
    await killServer(a, 'SIGTERM');
    await killServer(b, 'SIGTERM');
    await log.close();
    rmSync(root, { recursive: true, force: true });
  }
});
