import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { FormatGuesser, formatRowtime } from '../../src/engine/print.js';
import { ProcessingLogWriter, processingLogTopic } from '../../src/runtime/processing-log.js';

const ctx = { properties: {}, variables: {} };

test('format guesses narrow across records and report MIXED on disagreement', () => {
  const g = new FormatGuesser();
  g.observe(Buffer.from('{"a":1}'));
  assert.equal(g.describe(), 'JSON or KAFKA_STRING');
  g.observe(Buffer.from('plain'));
  assert.equal(g.describe(), 'KAFKA_STRING');
  const i = new FormatGuesser();
  const four = Buffer.alloc(4);
  four.writeInt32BE(-7);
  i.observe(four);
  assert.equal(i.describe(), 'KAFKA_INT');
  i.observe(Buffer.alloc(8));
  assert.equal(i.describe(), 'MIXED');
  assert.equal(formatRowtime(Date.UTC(2022, 2, 18, 15, 53, 22, 989)), '2022/03/18 15:53:22.989 Z');
});

test('PRINT FROM BEGINNING with INTERVAL and LIMIT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-print-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.log.createTopic('Events', { partitions: 1 });
    const records = [1, 2, 3, 4, 5].map((n) => ({ key: Buffer.from(`k${n}`), value: Buffer.from(JSON.stringify({ n })), timestamp: Date.UTC(2022, 0, 1, 0, 0, n) }));
    await e.log.produce('Events', records);
    const stream = await e.query(`PRINT 'Events' FROM BEGINNING INTERVAL 2 LIMIT 2;`, ctx);
    assert.equal(stream.kind, 'print');
    const lines: string[] = [];
    for await (const item of stream.items) if ('row' in item) lines.push(item.row[0] as string);
    assert.deepEqual(lines, [
      'Key format: KAFKA_STRING',
      'Value format: JSON or KAFKA_STRING',
      'rowtime: 2022/01/01 00:00:01.000 Z, key: k1, value: {"n":1}, partition: 0',
      'rowtime: 2022/01/01 00:00:03.000 Z, key: k3, value: {"n":3}, partition: 0',
    ]);
    assert.equal(await stream.finalMessage, 'Limit Reached');
    await assert.rejects(e.query(`PRINT 'nope';`, ctx), /Could not find topic 'nope'/);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the processing log topic and KSQL_PROCESSING_LOG stream exist and take entries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-plog-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    const topic = processingLogTopic(e.config);
    assert.equal(topic, 'default_ksql_processing_log');
    assert.ok(await e.log.describeTopic(topic));
    const s = e.catalog.getSource('KSQL_PROCESSING_LOG')!;
    assert.equal(s.topic, topic);
    assert.equal(s.valueFormat.format, 'JSON');
    assert.deepEqual(s.schema.value.map((c) => c.name), ['LOGGER', 'LEVEL', 'TIME', 'MESSAGE']);
    const writer = new ProcessingLogWriter(e.log, topic);
    writer.write({
      logger: 'processing.CSAS_X_1.KsqlTopic.Source',
      time: 5,
      message: { type: 0, deserializationError: { target: 'value', errorMessage: 'bad', recordB64: null, cause: ['x'], topic: 't' } },
    });
    await writer.flush();
    const [rec] = await e.log.fetch([{ topic, partition: 0, offset: 0 }], { maxWaitMs: 0 });
    const json = JSON.parse(rec!.value!.toString());
    assert.equal(json.LOGGER, 'processing.CSAS_X_1.KsqlTopic.Source');
    assert.equal(json.TIME, 5);
    assert.equal(json.MESSAGE.TYPE, 0);
    assert.equal(json.MESSAGE.DESERIALIZATIONERROR.ERRORMESSAGE, 'bad');
    assert.equal(json.MESSAGE.RECORDPROCESSINGERROR, null);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('format detection: KAFKA numbers, JSON, strings and schema-registry formats with their ids', async () => {
  const { InMemorySchemaRegistry, confluentHeader } = await import('../../src/serde/registry.js');
  const { possibleFormats, renderBytes } = await import('../../src/engine/print.js');
  const avro = (await import('avsc')).default;
  const registry = new InMemorySchemaRegistry();
  const schema = { type: 'record', name: 'R', fields: [{ name: 'ID', type: 'long' }, { name: 'NAME', type: ['null', 'string'] }] };
  const avroId = registry.register('t-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) });
  const protoId = registry.register('p-value', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message M { int32 a = 1; }' });
  const jsonId = registry.register('j-value', { schemaType: 'JSON', schema: '{"type":"object"}' });
  const fmt = (b: Buffer) => [...possibleFormats(b, registry)].sort().join(',');

  const int = Buffer.alloc(4);
  int.writeInt32BE(-7);
  const big = Buffer.alloc(8);
  big.writeBigInt64BE(1700000000000n);
  const dbl = Buffer.alloc(8);
  dbl.writeDoubleBE(2.5);
  assert.equal(fmt(int), 'KAFKA_INT');
  assert.equal(renderBytes(int, 'KAFKA_INT', registry), '-7');
  // An epoch-millisecond BIGINT starts with a zero byte but is no schema-registry record.
  assert.equal(fmt(big), 'KAFKA_BIGINT,KAFKA_DOUBLE');
  assert.equal(renderBytes(big, 'KAFKA_BIGINT', registry), '1700000000000');
  assert.equal(renderBytes(dbl, 'KAFKA_DOUBLE', registry), '2.5');
  assert.equal(fmt(Buffer.from('{"a":[1,2]}')), 'JSON,KAFKA_STRING');
  assert.equal(fmt(Buffer.from('plain text')), 'KAFKA_STRING');
  // A printable four-character string could be an INT, but reads as text.
  assert.equal(renderBytes(Buffer.from('abcd'), undefined, registry), 'abcd');

  const avroValue = Buffer.concat([confluentHeader(avroId), avro.Type.forSchema(schema as never).toBuffer({ ID: 42, NAME: 'x' })]);
  assert.equal(fmt(avroValue), 'AVRO');
  assert.equal(renderBytes(avroValue, 'AVRO', registry), '{"ID":42,"NAME":"x"}');
  const protoValue = Buffer.concat([confluentHeader(protoId), Buffer.from([0, 8, 0x96, 1])]);
  assert.equal(fmt(protoValue), 'PROTOBUF');
  assert.match(renderBytes(protoValue, 'PROTOBUF', registry), new RegExp(`^<PROTOBUF schema id ${protoId}, 4 bytes: `));
  const jsonSr = Buffer.concat([confluentHeader(jsonId), Buffer.from('{"a":1}')]);
  assert.equal(fmt(jsonSr), 'JSON_SR');
  assert.equal(renderBytes(jsonSr, 'JSON_SR', registry), '{"a":1}');
  const unknown = Buffer.concat([confluentHeader(999), Buffer.from([2, 4, 6, 8])]);
  assert.equal(fmt(unknown), 'AVRO,PROTOBUF');
  assert.equal(renderBytes(unknown, 'AVRO', registry), '<AVRO or PROTOBUF schema id 999, 4 bytes: AgQGCA==>');

  const g = new FormatGuesser(registry);
  g.observe(big);
  g.observe(dbl);
  assert.equal(g.describe(), 'KAFKA_BIGINT or KAFKA_DOUBLE');
  const a = new FormatGuesser(registry);
  a.observe(avroValue);
  assert.equal(a.describe(), 'AVRO');
});

test('PRINT over REST /query: Key format and Value format lines, then records with headers', async () => {
  const { startServer } = await import('../../src/server/server.js');
  const dir = mkdtempSync(join(tmpdir(), 'eddy-print-rest-'));
  const e = await Engine.open({ dataDir: dir });
  const server = await startServer(e, { port: 0, host: '127.0.0.1' });
  try {
    await e.log.createTopic('nums', { partitions: 1 });
    const value = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(n));
      return b;
    };
    const key = Buffer.alloc(4);
    key.writeInt32BE(12);
    await e.log.produce('nums', [
      { key, value: value(5), timestamp: Date.UTC(2024, 0, 1), headers: [{ key: 'h', value: Buffer.from('x') }] },
      { key: null, value: value(6), timestamp: Date.UTC(2024, 0, 2) },
    ]);
    const res = await fetch(`${server.url}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json' },
      body: JSON.stringify({ ksql: "PRINT 'nums' FROM BEGINNING LIMIT 2;", streamsProperties: {} }),
    });
    assert.equal(res.status, 200);
    const lines = (await res.text()).split('\n').filter((l) => l.trim() !== '');
    assert.deepEqual(lines.slice(0, 4), [
      'Key format: KAFKA_INT',
      'Value format: KAFKA_BIGINT or KAFKA_DOUBLE',
      'rowtime: 2024/01/01 00:00:00.000 Z, key: 12, value: 5, headers: [{"key":"h","value":"eA=="}], partition: 0',
      'rowtime: 2024/01/02 00:00:00.000 Z, key: <null>, value: 6, partition: 0',
    ]);
  } finally {
    await server.close();
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
