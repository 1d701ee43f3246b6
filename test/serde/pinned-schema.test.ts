import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSerde, InMemorySchemaRegistry } from '../../src/serde/index.js';
import { checkPinnedSinkSchema } from '../../src/serde/pinned-schema.js';
import { BIGINT, DOUBLE, INTEGER, STRING, structOf, type Column, type SqlType } from '../../src/common/types.js';

const col = (name: string, type: SqlType): Column => ({ name, type, namespace: 'VALUE' });

function pinned(schema: unknown, columns: Column[]) {
  const registry = new InMemorySchemaRegistry();
  const id = registry.register('t-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) });
  const serde = createSerde({ format: 'AVRO', side: 'value', topic: 't', columns, registry, options: { schemaId: id } });
  // Read back through every field of the registered schema.
  const reader = (names: Column[]) => createSerde({ format: 'AVRO', side: 'value', topic: 't', columns: names, registry });
  return { registry, id, serde, reader };
}

test('AVRO with a pinned id: fields the query lacks take their default, or null when optional', () => {
  const { serde, reader, id } = pinned(
    {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'opt', type: ['null', 'int'], default: null },
        { name: 'c1', type: 'int' },
        { name: 'withDefault', type: 'string', default: 'foo' },
      ],
    },
    [col('c1', INTEGER)],
  );
  const bytes = serde.serialize([4])!;
  assert.equal(bytes.readInt32BE(1), id);
  assert.deepEqual(reader([col('c1', INTEGER), col('opt', INTEGER), col('withDefault', STRING)]).deserialize(bytes), [4, null, 'foo']);
});

test('AVRO with a pinned id: a null for a field with a default writes the default, in nested records too', () => {
  const inner = { type: 'record', name: 'S', fields: [{ name: 'n', type: 'long', default: 10 }, { name: 'e', type: 'string' }] };
  const { serde, reader } = pinned({ type: 'record', name: 'R', fields: [{ name: 'id', type: 'string' }, { name: 's', type: inner }] }, [
    col('id', STRING),
    col('s', structOf([{ name: 'n', type: BIGINT }, { name: 'e', type: STRING }])),
  ]);
  const bytes = serde.serialize(['a', { n: null, e: 'x' }])!;
  assert.deepEqual(reader([col('id', STRING), col('s', structOf([{ name: 'n', type: BIGINT }, { name: 'e', type: STRING }]))]).deserialize(bytes), [
    'a',
    { n: 10, e: 'x' },
  ]);
});

test('AVRO with a pinned id: a required field without default that the query lacks fails the record', () => {
  const { serde } = pinned({ type: 'record', name: 'R', fields: [{ name: 'c1', type: 'int' }, { name: 'c2', type: 'double' }] }, [col('c1', INTEGER)]);
  assert.throws(() => serde.serialize([4]), /Missing default value for required Avro field: \[c2\]\. This field appears in Avro schema in Schema Registry/);
});

test('AVRO with a pinned id: a null for a required field without default fails the record', () => {
  const { serde } = pinned({ type: 'record', name: 'R', fields: [{ name: 'c1', type: 'int' }] }, [col('c1', INTEGER)]);
  assert.throws(() => serde.serialize([null]), /Failed to serialize value/);
});

test('a sink pinned to a schema id must find its columns there by name, type and position', () => {
  const registry = new InMemorySchemaRegistry();
  const reordered = registry.register('o-value', {
    schemaType: 'AVRO',
    schema: JSON.stringify({ type: 'record', name: 'b', fields: [{ name: 'c2', type: 'double' }, { name: 'c1', type: 'int' }] }),
  });
  const extra = registry.register('o-value', {
    schemaType: 'AVRO',
    schema: JSON.stringify({ type: 'record', name: 'b', fields: [{ name: 'c1', type: 'int' }, { name: 'c2', type: ['null', 'double'], default: null }] }),
  });
  const req = { format: 'AVRO' as const, side: 'value' as const, topic: 'o', columns: [col('c1', INTEGER)] };
  assert.throws(
    () => checkPinnedSinkSchema(registry, { ...req, schemaId: reordered }),
    { message: 'The following value columns are changed, missing or reordered: [`c1` INTEGER]. Schema from schema registry is [`c2` DOUBLE, `c1` INTEGER]' },
  );
  assert.doesNotThrow(() => checkPinnedSinkSchema(registry, { ...req, schemaId: extra }));
  assert.throws(() => checkPinnedSinkSchema(registry, { ...req, columns: [col('c1', DOUBLE)], schemaId: extra }), /changed, missing or reordered: \[`c1` DOUBLE\]/);
  assert.throws(
    () => checkPinnedSinkSchema(registry, { ...req, format: 'JSON', schemaId: extra }),
    { message: 'VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is JSON.' },
  );
});

test('a schema id of another schema type than the format is refused with both types named', () => {
  const registry = new InMemorySchemaRegistry();
  const id = registry.register('p-value', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message M { int32 c1 = 1; }' });
  assert.throws(() => checkPinnedSinkSchema(registry, { format: 'AVRO', side: 'value', topic: 'p', columns: [col('c1', INTEGER)], schemaId: id }), {
    message: `Value schema is not in the expected format. You may want to set VALUE_FORMAT to 'PROTOBUF'.\ntopic: p, schema id: ${id}\nexpected format: AVRO\nactual format from Schema Registry: PROTOBUF`,
  });
});
