import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../src/engine/engine.js';
import { StatementError } from '../../src/engine/api.js';
import { createSerde } from '../../src/serde/index.js';
import type { LogRecord } from '../../src/log/topic-log.js';
import { withEngine } from './with-engine.js';

const ctx = { properties: {}, variables: {} };

async function readAll(e: Engine, topic: string): Promise<LogRecord[]> {
  const d = await e.log.describeTopic(topic);
  const out: LogRecord[] = [];
  for (let p = 0; p < d!.partitions; p++) out.push(...(await e.log.fetch([{ topic, partition: p, offset: 0 }], { maxWaitMs: 0 })));
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

test('INSERT VALUES serializes with the source formats and sets ROWTIME', async () => {
  await withEngine(async (e) => {
    await e.execute(
      `CREATE STREAM test (k STRING KEY, id INT, a ARRAY<BIGINT>, s STRUCT<foo DECIMAL(2, 1), bar ARRAY<STRING>>) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON', PARTITIONS=1);
       INSERT INTO test (id, ROWTIME, k) VALUES (10, 1234, 'key');
       INSERT INTO test VALUES ('k2', -1, ARRAY[1, 1 + 1], STRUCT(foo := 2.1));
       INSERT INTO test (id) VALUES (7);`,
      ctx,
    );
    const recs = await readAll(e, 'test_topic');
    assert.equal(recs.length, 3);
    assert.equal(recs[0]!.timestamp, 1234);
    assert.equal(recs[0]!.key!.toString(), 'key');
    assert.deepEqual(JSON.parse(recs[0]!.value!.toString()), { ID: 10, A: null, S: null });
    const second = recs.find((r) => r.key?.toString() === 'k2')!;
    assert.deepEqual(JSON.parse(second.value!.toString()), { ID: -1, A: [1, 2], S: { FOO: 2.1, BAR: null } });
    const third = recs.find((r) => r.key === null)!;
    assert.deepEqual(JSON.parse(third.value!.toString()), { ID: 7, A: null, S: null });
  });
});

test('INSERT VALUES into a KAFKA-keyed DELIMITED table and back through the serde', async () => {
  await withEngine(async (e) => {
    await e.execute(
      `CREATE TABLE t (id BIGINT PRIMARY KEY, name STRING, score DOUBLE) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='DELIMITED', PARTITIONS=2);
       INSERT INTO t (id, name, score) VALUES (42, 'ann', 1);`,
      ctx,
    );
    const [r] = await readAll(e, 't');
    const source = e.catalog.getSource('T')!;
    const key = createSerde({ format: 'KAFKA', columns: source.schema.key, side: 'key', topic: 't' }).deserialize(r!.key);
    const value = createSerde({ format: 'DELIMITED', columns: source.schema.value, side: 'value', topic: 't' }).deserialize(r!.value);
    assert.deepEqual(key, [42]);
    assert.deepEqual(value, ['ann', 1]);
  });
});

test('INSERT VALUES refusals', async () => {
  await withEngine(async (e) => {
    await e.execute(
      `CREATE STREAM input (id INT, val STRING) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON', PARTITIONS=1);
       CREATE SOURCE TABLE ro (k INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='ro', VALUE_FORMAT='JSON', PARTITIONS=1);
       CREATE STREAM source1 (k STRING KEY, h1 BYTES HEADER('h'), v INT) WITH (KAFKA_TOPIC='s1', VALUE_FORMAT='JSON', PARTITIONS=1);`,
      ctx,
    );
    const cases: [string, string][] = [
      [`INSERT INTO "input" (id, val) VALUES (1, 'hello');`, 'Cannot insert values into an unknown stream/table: `input`\nDid you mean INPUT? Hint: try removing double quotes from the source name.'],
      [`INSERT INTO ro VALUES (1, 'b');`, 'Cannot insert values into read-only table: RO'],
      [`INSERT INTO source1 VALUES ('abc', null, 44);`, 'Cannot insert into HEADER columns: H1'],
      [`INSERT INTO input (id, val) VALUES (FOO.bar, '10');`, "Failed to prepare statement: 'FOO' is not a valid stream/table name or alias."],
    ];
    for (const [sql, message] of cases) {
      await assert.rejects(e.execute(sql, ctx), (err: unknown) => err instanceof StatementError && err.message.includes(message), sql);
    }
  });
});

test('insertRow takes JSON objects with case-insensitive names', async () => {
  await withEngine(async (e) => {
    await e.execute(`CREATE STREAM s (k BIGINT KEY, v STRING) WITH (KAFKA_TOPIC='s', FORMAT='JSON', PARTITIONS=1);`, ctx);
    await e.insertRow('S', { k: 5, V: 'x' });
    const [r] = await readAll(e, 's');
    assert.equal(r!.key!.toString(), '5');
    assert.deepEqual(JSON.parse(r!.value!.toString()), { V: 'x' });
  });
});
