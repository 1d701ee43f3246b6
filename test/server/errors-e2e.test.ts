// Errors as a user meets them through the REST server over the real engine: malformed
// records land in the queryable processing log (saying where and why) while the query goes
// on, and malformed statements are answered with line:column and the offending token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile } from './rest.js';

const served = serverForFile();

async function post(path: string, sql: string, properties: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${served.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: properties }),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

async function rows(sql: string): Promise<unknown[][]> {
  const { status, body } = await post('/query', sql, { 'auto.offset.reset': 'earliest' });
  assert.equal(status, 200, JSON.stringify(body));
  return (body as any[]).filter((i) => i.row).map((i) => i.row.columns as unknown[]);
}

function intKey(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

test('malformed records go to KSQL_PROCESSING_LOG with topic, partition, offset and reason; the query goes on', async () => {
  let r = await post('/ksql', "CREATE STREAM sensor (id INT KEY, temp INT) WITH (KAFKA_TOPIC='sensor', VALUE_FORMAT='JSON', PARTITIONS=1);");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await post('/ksql', 'CREATE STREAM hot AS SELECT id, temp FROM sensor WHERE temp > 20;', { 'auto.offset.reset': 'earliest' });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  // As another Kafka client would write them: good, bad JSON, a wrong type, good.
  await served.engine.log.produce('sensor', [
    { key: intKey(1), value: Buffer.from('{"TEMP": 25}') },
    { key: intKey(2), value: Buffer.from('{"TEMP": 30') },
    { key: intKey(3), value: Buffer.from('{"TEMP": "warm"}') },
    { key: intKey(4), value: Buffer.from('{"TEMP": 40}') },
  ]);

  const out = await rows('SELECT id, temp FROM hot EMIT CHANGES LIMIT 2;');
  assert.deepEqual(out, [
    [1, 25],
    [4, 40],
  ]);

  const log = await rows(
    'SELECT logger, message->type AS type, message->deserializationError->errorMessage AS reason, ' +
      'message->deserializationError->`topic` AS topic FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT 2;',
  );
  assert.equal(log.length, 2);
  for (const [logger, type, , topic] of log) {
    assert.match(String(logger), /^processing\.CSAS_HOT_1\./);
    assert.equal(type, 0);
    assert.equal(topic, 'sensor');
  }
  assert.match(String(log[0]![2]), /^Failed to deserialize value from topic: sensor \(partition 0, offset 1\)\. .*JSON/);
  assert.match(String(log[1]![2]), /^Failed to deserialize value from topic: sensor \(partition 0, offset 2\)\. Can't coerce string to type\. targetType: INTEGER \(column TEMP\)$/);
});

test('an expression that fails on a record is logged with the record it came from; the query goes on', async () => {
  let r = await post('/ksql', "CREATE STREAM ratios (id INT KEY, a INT, b INT) WITH (KAFKA_TOPIC='ratios', VALUE_FORMAT='JSON', PARTITIONS=1);");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await post('/ksql', 'CREATE STREAM divided AS SELECT id, a / b AS q FROM ratios;', { 'auto.offset.reset': 'earliest' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await post('/ksql', 'INSERT INTO ratios (id, a, b) VALUES (1, 10, 0); INSERT INTO ratios (id, a, b) VALUES (2, 10, 5);');
  assert.equal(r.status, 200, JSON.stringify(r.body));

  assert.deepEqual(await rows('SELECT id, q FROM divided EMIT CHANGES LIMIT 2;'), [
    [1, null],
    [2, 2],
  ]);
  const log = await rows(
    "SELECT message->recordProcessingError->errorMessage AS reason FROM KSQL_PROCESSING_LOG WHERE logger LIKE 'processing.CSAS_DIVIDED_%' EMIT CHANGES LIMIT 1;",
  );
  assert.match(String(log[0]![0]), /^Error computing expression \(A \/ B\): .*zero.* \(topic: ratios, partition: 0, offset: 0\)$/);
});

test('a malformed statement is answered with line:column and the offending token', async () => {
  const r = await post('/ksql', "CREATE STREAM x (a INT)\n  WITH (KAFKA_TOPIC='x' VALUE_FORMAT='JSON');");
  assert.equal(r.status, 400);
  assert.equal(r.body['@type'], 'statement_error');
  assert.equal(r.body.error_code, 40001);
  assert.match(r.body.message, /^line 2:25: /);
  assert.match(r.body.message, /at or near 'VALUE_FORMAT'/);
  assert.match(r.body.message, /Expecting '\)'/);

  const q = await post('/query', 'SELECT * FROM sensor WHERE id = 1 AND;');
  assert.equal(q.status, 400);
  assert.match(q.body.message, /^line 1:38: /);
  assert.match(q.body.message, /at or near ';'/);

  const u = await post('/ksql', 'SELEC * FROM sensor;');
  assert.equal(u.status, 400);
  assert.match(u.body.message, /^line 1:1: /);
  assert.match(u.body.message, /'SELEC'/);
});
