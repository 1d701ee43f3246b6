import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KsqlError, StatementError, type KsqlEntity, type RequestContext } from '../../src/engine/api.js';
import { withEngine } from './with-engine.js';

const ctx = (properties: Record<string, unknown> = {}): RequestContext => ({ properties, variables: {} });

async function fails(p: Promise<unknown>, pattern: RegExp | string): Promise<StatementError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StatementError, `expected StatementError, got ${String(e)}`);
    if (typeof pattern === 'string') assert.ok(e.message.includes(pattern), `message: ${e.message}`);
    else assert.match(e.message, pattern);
    return e;
  }
  assert.fail('expected the statement to fail');
}

test('CREATE STREAM and TABLE create topics and return currentStatus entities', async () => {
  await withEngine(async (e) => {
    const out = await e.execute(
      `CREATE STREAM pageviews (id BIGINT KEY, page STRING, ts BIGINT) WITH (KAFKA_TOPIC='pv', VALUE_FORMAT='JSON', PARTITIONS=3, TIMESTAMP='ts');
       CREATE TABLE users (id BIGINT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', FORMAT='JSON', PARTITIONS=2, RETENTION_MS=1000);`,
      ctx(),
    );
    assert.equal(out.length, 2);
    assert.equal(out[0]!['@type'], 'currentStatus');
    assert.equal(out[0]!.commandId, 'stream/PAGEVIEWS/create');
    assert.deepEqual(out[0]!.commandStatus, { status: 'SUCCESS', message: 'Stream created' });
    assert.equal(out[1]!.commandId, 'table/USERS/create');
    assert.deepEqual(out[1]!.commandStatus, { status: 'SUCCESS', message: 'Table created' });
    assert.ok((out[1]!.commandSequenceNumber as number) > (out[0]!.commandSequenceNumber as number));

    const pv = await e.log.describeTopic('pv');
    assert.equal(pv?.partitions, 3);
    const users = await e.log.describeTopic('users');
    assert.equal(users?.configs['retention.ms'], '1000');
    assert.equal(users?.configs['cleanup.policy'], 'compact');

    const s = e.catalog.getSource('PAGEVIEWS')!;
    assert.equal(s.keyFormat.format, 'KAFKA');
    assert.equal(s.valueFormat.format, 'JSON');
    assert.deepEqual(s.timestamp, { column: 'TS' });
    assert.deepEqual(s.schema.key.map((c) => c.name), ['ID']);
    assert.equal(e.catalog.getSource('USERS')!.keyFormat.format, 'JSON');
  });
});

test('SHOW STREAMS / TABLES / TOPICS and DESCRIBE [EXTENDED]', async () => {
  await withEngine(async (e) => {
    await e.execute(
      `CREATE STREAM s1 (k STRING KEY, v INT, h BYTES HEADER('x')) WITH (KAFKA_TOPIC='t1', VALUE_FORMAT='JSON', PARTITIONS=2);
       CREATE TABLE t1 (k STRING PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='t2', VALUE_FORMAT='DELIMITED', PARTITIONS=1);`,
      ctx(),
    );
    const [streams, tables, topics, all] = await e.execute('SHOW STREAMS; LIST TABLES; SHOW TOPICS; SHOW ALL TOPICS;', ctx());
    const names = (streams!.streams as { name: string }[]).map((x) => x.name);
    assert.deepEqual(names, ['KSQL_PROCESSING_LOG', 'S1']);
    assert.deepEqual((streams!.streams as object[])[1], {
      type: 'STREAM',
      name: 'S1',
      topic: 't1',
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      isWindowed: false,
    });
    assert.deepEqual((tables!.tables as { name: string }[]).map((x) => x.name), ['T1']);
    const topicNames = (topics!.topics as { name: string }[]).map((t) => t.name);
    assert.ok(topicNames.includes('t1') && topicNames.includes('t2'));
    assert.ok(!topicNames.some((n) => n.startsWith('_confluent-ksql-')));
    assert.deepEqual((topics!.topics as { name: string; replicaInfo: number[] }[]).find((t) => t.name === 't1')!.replicaInfo, [1, 1]);
    assert.ok((all!.topics as { name: string }[]).some((t) => t.name === '_confluent-ksql-default__command_topic'));

    const [desc] = await e.execute('DESCRIBE s1 EXTENDED;', ctx());
    assert.equal(desc!['@type'], 'sourceDescription');
    const d = desc!.sourceDescription as Record<string, unknown>;
    assert.equal(d.name, 'S1');
    assert.equal(d.partitions, 2);
    assert.equal(d.extended, true);
    assert.deepEqual(d.fields, [
      { name: 'K', schema: { type: 'STRING', fields: null, memberSchema: null }, type: 'KEY' },
      { name: 'V', schema: { type: 'INTEGER', fields: null, memberSchema: null } },
      { name: 'H', schema: { type: 'BYTES', fields: null, memberSchema: null }, type: 'HEADER', headerKey: 'x' },
    ]);
    const [plain] = await e.execute('DESCRIBE t1;', ctx());
    assert.equal((plain!.sourceDescription as Record<string, unknown>).valueFormat, 'DELIMITED');
    const [many] = await e.execute('DESCRIBE STREAMS;', ctx());
    assert.equal((many!.sourceDescriptions as unknown[]).length, 2);
    await fails(e.execute('DESCRIBE nope;', ctx()), "Could not find STREAM/TABLE 'NOPE' in the Metastore");
  });
});

test('CREATE errors use ksqlDB texts', async () => {
  await withEngine(async (e) => {
    await fails(e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='missing', VALUE_FORMAT='JSON');`, ctx()), "Topic 'missing' does not exist");
    await fails(e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='FOO', PARTITIONS=1);`, ctx()), 'Unknown format: FOO');
    await fails(e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', PARTITIONS=1);`, ctx()), "missing the 'VALUE_FORMAT' property");
    await fails(
      e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx()),
      "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties",
    );
    await fails(e.execute(`CREATE TABLE a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx()), 'Tables require a PRIMARY KEY');
    await fails(e.execute(`CREATE STREAM a (ROWPARTITION INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx()), "'ROWPARTITION' is a reserved column name");
    await fails(
      e.execute(`CREATE STREAM a (k MAP<STRING, INT> KEY, v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx()),
      'Map keys, including types that contain maps, are not supported',
    );
    await fails(
      e.execute(`CREATE STREAM a (k BOOLEAN KEY, v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx()),
      "reason: The 'KAFKA' format does not support type 'BOOLEAN'",
    );
    await fails(
      e.execute(`CREATE STREAM a (v0 INT, v1 STRING) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='KAFKA', PARTITIONS=1);`, ctx()),
      "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]",
    );
    await fails(
      e.execute(`CREATE STREAM a (v0 INT, v1 STRING) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', WRAP_SINGLE_VALUE=false, PARTITIONS=1);`, ctx()),
      "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas",
    );
    await fails(
      e.execute(`CREATE STREAM a (v INT, ts STRING) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', TIMESTAMP='ts', PARTITIONS=1);`, ctx()),
      'Timestamp column, `TS`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified',
    );
    await fails(
      e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', TIMESTAMP='nope', PARTITIONS=1);`, ctx()),
      "The TIMESTAMP column set in the WITH clause does not exist in the schema: 'NOPE'",
    );
    await fails(
      e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', WINDOW_TYPE='SESSION', WINDOW_SIZE='1 SECOND', PARTITIONS=1);`, ctx()),
      "'WINDOW_SIZE' should not be set for SESSION windows.",
    );
    await fails(
      e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='', PARTITIONS=1);`, ctx()),
      'Delimiter cannot be empty',
    );
    await fails(
      e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='30 bobs', PARTITIONS=1);`, ctx()),
      "Configuration WINDOW_SIZE is invalid: Invalid duration: '30 bobs'. Unknown time unit: 'BOBS'",
    );
    await fails(e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', BOGUS=1, PARTITIONS=1);`, ctx()), 'Invalid config variable(s) in the WITH clause: BOGUS');
    await fails(
      e.execute(`CREATE STREAM a (h BYTES HEADERS) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx()),
      'Invalid type for HEADERS column: expected ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>, got BYTES',
    );

    await e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=2);`, ctx());
    await fails(e.execute(`CREATE STREAM a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');`, ctx()), "Cannot add stream 'A': A stream with the same name already exists");
    await fails(e.execute(`CREATE TABLE a (k INT PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');`, ctx()), "Cannot add table 'A': A stream with the same name already exists");
    await fails(
      e.execute(`CREATE STREAM b (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', PARTITIONS=3);`, ctx()),
      "A Kafka topic with the name 'x' already exists, with different partition/replica configuration than required. KSQL expects 3 partitions (topic has 2)",
    );
    const [w] = await e.execute(`CREATE STREAM IF NOT EXISTS a (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');`, ctx());
    assert.equal(w!['@type'], 'warning_entity');
    const [r] = await e.execute(`CREATE OR REPLACE STREAM a (v INT, w STRING) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');`, ctx());
    assert.equal((r!.commandStatus as { message: string }).message, 'Stream created');
    assert.deepEqual(e.catalog.getSource('A')!.schema.value.map((c) => c.name), ['V', 'W']);

    await e.execute(`CREATE SOURCE STREAM ro (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');`, ctx());
    await fails(e.execute(`CREATE OR REPLACE STREAM ro (v INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');`, ctx()), "Cannot add stream 'RO': CREATE OR REPLACE is not supported on source streams.");
    await fails(e.execute(`DROP STREAM ro DELETE TOPIC;`, ctx()), 'Cannot delete topic for read-only source: RO');
    await fails(e.execute(`ALTER STREAM ro ADD COLUMN z INT;`, ctx()), "Cannot alter stream 'RO': ALTER operations are not supported on source streams.");
  });
});

test('errors carry the line and column of parse failures and the entities run before', async () => {
  await withEngine(async (e) => {
    const err = await fails(
      e.execute(`CREATE STREAM ok1 (v INT) WITH (KAFKA_TOPIC='ok1', VALUE_FORMAT='JSON', PARTITIONS=1);\nCREATE STREAM bad (v INT WITH (x=1);`, ctx()),
      /^line 2:\d+: Syntax Error/,
    );
    assert.equal(err.errorCode, 40001);
    assert.equal(err.entities.length, 1);
    assert.equal(err.entities[0]!.commandId, 'stream/OK1/create');
    await assert.rejects(e.execute('SELECT * FROM ok1 EMIT CHANGES;', ctx()), (x: unknown) => x instanceof KsqlError && x.errorCode === 40002 && /\/query/.test(x.message));
  });
});

test('DROP, ALTER, types, SET/DEFINE and SHOW PROPERTIES/VARIABLES/TYPES', async () => {
  await withEngine(async (e) => {
    const out: KsqlEntity[] = await e.execute(
      `CREATE TYPE address AS STRUCT<street STRING, zip INT>;
       CREATE STREAM people (name STRING, home address) WITH (KAFKA_TOPIC='people', VALUE_FORMAT='JSON', PARTITIONS=1);
       ALTER STREAM people ADD COLUMN age INT, ADD COLUMN nick STRING;
       SHOW TYPES;
       DEFINE who = 'world';
       SHOW VARIABLES;
       SET 'auto.offset.reset' = 'earliest';
       SHOW PROPERTIES;`,
      ctx(),
    );
    assert.equal(out[0]!.commandId, 'type/ADDRESS/create');
    assert.equal(
      (out[0]!.commandStatus as { message: string }).message,
      "Registered custom type with name 'ADDRESS' and SQL type STRUCT<`STREET` STRING, `ZIP` INTEGER>",
    );
    assert.equal((out[2]!.commandStatus as { message: string }).message, 'Stream altered');
    const people = e.catalog.getSource('PEOPLE')!;
    assert.deepEqual(people.schema.value.map((c) => c.name), ['NAME', 'HOME', 'AGE', 'NICK']);
    assert.equal(people.schema.value[1]!.type.base, 'STRUCT');
    assert.equal(out[3]!['@type'], 'type_list');
    assert.deepEqual(Object.keys(out[3]!.types as object), ['ADDRESS']);
    assert.deepEqual(out[4]!.variables, [{ name: 'who', value: 'world' }]);
    const props = out[5]!.properties as { name: string; value: string; level: string }[];
    assert.equal(props.find((p) => p.name === 'ksql.streams.auto.offset.reset')?.value, 'earliest');
    assert.equal(props.find((p) => p.name === 'ksql.service.id')?.value, 'default_');

    await fails(e.execute(`ALTER STREAM people ADD COLUMN age INT;`, ctx()), 'Cannot add column `AGE` to schema. A column with the same name already exists.');
    await fails(e.execute(`CREATE TYPE address AS INT;`, ctx()), "Cannot register custom type 'ADDRESS'");
    await fails(e.execute(`SET 'ksql.service.id' = 'x';`, ctx()), "Cannot override property 'ksql.service.id'");
    await fails(e.execute(`DROP TABLE people;`, ctx()), 'Incompatible data source type is STREAM, but statement was DROP TABLE');
    const [drop] = await e.execute(`DROP STREAM people DELETE TOPIC;`, ctx());
    assert.equal(drop!.commandId, 'stream/PEOPLE/drop');
    assert.equal((drop!.commandStatus as { message: string }).message, 'Source `PEOPLE` (topic: people) was dropped.');
    assert.equal(e.catalog.getSource('PEOPLE'), undefined);
    assert.equal(await e.log.describeTopic('people'), undefined);
    await fails(e.execute(`DROP STREAM people;`, ctx()), 'Stream PEOPLE does not exist.');
    const [ifExists] = await e.execute(`DROP STREAM IF EXISTS people;`, ctx());
    assert.equal(ifExists!['@type'], 'warning_entity');
    const [dt] = await e.execute(`DROP TYPE address;`, ctx());
    assert.equal((dt!.commandStatus as { message: string }).message, "Dropped type 'ADDRESS'");

    // Variables are substituted in later statements of the same request only.
    await e.execute(`DEFINE topic = 'vt'; CREATE STREAM v1 (x INT) WITH (KAFKA_TOPIC='\${topic}', VALUE_FORMAT='JSON', PARTITIONS=1);`, ctx());
    assert.equal(e.catalog.getSource('V1')!.topic, 'vt');
  });
});

test('connectors: the built-in backend lists none at first (test/connect covers the rest)', async () => {
  await withEngine(async (e) => {
    const [list] = await e.execute(`SHOW CONNECTORS;`, ctx());
    assert.deepEqual(list!.connectors, []);
    await fails(e.execute(`DESCRIBE CONNECTOR nope;`, ctx()), 'Connector NOPE does not exist');
  });
});

test('SHOW FUNCTIONS and DESCRIBE FUNCTION come from the function library', async () => {
  await withEngine(async (e) => {
    const [list, desc] = await e.execute('SHOW FUNCTIONS; DESCRIBE FUNCTION substring;', ctx());
    assert.equal(list!['@type'], 'function_names');
    const fns = list!.functions as { name: string; type: string; category: string }[];
    const sub = fns.find((f) => f.name === 'SUBSTRING');
    assert.equal(sub?.type, 'SCALAR');
    assert.equal(sub?.category, 'STRING');
    assert.equal(desc!['@type'], 'describe_function');
    assert.equal(desc!.name, 'SUBSTRING');
    assert.ok((desc!.functions as unknown[]).length >= 1);
    await fails(e.execute('DESCRIBE FUNCTION wont_find_me;', ctx()), "Can't find any functions with the name 'WONT_FIND_ME'");
  });
});

test('AVRO values: column and struct field names must be Avro names (Avro\'s wording)', async () => {
  await withEngine(async (e) => {
    await fails(
      e.execute("CREATE STREAM a (`1st` DOUBLE) WITH (kafka_topic='a', value_format='AVRO', partitions=1);", ctx()),
      'Schema is not compatible with Avro: Illegal initial character: 1st',
    );
    await fails(
      e.execute("CREATE STREAM b (s STRUCT<`a-b` INT>) WITH (kafka_topic='b', value_format='AVRO', partitions=1);", ctx()),
      'Schema is not compatible with Avro: Illegal character in: a-b',
    );
    await e.execute("CREATE STREAM c (`_ok1` DOUBLE, s STRUCT<inner_2 INT>) WITH (kafka_topic='c', value_format='AVRO', partitions=1);", ctx());
  });
});

test('SHOW PROPERTIES names credential settings but never prints their values', async () => {
  await withEngine(
    async (e) => {
      const [shown] = await e.execute('SHOW PROPERTIES;', ctx());
      const props = new Map((shown!.properties as { name: string; value: string }[]).map((p) => [p.name, p.value]));
      assert.equal(props.get('ksql.schema.registry.basic.auth.user.info'), '[hidden]');
      assert.equal(props.get('ksql.streams.ssl.truststore.password'), '[hidden]');
      assert.equal(props.get('ksql.schema.registry.basic.auth.credentials.source'), 'USER_INFO');
      assert.ok(!JSON.stringify(shown).includes('s3cret'), 'no secret anywhere in the answer');
    },
    {
      'ksql.schema.registry.url': 'mock://show-properties',
      'ksql.schema.registry.basic.auth.credentials.source': 'USER_INFO',
      'ksql.schema.registry.basic.auth.user.info': 'fred:s3cret',
      'ksql.streams.ssl.truststore.password': 's3cret',
    },
  );
});

test("ksql.persistence.wrap.single.values given as the string 'false' unwraps a single-column source", async () => {
  await withEngine(async (e) => {
    await e.execute("CREATE STREAM one (k STRING KEY, foo STRING) WITH (kafka_topic='one', value_format='JSON', partitions=1);", ctx({ 'ksql.persistence.wrap.single.values': 'false' }));
    assert.equal(e.catalog.getSource('ONE')!.valueFormat.options?.wrapSingleValue, false);
    await e.execute("CREATE STREAM two (k STRING KEY, foo STRING) WITH (kafka_topic='two', value_format='JSON', partitions=1);", ctx({ 'ksql.persistence.wrap.single.values': 'true' }));
    assert.equal(e.catalog.getSource('TWO')!.valueFormat.options?.wrapSingleValue, undefined);
  });
});
