import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSerde, InMemorySchemaRegistry } from '../../src/serde/index.js';
import { Decimal } from '../../src/common/decimal.js';
import {
  arrayOf, BIGINT, BYTES, DATE, decimalType, DOUBLE, INTEGER, mapOf, STRING, structOf, TIMESTAMP, type Column, type SqlType,
} from '../../src/common/types.js';

const col = (name: string, type: SqlType): Column => ({ name, type, namespace: 'VALUE' });

test('AVRO round trip of every type, in the Confluent wire format, schema registered', () => {
  const registry = new InMemorySchemaRegistry();
  const columns = [
    col('I', INTEGER), col('L', BIGINT), col('D', DOUBLE), col('S', STRING), col('B', BYTES),
    col('DEC', decimalType(6, 2)), col('DT', DATE), col('TS', TIMESTAMP),
    col('A', arrayOf(STRING)), col('M', mapOf(STRING, INTEGER)), col('ST', structOf([{ name: 'X', type: INTEGER }])),
  ];
  const s = createSerde({ format: 'AVRO', side: 'value', topic: 'top', columns, registry });
  const row = [1, 9223372036854775807n, 1.5, 'x', Buffer.from([1]), Decimal.parse('-12.30'), 10, 1000, ['a', null], new Map([['k', 2]]), { X: 3 }];
  const bytes = s.serialize(row)!;
  assert.equal(bytes[0], 0);
  const id = bytes.readInt32BE(1);
  assert.equal(registry.latest('top-value')!.id, id);
  const schema = JSON.parse(registry.getById(id)!.schema);
  assert.equal(schema.name, 'io.confluent.ksql.avro_schemas.KsqlDataSourceSchema');
  assert.deepEqual(schema.fields[0].type, ['null', 'int']);
  const back = s.deserialize(bytes)!;
  assert.deepEqual(back.slice(0, 5), row.slice(0, 5));
  assert.equal((back[5] as Decimal).toString(), '-12.30');
  assert.deepEqual(back.slice(6), row.slice(6));
  assert.deepEqual(s.deserialize(s.serialize([null, null, null, null, null, null, null, null, null, null, null])), new Array(11).fill(null));
});

test('AVRO reads other writer schemas by id, matching fields case-insensitively; unwrapped values', () => {
  const registry = new InMemorySchemaRegistry();
  const writer = createSerde({ format: 'AVRO', side: 'value', topic: 'a', columns: [col('foo', INTEGER), col('bar', STRING)], registry });
  const reader = createSerde({ format: 'AVRO', side: 'value', topic: 'b', columns: [col('FOO', BIGINT)], registry });
  assert.deepEqual(reader.deserialize(writer.serialize([5, 'x'])), [5]);
  const un = createSerde({ format: 'AVRO', side: 'value', topic: 'c', columns: [col('V', STRING)], options: { wrapSingleValue: false }, registry });
  assert.deepEqual(un.deserialize(un.serialize(['hi'])), ['hi']);
  assert.equal(JSON.parse(registry.latest('c-value')!.schema)[1], 'string');
  assert.throws(() => un.deserialize(Buffer.from('plain')), /Failed to deserialize value from topic: c\..*magic byte/);
});
