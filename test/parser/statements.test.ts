import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatement, type Statement } from '../../src/parser/index.js';
import { formatExpression } from '../../src/parser/format.js';

function parse<K extends Statement['kind']>(sql: string, kind: K, testStatements = false): Extract<Statement, { kind: K }> {
  const s = parseStatement(sql, { testStatements });
  assert.equal(s.kind, kind, sql);
  return s as Extract<Statement, { kind: K }>;
}

test('CREATE STREAM with columns, constraints and properties', () => {
  const s = parse(
    "CREATE OR REPLACE STREAM IF NOT EXISTS pageviews (id BIGINT KEY, `Name` STRING, h BYTES HEADER('trace'), hs ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS) WITH (kafka_topic='pv', value_format='JSON', partitions=4);",
    'CreateSource',
  );
  assert.equal(s.sourceType, 'STREAM');
  assert.equal(s.name, 'PAGEVIEWS');
  assert.equal(s.orReplace, true);
  assert.equal(s.ifNotExists, true);
  assert.equal(s.isSource, false);
  assert.deepEqual(
    s.elements.map((e) => [e.name, e.constraint]),
    [
      ['ID', 'KEY'],
      ['Name', undefined],
      ['H', { header: 'trace' }],
      ['HS', 'HEADERS'],
    ],
  );
  assert.deepEqual(
    s.properties.map((p) => [p.name, p.value.type, p.value.value]),
    [
      ['KAFKA_TOPIC', 'STRING', 'pv'],
      ['VALUE_FORMAT', 'STRING', 'JSON'],
      ['PARTITIONS', 'INT', '4'],
    ],
  );
});

test('CREATE SOURCE TABLE with PRIMARY KEY, and columns omitted', () => {
  const t = parse("CREATE SOURCE TABLE users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='u', format='JSON');", 'CreateSource');
  assert.equal(t.sourceType, 'TABLE');
  assert.equal(t.isSource, true);
  assert.equal(t.elements[0]!.constraint, 'PRIMARY KEY');
  const inferred = parse("CREATE STREAM s WITH (kafka_topic='s', value_format='AVRO');", 'CreateSource');
  assert.deepEqual(inferred.elements, []);
});

test('KEY on a table and PRIMARY KEY on a stream are rejected like ksqlDB', () => {
  assert.throws(
    () => parseStatement("CREATE TABLE INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='input',value_format='JSON');"),
    /Line: 1, Col: 21: Column `ID` is a 'KEY' column: please use 'PRIMARY KEY' for tables\./,
  );
  assert.throws(
    () => parseStatement("CREATE STREAM INPUT (ID INT PRIMARY KEY, NAME STRING) WITH (kafka_topic='input',value_format='JSON');"),
    /Line: 1, Col: 22: Column `ID` is a 'PRIMARY KEY' column: please use 'KEY' for streams\./,
  );
});

test('CREATE STREAM/TABLE AS SELECT', () => {
  const s = parse("CREATE STREAM out WITH (kafka_topic='o') AS SELECT * FROM src WHERE x > 1 EMIT CHANGES;", 'CreateAsSelect');
  assert.equal(s.sourceType, 'STREAM');
  assert.equal(s.name, 'OUT');
  assert.equal(s.properties[0]!.name, 'KAFKA_TOPIC');
  assert.equal(s.query.emit, 'CHANGES');
  const t = parse('CREATE TABLE agg AS SELECT k, COUNT(*) AS c FROM s GROUP BY k;', 'CreateAsSelect');
  assert.equal(t.sourceType, 'TABLE');
  assert.equal(t.query.emit, undefined);
  assert.throws(() => parseStatement('CREATE STREAM x (a INT) AS SELECT * FROM y;'), /cannot declare columns/);
});

test('INSERT INTO ... SELECT and INSERT VALUES', () => {
  const i = parse("INSERT INTO out WITH (QUERY_ID='my_q') SELECT * FROM a;", 'InsertInto');
  assert.equal(i.target, 'OUT');
  assert.equal(i.properties[0]!.name, 'QUERY_ID');
  const v = parse("INSERT INTO s (k, `v`, ROWTIME) VALUES ('a', -1, 1000);", 'InsertValues');
  assert.deepEqual(v.columns, ['K', 'v', 'ROWTIME']);
  assert.deepEqual(
    v.values.map((e) => formatExpression(e)),
    ["'a'", '-1', '1000'],
  );
  const noCols = parse('INSERT INTO s VALUES (1, 2);', 'InsertValues');
  assert.equal(noCols.columns, undefined);
});

test('DROP, ALTER, TYPES', () => {
  const d = parse('DROP TABLE IF EXISTS t DELETE TOPIC;', 'DropSource');
  assert.deepEqual([d.sourceType, d.name, d.ifExists, d.deleteTopic], ['TABLE', 'T', true, true]);
  const d2 = parse('DROP STREAM s;', 'DropSource');
  assert.deepEqual([d2.ifExists, d2.deleteTopic], [false, false]);
  const a = parse('ALTER STREAM s ADD COLUMN c1 INT, ADD c2 ARRAY<STRING>;', 'AlterSource');
  assert.deepEqual(
    a.addColumns.map((c) => c.name),
    ['C1', 'C2'],
  );
  const ct = parse('CREATE TYPE IF NOT EXISTS address AS STRUCT<street STRING, zip INT>;', 'CreateType');
  assert.equal(ct.name, 'ADDRESS');
  assert.equal(ct.ifNotExists, true);
  assert.equal(ct.type.kind, 'Struct');
  const dt = parse('DROP TYPE IF EXISTS address;', 'DropType');
  assert.equal(dt.ifExists, true);
});

test('SHOW / LIST variants', () => {
  const cases: [string, string, boolean, boolean][] = [
    ['SHOW STREAMS;', 'STREAMS', false, false],
    ['LIST TABLES EXTENDED;', 'TABLES', true, false],
    ['SHOW ALL TOPICS EXTENDED;', 'TOPICS', true, true],
    ['show topics;', 'TOPICS', false, false],
    ['SHOW QUERIES EXTENDED;', 'QUERIES', true, false],
    ['SHOW PROPERTIES;', 'PROPERTIES', false, false],
    ['SHOW VARIABLES;', 'VARIABLES', false, false],
    ['SHOW TYPES;', 'TYPES', false, false],
    ['SHOW FUNCTIONS;', 'FUNCTIONS', false, false],
    ['SHOW CONNECTORS;', 'CONNECTORS', false, false],
    ['SHOW SOURCE CONNECTORS;', 'SOURCE CONNECTORS', false, false],
    ['SHOW SINK CONNECTORS;', 'SINK CONNECTORS', false, false],
    ['SHOW CONNECTOR PLUGINS;', 'CONNECTOR PLUGINS', false, false],
  ];
  for (const [sql, what, extended, all] of cases) {
    const s = parse(sql, 'Show');
    assert.deepEqual([s.what, s.extended, s.all], [what, extended, all], sql);
  }
});

test('DESCRIBE variants', () => {
  assert.deepEqual(pick(parse('DESCRIBE pageviews;', 'DescribeSource'), 'name', 'extended'), { name: 'PAGEVIEWS', extended: false });
  assert.deepEqual(pick(parse('DESCRIBE pageviews EXTENDED;', 'DescribeSource'), 'name', 'extended'), { name: 'PAGEVIEWS', extended: true });
  assert.deepEqual(pick(parse('DESCRIBE EXTENDED pageviews;', 'DescribeSource'), 'name', 'extended'), { name: 'PAGEVIEWS', extended: true });
  assert.deepEqual(pick(parse('DESCRIBE STREAMS EXTENDED;', 'DescribeSources'), 'sourceType', 'extended'), { sourceType: 'STREAM', extended: true });
  assert.deepEqual(pick(parse('DESCRIBE TABLES;', 'DescribeSources'), 'sourceType', 'extended'), { sourceType: 'TABLE', extended: false });
  assert.equal(parse('DESCRIBE FUNCTION substring;', 'DescribeFunction').name, 'SUBSTRING');
  assert.equal(parse('DESCRIBE CONNECTOR my_conn;', 'DescribeConnector').name, 'MY_CONN');
  // A source named like a keyword still works when quoted.
  assert.equal(parse('DESCRIBE `STREAMS`;', 'DescribeSource').name, 'STREAMS');
});

test('EXPLAIN a statement or a query id', () => {
  const e = parse('EXPLAIN SELECT * FROM s EMIT CHANGES;', 'Explain');
  assert.equal(e.statement?.kind, 'Select');
  assert.equal(e.statement?.text, 'SELECT * FROM s EMIT CHANGES;');
  assert.deepEqual(e.statement?.loc, { line: 1, column: 9, offset: 8 });
  const q = parse('EXPLAIN CSAS_OUT_0;', 'Explain');
  assert.equal(q.queryId, 'CSAS_OUT_0');
  assert.equal(q.statement, undefined);
});

test('session statements: SET, UNSET, ALTER SYSTEM, DEFINE, UNDEFINE', () => {
  assert.deepEqual(pick(parse("SET 'auto.offset.reset'='earliest';", 'SetProperty'), 'name', 'value'), {
    name: 'auto.offset.reset',
    value: 'earliest',
  });
  assert.equal(parse("UNSET 'auto.offset.reset';", 'UnsetProperty').name, 'auto.offset.reset');
  assert.deepEqual(pick(parse("ALTER SYSTEM 'ksql.x'='1';", 'AlterSystem'), 'name', 'value'), { name: 'ksql.x', value: '1' });
  assert.deepEqual(pick(parse("DEFINE MyVar = 'it''s';", 'DefineVariable'), 'name', 'value'), { name: 'myvar', value: "it's" });
  assert.deepEqual(pick(parse("DEFINE q = '''quoted''';", 'DefineVariable'), 'value'), { value: "'quoted'" });
  assert.equal(parse('UNDEFINE MyVar;', 'UndefineVariable').name, 'myvar');
});

test('TERMINATE, PAUSE, RESUME', () => {
  assert.deepEqual(pick(parse('TERMINATE CSAS_X_1;', 'TerminateQuery'), 'queryId', 'all'), { queryId: 'CSAS_X_1', all: false });
  assert.deepEqual(pick(parse('TERMINATE ALL;', 'TerminateQuery'), 'queryId', 'all'), { queryId: undefined, all: true });
  assert.equal(parse('PAUSE q1;', 'PauseQuery').queryId, 'Q1');
  assert.equal(parse('RESUME ALL;', 'ResumeQuery').all, true);
});

test('PRINT keeps the topic case', () => {
  const p = parse("PRINT 'MyTopic' FROM BEGINNING INTERVAL 2 LIMIT 10;", 'Print');
  assert.deepEqual(pick(p, 'topic', 'fromBeginning', 'interval', 'limit'), { topic: 'MyTopic', fromBeginning: true, interval: 2, limit: 10 });
  const q = parse('PRINT my_topic SAMPLE 3;', 'Print');
  assert.deepEqual(pick(q, 'topic', 'fromBeginning', 'interval', 'limit'), { topic: 'my_topic', fromBeginning: false, interval: 3, limit: undefined });
});

test('RUN SCRIPT', () => {
  assert.equal(parse("RUN SCRIPT '/tmp/x.sql';", 'RunScript').path, '/tmp/x.sql');
});

test('ASSERT TOPIC / SCHEMA', () => {
  const t = parse("ASSERT TOPIC 'orders' WITH (PARTITIONS=3, replicas=1) TIMEOUT 10 SECONDS;", 'AssertTopic');
  assert.equal(t.topic, 'orders');
  assert.equal(t.exists, true);
  assert.deepEqual(
    t.properties.map((p) => p.name),
    ['PARTITIONS', 'REPLICAS'],
  );
  assert.deepEqual(t.timeout, { value: 10, unit: 'SECONDS', ms: 10_000 });
  const n = parse('ASSERT NOT EXISTS TOPIC Foo;', 'AssertTopic');
  assert.deepEqual([n.topic, n.exists], ['Foo', false]);
  const s = parse("ASSERT SCHEMA SUBJECT 'orders-value' ID 5 TIMEOUT 3 MINUTES;", 'AssertSchema');
  assert.deepEqual(pick(s, 'subject', 'id', 'exists'), { subject: 'orders-value', id: 5, exists: true });
  assert.equal(s.timeout?.ms, 180_000);
  assert.equal(parse('ASSERT NOT EXISTS SCHEMA ID 7;', 'AssertSchema').exists, false);
  assert.throws(() => parseStatement('ASSERT SCHEMA;'), /subject name or an id/);
});

test('test-only ASSERT forms', () => {
  const v = parse("ASSERT VALUES out (k, v) VALUES ('a', 1);", 'AssertValues', true);
  assert.deepEqual(v.columns, ['K', 'V']);
  assert.equal(v.values.length, 2);
  const t = parse("ASSERT NULL VALUES out (k) KEY ('a');", 'AssertTombstone', true);
  assert.deepEqual(t.columns, ['K']);
  assert.equal(t.keys.length, 1);
  const s = parse("ASSERT TABLE t (id INT PRIMARY KEY, v STRING) WITH (kafka_topic='t');", 'AssertSource', true);
  assert.equal(s.sourceType, 'TABLE');
  assert.equal(s.elements.length, 2);
});

test("the server's grammar has no test-only ASSERT forms: the word after ASSERT is the syntax error", () => {
  for (const [sql, word] of [
    ['ASSERT VALUES foo (id INT) VALUES (123);', 'VALUES'],
    ["ASSERT NULL VALUES out (k) KEY ('a');", 'NULL'],
    ["ASSERT STREAM s (id INT KEY) WITH (kafka_topic='s');", 'STREAM'],
  ] as const) {
    assert.throws(() => parseStatement(sql), (e: Error) => e.message.includes(`Syntax error at or near '${word}' at line 1:8`), sql);
  }
});

test("a list of columns expects ',' or ')' after an element", () => {
  assert.throws(
    () => parseStatement("CREATE STREAM INPUT (K VARCHAR(STRING) (KEY)) WITH (kafka_topic='input',value_format='JSON');"),
    (e: Error) => e.message.startsWith("line 1:40: Syntax Error\nExpecting {',', ')'}\nStatement: CREATE STREAM INPUT"),
  );
  assert.throws(() => parseStatement("INSERT INTO s (a b) VALUES (1, 2);"), /line 1:18: Syntax Error\nExpecting \{',', '\)'\}/);
});

test('connectors keep property case', () => {
  const c = parse(
    "CREATE SOURCE CONNECTOR IF NOT EXISTS jdbc WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector', 'tasks.max'=1);",
    'CreateConnector',
  );
  assert.deepEqual(pick(c, 'connectorType', 'name', 'ifNotExists'), { connectorType: 'SOURCE', name: 'JDBC', ifNotExists: true });
  assert.deepEqual(
    c.properties.map((p) => p.name),
    ['connector.class', 'tasks.max'],
  );
  assert.equal(parse("CREATE SINK CONNECTOR s WITH ('a'='b');", 'CreateConnector').connectorType, 'SINK');
  assert.deepEqual(pick(parse('DROP CONNECTOR IF EXISTS jdbc;', 'DropConnector'), 'name', 'ifExists'), { name: 'JDBC', ifExists: true });
});

test('statement text and loc', () => {
  const s = parseStatement('  SHOW STREAMS;', { baseLoc: { line: 3, column: 5, offset: 40 } });
  assert.equal(s.text, 'SHOW STREAMS;');
  assert.deepEqual(s.loc, { line: 3, column: 7, offset: 42 });
  // the trailing semicolon is optional
  assert.equal(parseStatement('SHOW TABLES').kind, 'Show');
});

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}
