// /query with Accept: application/vnd.ksql.v1+protobuf over the real engine: a pull query's
// header carries the proto3 schema of its columns and each row is that message, base64-encoded;
// the bytes decode with the header's schema to the rows the JSON answer gives; the table's
// rows are asked for before they exist, so the test waits for the materialization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProtobufSchema } from '../../src/serde/protobuf-schema.js';
import { serverForFile } from './rest.js';

const served = serverForFile();

async function post(path: string, sql: string, accept = 'application/vnd.ksql.v1+json'): Promise<{ status: number; type: string | null; body: any }> {
  const res = await fetch(`${served.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ ksql: sql, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(await res.text()) };
}

test('a pull query answers protobuf rows with the schema in the header', async () => {
  let r = await post('/ksql', "CREATE STREAM clicks (id STRING KEY, n INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await post('/ksql', 'CREATE TABLE totals AS SELECT id, SUM(n) AS total, COUNT(*) AS seen FROM clicks GROUP BY id;');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await post('/ksql', "INSERT INTO clicks (id, n) VALUES ('a', 2); INSERT INTO clicks (id, n) VALUES ('a', 5); INSERT INTO clicks (id, n) VALUES ('b', 0);");
  assert.equal(r.status, 200, JSON.stringify(r.body));

  const sql = "SELECT id, total, seen FROM totals WHERE id IN ('a', 'b');";
  const deadline = Date.now() + 20000;
  let json: any[] = [];
  while (Date.now() < deadline) {
    json = (await post('/query', sql)).body;
    if (json.filter((i) => i.row).length === 2 && json[1].row.columns[1] === 7) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.deepEqual(json.filter((i) => i.row).map((i) => i.row.columns), [['a', 7, 2], ['b', 0, 1]]);

  const proto = await post('/query', sql, 'application/vnd.ksql.v1+protobuf');
  assert.equal(proto.status, 200, JSON.stringify(proto.body));
  const header = proto.body[0].header;
  assert.equal(header.schema, '`ID` STRING KEY, `TOTAL` INTEGER, `SEEN` BIGINT');
  assert.equal(header.protoSchema, 'syntax = "proto3";\n\nmessage ConnectDefault1 {\n  string ID = 1;\n  int32 TOTAL = 2;\n  int64 SEEN = 3;\n}\n');
  const type = parseProtobufSchema(header.protoSchema).messages[0]!;
  const decoded = proto.body
    .filter((i: any) => i.row)
    .map((i: any) => type.toObject(type.decode(Buffer.from(i.row.protobufBytes, 'base64')), { longs: Number, defaults: true }));
  assert.deepEqual(decoded, [{ ID: 'a', TOTAL: 7, SEEN: 2 }, { ID: 'b', TOTAL: 0, SEEN: 1 }]);
});

test('a PROTOBUF table keeps what its format can hold: a null field reads back as its default', async () => {
  let r = await post('/ksql', "CREATE TABLE people (id INT PRIMARY KEY, name STRING, age BIGINT) WITH (KAFKA_TOPIC='people', VALUE_FORMAT='PROTOBUF', PARTITIONS=1);");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await post('/ksql', 'CREATE TABLE people_copy AS SELECT id, name, age FROM people;');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await post('/ksql', "INSERT INTO people (id, name, age) VALUES (1, 'ann', 40); INSERT INTO people (id, name) VALUES (2, 'bob');");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const deadline = Date.now() + 20000;
  let got: unknown[][] = [];
  while (Date.now() < deadline) {
    got = ((await post('/query', 'SELECT id, name, age FROM people_copy WHERE id IN (1, 2);')).body as any[]).filter((i) => i.row).map((i) => i.row.columns);
    if (got.length === 2) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.deepEqual(got, [[1, 'ann', 40], [2, 'bob', 0]]);
});
