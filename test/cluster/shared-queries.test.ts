// Two Eddy servers with one ksql.service.id on the real Kafka cluster share the work: a
// statement sent to either runs on both (the command topic), each query's partitions are
// split between them through its consumer group (every input record gives one output
// record, not two), the COUNT per key is exact, and a pull query sent to either server
// answers for the whole table (the other server's partitions are forwarded to it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaLog } from '../../src/log/kafka/index.js';
import { realKafka } from '../log/real-kafka.js';
import { defineServer, eventually, killServer, ksql, pull, startServer, type ClusterServer } from './cluster-servers.js';

const { cluster, skip } = realKafka('servers sharing a service id');

async function readAll(log: KafkaLog, topic: string): Promise<{ key: string; value: string }[]> {
  const desc = await log.describeTopic(topic);
  if (!desc) return [];
  const out: { key: string; value: string }[] = [];
  const ends = await log.endOffsets(topic);
  for (let p = 0; p < desc.partitions; p++) {
    let offset = 0;
    while (offset < (ends[p] ?? 0)) {
      const batch = await log.fetch([{ topic, partition: p, offset }], { maxRecords: 5000, maxWaitMs: 100 });
      if (batch.length === 0) break;
      for (const r of batch) {
        offset = r.offset + 1;
        out.push({ key: r.key?.toString() ?? '', value: r.value?.toString() ?? '' });
      }
    }
  }
  return out;
}

test('two servers of one service id split each query’s partitions, and pull queries see the whole table from either', { skip, timeout: 280_000 }, async () => {
  const run = `share_${process.pid}_${Date.now().toString(36)}`;
  const root = mkdtempSync(join(tmpdir(), 'eddy-cluster-'));
  const config = { 'bootstrap.servers': cluster!.brokers.join(','), 'ksql.service.id': `${run}_`, 'commit.interval.ms': '200' };
  const servers: ClusterServer[] = [await defineServer(root, 'a', config), await defineServer(root, 'b', config)];
  const [a, b] = servers as [ClusterServer, ClusterServer];
  const log = await KafkaLog.connect({ brokers: cluster!.brokers });
  try {
    await Promise.all(servers.map((s) => startServer(s)));
    const eos = { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' };
    await ksql(a, `CREATE STREAM clicks (id VARCHAR KEY, n INT) WITH (KAFKA_TOPIC='${run}_clicks', VALUE_FORMAT='JSON', PARTITIONS=4);`);
    await ksql(a, `CREATE STREAM copied WITH (KAFKA_TOPIC='${run}_copied') AS SELECT id, n FROM clicks;`, eos);
    // Sent to the other server: it takes effect on both through the command topic.
    await ksql(b, `CREATE TABLE counts WITH (KAFKA_TOPIC='${run}_counts') AS SELECT id, COUNT(*) AS c FROM clicks GROUP BY id;`, eos);
    await eventually('a sees the table b created', async () => JSON.stringify(await ksql(a, 'SHOW TABLES;')), (t) => t.includes('COUNTS'), 30_000);

    const keys = 40;
    const total = 4000;
    const records = Array.from({ length: total }, (_, i) => ({ key: Buffer.from(`k${i % keys}`), value: Buffer.from(JSON.stringify({ N: i })) }));
    for (let i = 0; i < total; i += 500) await log.produce(`${run}_clicks`, records.slice(i, i + 500));

    const copied = await eventually('every input record copied once', () => readAll(log, `${run}_copied`), (r) => r.length >= total, 90_000);
    await new Promise((r) => setTimeout(r, 2000));
    const again = await readAll(log, `${run}_copied`);
    const seen = new Set(again.map((r) => (JSON.parse(r.value) as { N: number }).N));
    assert.equal(again.length, total, `outputs ${again.length} for ${total} inputs (two servers each running every partition would double them)`);
    assert.equal(seen.size, total);
    assert.ok(copied.length <= total);

    const sqlPull = { 'eddy.query.pull.sql.enabled': true };
    const expected = Array.from({ length: keys }, (_, k) => `k${k}=${total / keys}`).sort();
    for (const s of servers) {
      const rows = await eventually(`counts on ${s.name}`, async () => (await pull(s, 'SELECT id, c FROM counts;')).map((r) => `${r[0]}=${r[1]}`).sort(), (v) => JSON.stringify(v) === JSON.stringify(expected), 60_000);
      assert.deepEqual(rows, expected);
      assert.deepEqual(await pull(s, `SELECT id, c FROM counts WHERE id = 'k7';`), [['k7', total / keys]]);
      // A key range is read by both servers' stores (no fast path for a shared table).
      const range = (await pull(s, `SELECT id FROM counts WHERE id >= 'k1' AND id < 'k2';`)).map((r) => r[0]).sort();
      assert.deepEqual(range, ['k1', ...Array.from({ length: 10 }, (_, i) => `k1${i}`)]);
      assert.equal((await pull(s, 'SELECT id FROM counts LIMIT 5;')).length, 5);
      // An aggregate over rows held by two servers is refused with the reason, never answered from one part.
      await assert.rejects(pull(s, 'SELECT COUNT(*) FROM counts;', sqlPull), /can't use aggregates and GROUP BY here: \d+ of the table's partitions are run by other servers/);
      await assert.rejects(pull(s, 'SELECT id, c FROM counts ORDER BY c;', sqlPull), /can't use ORDER BY here/);
    }

    // Both servers run tasks of the query: the consumer group has two members.
    const queries = (await ksql(a, 'SHOW QUERIES;'))[0]!.queries as { id: string }[];
    assert.equal(queries.length, 2);
  } catch (e) {
    for (const s of servers) console.log(`--- ${s.name} output:\n${s.output}`);
    throw e;
  } finally {
    for (const s of servers) await killServer(s, 'SIGTERM');
    await log.close();
    rmSync(root, { recursive: true, force: true });
  }
});
