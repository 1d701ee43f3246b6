import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSerde, defaultSchemaRegistry } from '../../src/serde/index.js';
import { INTEGER, type Column } from '../../src/common/types.js';
import { withEngine } from './with-engine.js';

const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };

function registerOutput(fields: unknown[]): number {
  return defaultSchemaRegistry().register('OUTPUT-value', { schemaType: 'AVRO', schema: JSON.stringify({ type: 'record', name: 'blah', fields }) });
}

const input = "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (kafka_topic='input', value_format='avro', partitions=1);";

test('CSAS with VALUE_SCHEMA_ID writes with the registered schema: a field the query lacks gets its default', async () => {
  await withEngine(async (e) => {
    const id = registerOutput([{ name: 'c1', type: 'int' }, { name: 'c2', type: 'int', default: 100 }]);
    await e.execute(`${input}\nCREATE STREAM OUTPUT WITH (value_schema_id=${id}) AS SELECT * FROM INPUT;\nINSERT INTO INPUT VALUES (42, 4);`, ctx);
    await e.drain();
    const [rec] = await e.log.fetch([{ topic: 'OUTPUT', partition: 0, offset: 0 }], { maxWaitMs: 0 });
    assert.equal(rec!.value!.readInt32BE(1), id);
    const cols: Column[] = [{ name: 'c1', type: INTEGER, namespace: 'VALUE' }, { name: 'c2', type: INTEGER, namespace: 'VALUE' }];
    assert.deepEqual(createSerde({ format: 'AVRO', side: 'value', topic: 'OUTPUT', columns: cols }).deserialize(rec!.value), [4, 100]);
  });
});

test('CSAS with VALUE_SCHEMA_ID refuses a schema whose fields are reordered or of other types', async () => {
  await withEngine(async (e) => {
    const id = registerOutput([{ name: 'c2', type: 'double' }, { name: 'c1', type: 'int' }]);
    await assert.rejects(
      e.execute(`${input}\nCREATE STREAM OUTPUT WITH (value_schema_id=${id}) AS SELECT * FROM INPUT;`, ctx),
      /The following value columns are changed, missing or reordered: \[`c1` INTEGER\]\. Schema from schema registry is \[`c2` DOUBLE, `c1` INTEGER\]/,
    );
  });
});

test('a record the sink cannot serialize puts the query into ERROR, saying where and why', async () => {
  await withEngine(async (e) => {
    const id = registerOutput([{ name: 'c1', type: 'int' }, { name: 'c2', type: 'double' }]);
    await e.execute(`${input}\nCREATE STREAM OUTPUT WITH (value_schema_id=${id}) AS SELECT * FROM INPUT;\nINSERT INTO INPUT VALUES (42, 4);`, ctx);
    await e.drain();
    const [shown] = await e.execute('SHOW QUERIES;', ctx);
    const queryId = (shown as unknown as { queries: { id: string }[] }).queries[0]!.id;
    const q = e.runningQuery(queryId)!;
    assert.equal(q.state, 'ERROR');
    assert.match(
      q.error!.message,
      /^Exception caught in process\. query=\S+, topic=input, partition=0, offset=0: Unable to serialize record\. ProducerRecord\(topic=\[OUTPUT\], timestamp=\[\d+\]\): .*Missing default value for required Avro field: \[c2\]/,
    );
    assert.deepEqual(await e.log.fetch([{ topic: 'OUTPUT', partition: 0, offset: 0 }], { maxWaitMs: 0 }), []);
  });
});

test('with ksql.fail.on.production.error=false a record the sink cannot serialize is logged and skipped, and the query keeps running', async () => {
  await withEngine(async (e) => {
    const id = registerOutput([{ name: 'c1', type: 'int' }, { name: 'c2', type: 'int', default: 7 }]);
    const lenient = { ...ctx, properties: { ...ctx.properties, 'ksql.fail.on.production.error': 'false' } };
    await e.execute(`${input}\nCREATE STREAM OUTPUT WITH (value_schema_id=${id}) AS SELECT * FROM INPUT;`, lenient);
    // A null for a field that is neither optional nor defaulted cannot be written; 4 can.
    await e.execute('INSERT INTO INPUT (`id`, `c1`) VALUES (1, NULL);\nINSERT INTO INPUT VALUES (2, 4);', ctx);
    await e.drain();
    const [shown] = await e.execute('SHOW QUERIES;', ctx);
    const queryId = (shown as unknown as { queries: { id: string }[] }).queries[0]!.id;
    assert.equal(e.runningQuery(queryId)!.state, 'RUNNING');
    const out = await e.log.fetch([{ topic: 'OUTPUT', partition: 0, offset: 0 }], { maxWaitMs: 0 });
    assert.equal(out.length, 1);
    const cols: Column[] = [{ name: 'c1', type: INTEGER, namespace: 'VALUE' }, { name: 'c2', type: INTEGER, namespace: 'VALUE' }];
    assert.deepEqual(createSerde({ format: 'AVRO', side: 'value', topic: 'OUTPUT', columns: cols }).deserialize(out[0]!.value), [4, 7]);
  });
});

test("a schema id from another subject is registered under the source's and the sink's subjects too, keeping its id", async () => {
  await withEngine(async (e) => {
    const registry = defaultSchemaRegistry();
    const id = registry.register('elsewhere-value', { schemaType: 'AVRO', schema: JSON.stringify({ type: 'record', name: 'r', fields: [{ name: 'c1', type: 'int' }] }) });
    await e.execute(
      `CREATE STREAM S WITH (kafka_topic='s', value_format='avro', value_schema_id=${id}, partitions=1);\n` +
        `CREATE STREAM T WITH (kafka_topic='t', value_schema_id=${id}) AS SELECT * FROM S;`,
      ctx,
    );
    assert.equal(registry.latest('s-value')!.id, id);
    assert.equal(registry.latest('t-value')!.id, id);
  });
});
