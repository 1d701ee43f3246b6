// Failures that stop a persistent query, as ksqlDB's do: the query goes to ERROR and
// DESCRIBE EXTENDED / SHOW QUERIES EXTENDED name the error in queryErrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../src/engine/engine.js';
import { withEngine } from '../engine/with-engine.js';

const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };
type Json = Record<string, any>;

async function describeQuery(e: Engine, sink: string): Promise<Json> {
  const [d] = (await e.execute(`DESCRIBE ${sink} EXTENDED;`, ctx)) as Json[];
  const id = d!.sourceDescription.writeQueries[0].id as string;
  const [shown] = (await e.execute('SHOW QUERIES EXTENDED;', ctx)) as Json[];
  return shown!.queryDescriptions.find((q: Json) => q.id === id);
}

test('a DECIMAL sum past its type stops the query with the overflow in queryErrors', async () => {
  await withEngine(async (e) => {
    await e.execute("CREATE STREAM t (id STRING KEY, v DECIMAL(4,1)) WITH (kafka_topic='t', value_format='JSON', partitions=1);", ctx);
    await e.execute('CREATE TABLE s AS SELECT id, SUM(v) AS total FROM t GROUP BY id;', ctx);
    await e.log.produce('t', [{ key: Buffer.from('a'), value: Buffer.from('{"V": 500.9}'), partition: 0 }]);
    await e.drain();
    assert.equal((await describeQuery(e, 'S')).state, 'RUNNING');
    await e.log.produce('t', [{ key: Buffer.from('a'), value: Buffer.from('{"V": 600.8}'), partition: 0 }]);
    await e.drain();
    const q = await describeQuery(e, 'S');
    assert.equal(q.state, 'ERROR');
    assert.equal(q.queryErrors.length, 1);
    assert.match(q.queryErrors[0].errorMessage, /^Error in aggregate function SUM\(V\): Numeric field overflow: the sum 1101\.7 does not fit DECIMAL\(4, 1\)\. The query stops/);
  });
});

test('ksql.timestamp.throw.on.invalid stops the query on a record without a valid timestamp', async () => {
  await withEngine(async (e) => {
    const props = { ...ctx, properties: { ...ctx.properties, 'ksql.timestamp.throw.on.invalid': 'true' } };
    await e.execute("CREATE STREAM t (k STRING KEY, id BIGINT, ts VARCHAR) WITH (kafka_topic='t', value_format='JSON', timestamp='ts', timestamp_format='yy-MM-dd HH:mm:ssX', partitions=1);", props);
    await e.execute('CREATE STREAM out AS SELECT k, id FROM t;', props);
    await e.log.produce('t', [{ key: null, value: Buffer.from('{"ID": 2, "TS": "!!!"}'), partition: 0 }]);
    await e.drain();
    const q = await describeQuery(e, 'OUT');
    assert.equal(q.state, 'ERROR');
    assert.match(q.queryErrors[0].errorMessage, /^Fatal user code error in TimestampExtractor callback for record t-0@0: column TS holds no valid timestamp\./);
  });
});
