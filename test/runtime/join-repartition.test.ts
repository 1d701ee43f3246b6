// A join's internal topics, named as ksqlDB names them (src/planner/query/join-topology.ts),
// checked against the names ksqlDB's own topologies give for the same queries (its
// historical plans: KSTREAM-JOINTHIS-0000000012 for one rekeyed side, 16 for two, 28 and 32
// behind a nested join), and the repartition topics' content at run time: exactly the
// records the join consumed, rekeyed, in the join's key format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateAsSelect } from '../../src/parser/ast.js';
import type { JoinStep } from '../../src/plan/steps.js';
import { findSteps } from '../../src/plan/steps.js';
import type { KeyFormat } from '../../src/catalog/model.js';
import { INTEGER, STRING, BIGINT, col, makeEnv, parse, produce, readAll, readJson, register, removeDir, run, source, type Env } from './helpers.js';

async function withEnv(fn: (env: Env) => Promise<void>, properties: Record<string, unknown> = {}): Promise<void> {
  const env = await makeEnv(properties);
  try {
    await fn(env);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

const key = (format: KeyFormat['format']): Partial<import('../../src/catalog/model.js').DataSource> => ({ keyFormat: { format } });

/** Each join step's repartition topics (side:topic:key format) and stores, innermost first. */
function topology(env: Env, sql: string) {
  const plan = env.service.planPersistent(parse<CreateAsSelect>(sql), 'Q_0', env.ctx);
  return findSteps(plan.plan, ['StreamStreamJoin', 'StreamTableJoin', 'TableTableJoin', 'ForeignKeyJoin'])
    .sort((a: JoinStep, b: JoinStep) => a.rightIndex - b.rightIndex)
    .map((s: JoinStep) => ({ repartitions: (s.repartitions ?? []).map((r) => `${r.side}:${r.topic}:${r.keyFormat.format}`), stores: s.stores ?? [] }));
}

test('which join inputs are repartitioned, and the names of their topics and stores, follow ksqlDB', async () => {
  await withEnv(async (env) => {
    const stream = (name: string, format: KeyFormat['format'], window?: KeyFormat['window']) =>
      register(env, source(name, 'STREAM', [col('ID', INTEGER, 'KEY'), col('V', INTEGER)], { keyFormat: { format, ...(window ? { window } : {}) } }));
    const table = (name: string, format: KeyFormat['format']) => register(env, source(name, 'TABLE', [col('ID', INTEGER, 'KEY'), col('V', BIGINT)], key(format)));
    await stream('DL', 'DELIMITED');
    await stream('KF', 'KAFKA');
    await stream('KF2', 'KAFKA');
    await stream('AV', 'AVRO');
    await stream('JS', 'JSON_SR');
    await stream('JS2', 'JSON_SR');
    await stream('JS3', 'JSON_SR');
    await stream('WH', 'JSON_SR', { type: 'HOPPING', sizeMs: 5000 });
    await stream('WT', 'JSON_SR', { type: 'TUMBLING', sizeMs: 2000 });
    await stream('WK', 'KAFKA', { type: 'HOPPING', sizeMs: 5000 });
    await stream('WK2', 'KAFKA', { type: 'TUMBLING', sizeMs: 2000 });
    await table('TK', 'KAFKA');
    await table('TJ', 'JSON_SR');
    await table('TA', 'AVRO');
    await table('TA2', 'AVRO');

    // Key formats differ: the right side takes the left's.
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT DL.ID, KF.V FROM DL JOIN KF WITHIN 10 SECONDS ON DL.ID = KF.ID;'), [
      { repartitions: ['RIGHT:Join-right-repartition:DELIMITED'], stores: ['KSTREAM-JOINTHIS-0000000012-store', 'KSTREAM-JOINOTHER-0000000013-store'] },
    ]);
    // A value column of the left: only the left is rekeyed, in the right's key format.
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT DL.V, KF.V AS W FROM DL LEFT JOIN KF WITHIN 10 SECONDS ON DL.V = KF.ID;'), [
      { repartitions: ['LEFT:Join-left-repartition:KAFKA'], stores: ['KSTREAM-JOINTHIS-0000000012-store', 'KSTREAM-OUTEROTHER-0000000013-store'] },
    ]);
    // Schema-inference key formats always repartition both sides.
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT ROWKEY, JS2.V FROM JS FULL OUTER JOIN JS2 WITHIN 10 SECONDS ON JS.ID = JS2.ID;'), [
      { repartitions: ['LEFT:Join-left-repartition:JSON_SR', 'RIGHT:Join-right-repartition:JSON_SR'], stores: ['KSTREAM-OUTERTHIS-0000000016-store', 'KSTREAM-OUTEROTHER-0000000017-store'] },
    ]);
    // Nested: the outer join keeps the inner join's key (no repartition of the inner join), the stream-table join builds its table first.
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT JS.ID, AV.V, TJ.V AS W FROM AV JOIN JS WITHIN 10 SECONDS ON AV.ID = JS.ID JOIN TJ ON AV.ID = TJ.ID;'), [
      { repartitions: ['LEFT:L_Join-left-repartition:AVRO', 'RIGHT:L_Join-right-repartition:AVRO'], stores: ['KSTREAM-JOINTHIS-0000000028-store', 'KSTREAM-JOINOTHER-0000000029-store'] },
      { repartitions: ['RIGHT:RightSourceKeyed-SelectKey-repartition:AVRO'], stores: ['RightSourceKeyed-Materialize'] },
    ]);
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT JS.V, JS2.V AS W, KF.V AS X FROM JS JOIN JS2 WITHIN 10 SECONDS ON JS.ID = JS2.ID JOIN JS3 KF WITHIN 10 SECONDS ON JS.V = KF.ID;'), [
      { repartitions: ['LEFT:L_Join-left-repartition:JSON_SR', 'RIGHT:L_Join-right-repartition:JSON_SR'], stores: ['KSTREAM-JOINTHIS-0000000016-store', 'KSTREAM-JOINOTHER-0000000017-store'] },
      { repartitions: ['LEFT:Join-left-repartition:JSON_SR', 'RIGHT:Join-right-repartition:JSON_SR'], stores: ['KSTREAM-JOINTHIS-0000000032-store', 'KSTREAM-JOINOTHER-0000000033-store'] },
    ]);
    // Table sides: not rekeyed they materialize in KafkaTopic_<side>-Reduce; rekeyed through SelectKey.
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT KF.V, TK.V AS W FROM KF LEFT JOIN TK ON KF.V = TK.ID;'), [
      { repartitions: ['LEFT:Join-repartition:KAFKA'], stores: ['KafkaTopic_Right-Reduce'] },
    ]);
    assert.deepEqual(topology(env, 'CREATE TABLE O AS SELECT TA.ID, TA.V, TA2.V AS W FROM TA LEFT JOIN TA2 ON TA.ID = TA2.ID;'), [
      {
        repartitions: ['LEFT:LeftSourceKeyed-SelectKey-repartition:AVRO', 'RIGHT:RightSourceKeyed-SelectKey-repartition:AVRO'],
        stores: ['LeftSourceKeyed-Materialize', 'RightSourceKeyed-Materialize'],
      },
    ]);
    // A right join is Kafka Streams' left join of the right stream: its rekeyed right side is "this".
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT KF.V, DL.V AS W FROM DL RIGHT JOIN KF WITHIN 10 SECONDS ON DL.V = KF.ID;'), [
      { repartitions: ['LEFT:Join-right-repartition:KAFKA'], stores: ['KSTREAM-JOINTHIS-0000000012-store', 'KSTREAM-OUTEROTHER-0000000013-store'] },
    ]);
    // Key-to-key on one key format: nothing to repartition.
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT KF.ID, KF2.V FROM KF JOIN KF2 WITHIN 10 SECONDS ON KF.ID = KF2.ID;'), [
      { repartitions: [], stores: ['KSTREAM-JOINTHIS-0000000008-store', 'KSTREAM-JOINOTHER-0000000009-store'] },
    ]);
    // Windowed sources: a schema-inference format repartitions them as they are; any other change of key is refused.
    assert.deepEqual(topology(env, 'CREATE STREAM O AS SELECT * FROM WH JOIN WT WITHIN 1 MINUTE ON WH.ID = WT.ID;')[0]!.repartitions, ['LEFT:Join-left-repartition:JSON_SR', 'RIGHT:Join-right-repartition:JSON_SR']);
    assert.throws(() => topology(env, 'CREATE STREAM O AS SELECT * FROM WK JOIN WK2 WITHIN 1 MINUTE ON WK.ID = WK2.ID;'), /Implicit repartitioning of windowed sources is not supported/);
    assert.throws(() => topology(env, 'CREATE STREAM O AS SELECT * FROM WH JOIN WT WITHIN 1 MINUTE ON WH.ID = WT.V;'), /Implicit repartitioning of windowed sources is not supported/);
  });
});

for (const guarantee of ['at_least_once', 'exactly_once_v2']) {
  test(`a rekeyed join writes the records it consumes to its repartition topic, keyed by the join value (${guarantee})`, async () => {
    await withEnv(
      async (env) => {
        await register(env, source('ORDERS', 'STREAM', [col('ID', STRING, 'KEY'), col('CUSTOMER', STRING), col('AMOUNT', INTEGER)]), 2);
        await register(env, source('CUSTOMERS', 'TABLE', [col('ID', STRING, 'KEY'), col('NAME', STRING)]), 2);
        const { running } = run(env, 'CREATE STREAM ENRICHED AS SELECT O.CUSTOMER, O.AMOUNT, C.NAME FROM ORDERS O LEFT JOIN CUSTOMERS C ON O.CUSTOMER = C.ID;', 'CSAS_ENRICHED_0');
        await running.whenReady();
        const topic = '_confluent-ksql-default_query_CSAS_ENRICHED_0-Join-repartition';
        const desc = await env.log.describeTopic(topic);
        assert.equal(desc?.partitions, 2, 'the repartition topic has the rekeyed input topic\'s partitions');
        assert.equal(await env.log.describeTopic('_confluent-ksql-default_query_CSAS_ENRICHED_0-KafkaTopic_Right-Reduce-changelog'), undefined, 'a single server writes no changelog, so it creates none');
        await produce(env, 'customers', [{ key: 'c1', value: { NAME: 'Ann' }, timestamp: 1 }]);
        await env.service.drain();
        await produce(env, 'orders', [
          { key: 'o1', value: { CUSTOMER: 'c1', AMOUNT: 5 }, timestamp: 2 },
          { key: 'o2', value: { CUSTOMER: null, AMOUNT: 6 }, timestamp: 3 },
          { key: 'o3', value: { CUSTOMER: 'c2', AMOUNT: 7 }, timestamp: 4 },
        ]);
        await env.service.drain();
        const rekeyed = (await readJson(env, topic)).sort((a, b) => a.timestamp - b.timestamp);
        // Keyed by CUSTOMER (KAFKA: the bare string); a null join value goes without a key (KIP-962) and the left join still emits it.
        assert.deepEqual(
          rekeyed.map((r) => [r.key, r.value, r.timestamp]),
          [
            ['c1', { CUSTOMER: 'c1', AMOUNT: 5 }, 2],
            [null, { CUSTOMER: null, AMOUNT: 6 }, 3],
            ['c2', { CUSTOMER: 'c2', AMOUNT: 7 }, 4],
          ],
        );
        // Keyed records land in the partition their new key hashes to.
        const all = await readAll(env, topic);
        const { partitionForKey } = await import('../../src/log/partitioner.js');
        for (const r of all) if (r.key !== null) assert.equal(r.partition, partitionForKey(r.key, 2));
        assert.equal((await readJson(env, 'ENRICHED')).length, 3);
        await running.stop(true);
        assert.equal(await env.log.describeTopic(topic), undefined, 'terminating with cleanup deletes the internal topics');
      },
      { 'processing.guarantee': guarantee },
    );
  });
}

test('PRINT shows a rekeyed join\'s repartition topic, which EXPLAIN names', async () => {
  const { Engine } = await import('../../src/engine/engine.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'eddy-rekey-print-'));
  const e = await Engine.open({ dataDir: dir, properties: { 'auto.offset.reset': 'earliest' } });
  const ctx = { properties: {}, variables: {} };
  try {
    await e.execute(`CREATE STREAM orders (id VARCHAR KEY, customer VARCHAR, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);`, ctx);
    await e.execute(`CREATE TABLE customers (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='customers', value_format='JSON', partitions=1);`, ctx);
    const [explained] = (await e.execute(`EXPLAIN CREATE STREAM enriched AS SELECT o.customer, o.amount, c.name FROM orders o JOIN customers c ON o.customer = c.id;`, ctx)) as { queryDescription: { topology: string } }[];
    assert.match(explained!.queryDescription.topology, /Join-repartition \(Join\/0: left input rekeyed by O\.CUSTOMER, key KAFKA\)/);
    await e.execute(`CREATE STREAM enriched AS SELECT o.customer, o.amount, c.name FROM orders o JOIN customers c ON o.customer = c.id;`, ctx);
    await e.log.produce('orders', [{ key: Buffer.from('o1'), value: Buffer.from('{"CUSTOMER":"c7","AMOUNT":3}'), timestamp: Date.UTC(2024, 0, 1) }]);
    await e.drain();
    const topic = (await e.log.listTopics()).map((t) => t.name).find((n) => n.endsWith('-Join-repartition'));
    assert.ok(topic, 'the repartition topic exists');
    const stream = await e.query(`PRINT '${topic}' FROM BEGINNING LIMIT 1;`, ctx);
    const lines: string[] = [];
    for await (const item of stream.items) if ('row' in item) lines.push(item.row[0] as string);
    assert.equal(lines[2], 'rowtime: 2024/01/01 00:00:00.000 Z, key: c7, value: {"CUSTOMER":"c7","AMOUNT":3}, partition: 0');
  } finally {
    await e.close();
    removeDir(dir);
  }
});
