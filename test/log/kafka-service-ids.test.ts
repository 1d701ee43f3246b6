// Two Eddy clusters (different ksql.service.id) on one real Kafka cluster: each keeps its own
// command topic, catalog, queries, consumer groups and transactional ids. Both count the same
// input topic with an exactly_once_v2 query of the same name; neither sees the other's
// statements (not even after a restart from an empty data directory, when the catalog
// comes back from Kafka) and neither fences or halves the other's work. Run twice: each
// server alone, and with eddy.cluster.enabled (consumer-group tasks and changelog topics,
// which must be per service id too: a new server of b restores b's state from b's changelog).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaLog } from '../../src/log/kafka/index.js';
import { realKafka } from './real-kafka.js';
import { eventually, isRunning, startEddyOnCluster, unique, type EddyOnCluster } from './eddy-on-cluster.js';

const { cluster, skip } = realKafka('two service ids on one cluster');

const names = (entities: Record<string, any>[], kind: 'streams' | 'tables' | 'queries') =>
  (entities[0]![kind] as { name?: string; id?: string }[]).map((x) => (x.name ?? x.id)!).sort();

for (const clustered of [false, true])
test(`servers with different service ids on one Kafka cluster never see each other’s commands or state${clustered ? ' (eddy.cluster.enabled)' : ''}`, { skip, timeout: 280_000 }, async () => {
  const run = unique(clustered ? 'svcc' : 'svc');
  const ids = [`${run}_a_`, `${run}_b_`];
  const input = `${run}_clicks`;
  const servers: EddyOnCluster[] = [];
  const start = async (serviceId: string) => {
    const s = await startEddyOnCluster({ 'bootstrap.servers': cluster!.brokers.join(','), 'ksql.service.id': serviceId, ...(clustered ? { 'eddy.cluster.enabled': 'true' } : {}) });
    assert.ok(isRunning(s), `server ${serviceId} did not start: ${JSON.stringify(s)}`);
    servers.push(s);
    return s;
  };
  try {
    const [a, b] = [await start(ids[0]!), await start(ids[1]!)];
    const eos = { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' };
    await a.ksql(`CREATE STREAM clicks (id INT KEY, page VARCHAR) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON', PARTITIONS=2);`);
    await b.ksql(`CREATE STREAM clicks (id INT KEY, page VARCHAR) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON');`);
    await a.ksql(`CREATE TABLE counts WITH (KAFKA_TOPIC='${run}_counts_a') AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;`, eos);
    await b.ksql(`CREATE TABLE counts WITH (KAFKA_TOPIC='${run}_counts_b') AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;`, eos);
    await a.ksql(`CREATE STREAM only_a AS SELECT * FROM clicks WHERE page = 'home';`, eos);
    const pages = ['home', 'cart', 'home', 'faq', 'home', 'cart'];
    await a.ksql(pages.map((p, i) => `INSERT INTO clicks (id, page) VALUES (${i}, '${p}');`).join(' '));

    const expected = ['cart=2', 'faq=1', 'home=3'];
    const counts = (s: EddyOnCluster) => async () => (await s.rows('SELECT page, n FROM counts;')).map((r) => `${r[0]}=${r[1]}`).sort();
    const full = (v: string[]) => JSON.stringify(v) === JSON.stringify(expected);
    assert.deepEqual(await eventually('counts of service a', counts(a), full, 60_000), expected);
    assert.deepEqual(await eventually('counts of service b', counts(b), full, 60_000), expected, 'b counts every record too: no shared group, no fencing');

    assert.deepEqual(names(await a.ksql('SHOW STREAMS;'), 'streams'), ['CLICKS', 'KSQL_PROCESSING_LOG', 'ONLY_A']);
    assert.deepEqual(names(await b.ksql('SHOW STREAMS;'), 'streams'), ['CLICKS', 'KSQL_PROCESSING_LOG']);
    const queriesA = names(await a.ksql('SHOW QUERIES;'), 'queries');
    const queriesB = names(await b.ksql('SHOW QUERIES;'), 'queries');
    assert.equal(queriesA.length, 2);
    assert.equal(queriesB.length, 1);

    // Each service id has a command topic of its own, holding only its own statements.
    const log = await KafkaLog.connect({ brokers: cluster!.brokers });
    try {
      for (const [i, id] of ids.entries()) {
        const topic = `_confluent-ksql-${id}_command_topic`;
        const text = (await log.fetch([{ topic, partition: 0, offset: 0 }], { maxRecords: 1000 })).map((r) => r.value?.toString() ?? '').join('\n');
        assert.match(text, new RegExp(`${run}_counts_${i === 0 ? 'a' : 'b'}`));
        assert.doesNotMatch(text, new RegExp(`${run}_counts_${i === 0 ? 'b' : 'a'}`), `the command topic of ${id} holds the other service's statements`);
      }
    } finally {
      await log.close();
    }

    // A new server of service b with an empty data dir gets b's catalog back, and only b's.
    // (Not its table state: that lives in the local SQLite file until changelog topics exist.)
    await b.stop();
    const b2 = await start(ids[1]!);
    assert.deepEqual(names(await b2.ksql('SHOW STREAMS;'), 'streams'), ['CLICKS', 'KSQL_PROCESSING_LOG']);
    assert.deepEqual(names(await b2.ksql('SHOW TABLES;'), 'tables'), ['COUNTS']);
    assert.equal(names(await b2.ksql('SHOW QUERIES;'), 'queries').length, 1);
    if (clustered) {
      // b's state comes back from b's own changelog; each service id has changelogs of its own.
      assert.deepEqual(await eventually('b2 restores its counts from its changelog', counts(b2), full, 60_000), expected);
      const changelogs = await KafkaLog.connect({ brokers: cluster!.brokers }).then(async (l) => {
        try {
          return (await l.listTopics()).map((t) => t.name).filter((n) => n.endsWith('-changelog') && n.includes(run));
        } finally {
          await l.close();
        }
      });
      for (const id of ids) assert.equal(changelogs.filter((n) => n.startsWith(`_confluent-ksql-${id}query_`)).length, 1, `one changelog of service ${id}: ${changelogs.join(', ')}`);
    }
    await b2.ksql(`INSERT INTO clicks (id, page) VALUES (9, 'faq');`);
    const after = ['cart=2', 'faq=2', 'home=3'];
    assert.deepEqual(await eventually('a counts what b wrote to the shared input', counts(a), (v) => JSON.stringify(v) === JSON.stringify(after), 60_000), after);
  } finally {
    for (const s of servers) await s.stop();
  }
});
