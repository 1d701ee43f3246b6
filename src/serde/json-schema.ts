// The JSON Schema JSON_SR registers for columns, in the shape Kafka Connect's
// JsonSchemaConverter (and so ksqlDB) writes: nullable fields as oneOf null, Connect types
// and logical types in `connect.type` / `title`, maps as additionalProperties.

import type { Column, SqlType } from '../common/types.js';

type JsonSchema = Record<string, unknown>;

function typeSchema(t: SqlType, index?: number): JsonSchema {
  const at = index !== undefined ? { 'connect.index': index } : {};
  const inner = ((): JsonSchema => {
    switch (t.base) {
      case 'BOOLEAN':
        return { type: 'boolean' };
      case 'INTEGER':
        return { type: 'integer', 'connect.type': 'int32' };
      case 'BIGINT':
        return { type: 'integer', 'connect.type': 'int64' };
      case 'DOUBLE':
        return { type: 'number', 'connect.type': 'float64' };
      case 'STRING':
        return { type: 'string' };
      case 'BYTES':
        return { type: 'string', 'connect.type': 'bytes' };
      case 'DATE':
        return { type: 'integer', title: 'org.apache.kafka.connect.data.Date', 'connect.version': 1, 'connect.type': 'int32' };
      case 'TIME':
        return { type: 'integer', title: 'org.apache.kafka.connect.data.Time', 'connect.version': 1, 'connect.type': 'int32' };
      case 'TIMESTAMP':
        return { type: 'integer', title: 'org.apache.kafka.connect.data.Timestamp', 'connect.version': 1, 'connect.type': 'int64' };
      case 'DECIMAL':
        return {
          type: 'number',
          title: 'org.apache.kafka.connect.data.Decimal',
          'connect.version': 1,
          'connect.type': 'bytes',
          'connect.parameters': { scale: String(t.scale), 'connect.decimal.precision': String(t.precision) },
        };
      case 'ARRAY':
        return { type: 'array', items: typeSchema(t.item) };
      case 'MAP':
        return { type: 'object', additionalProperties: typeSchema(t.value), 'connect.type': 'map' };
      case 'STRUCT':
        return { type: 'object', properties: Object.fromEntries(t.fields.map((f, i) => [f.name, typeSchema(f.type, i)])) };
      default:
        return {};
    }
  })();
  return { oneOf: [{ type: 'null' }, inner], ...at };
}

export function jsonSchemaForColumns(columns: Column[], unwrapped: boolean): JsonSchema {
  if (unwrapped) return typeSchema(columns[0]!.type);
  return { type: 'object', properties: Object.fromEntries(columns.map((c, i) => [c.name, typeSchema(c.type, i)])) };
}
