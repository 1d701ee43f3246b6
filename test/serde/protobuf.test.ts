import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSerde, InMemorySchemaRegistry } from '../../src/serde/index.js';
import { Decimal } from '../../src/common/decimal.js';
import type { Column, SqlType } from '../../src/common/types.js';
import { inferColumns } from '../../src/serde/schema-inference.js';
import { parseProtobufSchema, protobufSchemaForColumns } from '../../src/serde/protobuf-schema.js';

const col = (name: string, type: SqlType): Column => ({ name, type, namespace: 'VALUE' });

const columns: Column[] = [
  col('I', { base: 'INTEGER' }),
  col('L', { base: 'BIGINT' }),
  col('S', { base: 'STRING' }),
  col('D', { base: 'DECIMAL', precision: 4, scale: 2 }),
  col('TS', { base: 'TIMESTAMP' }),
  col('DT', { base: 'DATE' }),
  col('A', { base: 'ARRAY', item: { base: 'BIGINT' } }),
  col('M', { base: 'MAP', key: { base: 'STRING' }, value: { base: 'DOUBLE' } }),
  col('ST', { base: 'STRUCT', fields: [{ name: 'F', type: { base: 'STRING' } }] }),
];

test('PROTOBUF round-trips every column type through the wire format', () => {
  const registry = new InMemorySchemaRegistry();
  const serde = createSerde({ format: 'PROTOBUF', columns, side: 'value', topic: 't', registry });
  const row = [7, 2n ** 60n, 'x', Decimal.parse('12.34'), 1_700_000_000_123, 19000, [1, 2], new Map([['a', 1.5]]), { F: 'f' }];
  const bytes = serde.serialize(row)!;
  assert.equal(bytes[0], 0, 'magic byte');
  const back = serde.deserialize(bytes)!;
  assert.equal(back[0], 7);
  assert.equal(back[1], 2n ** 60n);
  assert.equal(back[2], 'x');
  assert.equal((back[3] as Decimal).toString(), '12.34');
  assert.equal(back[4], 1_700_000_000_123);
  assert.equal(back[5], 19000);
  assert.deepEqual(back[6], [1, 2]);
  assert.deepEqual(back[7], new Map([['a', 1.5]]));
  assert.deepEqual(back[8], { F: 'f' });
  assert.equal(registry.latest('t-value')?.schemaType, 'PROTOBUF');
});

test('proto3 nulls read as defaults unless the schema makes them nullable', () => {
  const cols = [col('I', { base: 'INTEGER' }), col('S', { base: 'STRING' }), col('A', { base: 'ARRAY', item: { base: 'STRING' } })];
  const plain = createSerde({ format: 'PROTOBUF_NOSR', columns: cols, side: 'value', topic: 't' });
  assert.deepEqual(plain.deserialize(plain.serialize([null, null, null])), [0, '', []]);
  for (const nullableRepresentation of ['OPTIONAL', 'WRAPPER'] as const) {
    const serde = createSerde({ format: 'PROTOBUF_NOSR', columns: cols, side: 'value', topic: 't', options: { nullableRepresentation } });
    assert.deepEqual(serde.deserialize(serde.serialize([null, null, null])), [null, null, []]);
    assert.deepEqual(serde.deserialize(serde.serialize([0, '', ['a']])), [0, '', ['a']]);
  }
});

test('an all-null PROTOBUF key is no key', () => {
  const key = createSerde({ format: 'PROTOBUF', columns: [{ name: 'K', type: { base: 'STRING' }, namespace: 'KEY' }], side: 'key', topic: 't', registry: new InMemorySchemaRegistry() });
  assert.equal(key.serialize([null]), null);
  assert.equal(key.deserialize(null), null);
  assert.deepEqual(key.deserialize(key.serialize(['k'])), ['k']);
});

test('a pinned schema id writes with the chosen message and reads by message index', () => {
  const registry = new InMemorySchemaRegistry();
  registry.register('t-value', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message A {float x = 1;} message B {uint32 c1 = 1; string c2 = 2;}' }, 42);
  const cols = [col('c1', { base: 'BIGINT' }), col('c2', { base: 'STRING' })];
  const serde = createSerde({ format: 'PROTOBUF', columns: cols, side: 'value', topic: 't', registry, options: { schemaId: 42, schemaFullName: 'B' } });
  const bytes = serde.serialize([5, 'v'])!;
  assert.equal(bytes.readInt32BE(1), 42);
  assert.deepEqual(serde.deserialize(bytes), [5, 'v']);
});

test('schema inference maps protobuf, Avro and JSON schemas to columns', () => {
  const registry = new InMemorySchemaRegistry();
  registry.register('p-value', {
    schemaType: 'PROTOBUF',
    schema: 'syntax = "proto3"; import "google/protobuf/wrappers.proto"; message M {enum E {A = 0;} E e = 1; uint32 u = 2; float f = 3; google.protobuf.Int32Value w = 4; message N {int32 x = 1;} N n = 5; map<string, int64> m = 6;}',
  });
  assert.deepEqual(inferColumns(registry, { format: 'PROTOBUF', side: 'value', topic: 'p' }), [
    { name: 'E', type: { base: 'STRING' } },
    { name: 'U', type: { base: 'BIGINT' } },
    { name: 'F', type: { base: 'DOUBLE' } },
    { name: 'W', type: { base: 'INTEGER' } },
    { name: 'N', type: { base: 'STRUCT', fields: [{ name: 'X', type: { base: 'INTEGER' } }] } },
    { name: 'M', type: { base: 'MAP', key: { base: 'STRING' }, value: { base: 'BIGINT' } } },
  ]);
  registry.register('a-key', { schemaType: 'AVRO', schema: '"int"' });
  assert.deepEqual(inferColumns(registry, { format: 'AVRO', side: 'key', topic: 'a' }), [{ name: 'ROWKEY', type: { base: 'INTEGER' } }]);
  const id = registry.register('j-value', { schemaType: 'JSON', schema: '{"type":"object","properties":{"c1":{"type":"integer"}}}' });
  assert.deepEqual(inferColumns(registry, { format: 'JSON_SR', side: 'value', topic: 'j', schemaId: id }), [{ name: 'c1', type: { base: 'BIGINT' } }]);
  assert.throws(() => inferColumns(registry, { format: 'AVRO', side: 'value', topic: 'missing' }), /Schema for message values on topic 'missing' does not exist/);
  assert.equal(inferColumns(registry, { format: 'AVRO', side: 'key', topic: 'missing' }), undefined);
});

test('generated schemas parse back to the same columns', () => {
  const text = protobufSchemaForColumns(columns);
  assert.match(text, /message ConnectDefault1/);
  const parsed = parseProtobufSchema(text);
  assert.deepEqual(
    parsed.messages[0]!.fieldsArray.map((f) => f.name),
    columns.map((c) => c.name),
  );
});

test('generated schema text is laid out as ksqlDB prints it', () => {
  const text = protobufSchemaForColumns([
    { name: 'MYKEY', type: { base: 'INTEGER' }, namespace: 'KEY' },
    { name: 'MYHEADERS', type: { base: 'ARRAY', item: { base: 'STRUCT', fields: [{ name: 'KEY', type: { base: 'STRING' } }, { name: 'VALUE', type: { base: 'BYTES' } }] } }, namespace: 'VALUE' },
  ]);
  assert.equal(
    text,
    'syntax = "proto3";\n\nmessage ConnectDefault1 {\n  int32 MYKEY = 1;\n  repeated ConnectDefault2 MYHEADERS = 2;\n\n  message ConnectDefault2 {\n    string KEY = 1;\n    bytes VALUE = 2;\n  }\n}\n',
  );
});
