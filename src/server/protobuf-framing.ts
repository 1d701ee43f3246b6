// `/query` with Accept: application/vnd.ksql.v1+protobuf (ksqlDB's protobuf pull responses):
// the header carries the proto3 schema ksqlDB generates for the result's columns, and each row
// is that message, serialized and base64-encoded, as `{"row":{"protobufBytes":…}}`.

import type protobuf from 'protobufjs';
import type { QueryHeader } from '../engine/api.js';
import { parseType } from '../parser/index.js';
import { sqlTypeOf } from '../planner/expressions/ast-types.js';
import { parseProtobufSchema, protobufSchemaForColumns } from '../serde/protobuf-schema.js';
import type { Framer } from './framing.js';

export const KSQL_V1_PROTOBUF = 'application/vnd.ksql.v1+protobuf';

export function protobufFramer(): Framer {
  let type: protobuf.Type | undefined;
  let names: string[] = [];
  return {
    begin: (h: QueryHeader) => {
      names = h.columnNames;
      const columns = h.columnNames.map((name, i) => ({ name, type: sqlTypeOf(parseType(h.columnTypes[i]!)), namespace: 'VALUE' as const }));
      const protoSchema = protobufSchemaForColumns(columns);
      type = parseProtobufSchema(protoSchema).messages[0];
      return '[' + JSON.stringify({ header: { queryId: h.queryId, schema: h.schema, protoSchema } });
    },
    row: (columns, tombstone) => {
      if (tombstone || !type) return '';
      const object: Record<string, unknown> = {};
      names.forEach((n, i) => {
        if (columns[i] !== null && columns[i] !== undefined) object[n] = columns[i];
      });
      const bytes = type.encode(type.fromObject(object)).finish();
      return ',\n' + JSON.stringify({ row: { protobufBytes: Buffer.from(bytes).toString('base64') } });
    },
    error: (e) => ',\n' + JSON.stringify({ errorMessage: e }),
    end: (finalMessage) => (finalMessage === undefined ? ']\n' : ',\n' + JSON.stringify({ finalMessage }) + ']\n'),
  };
}
