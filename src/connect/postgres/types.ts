// SQL types and values of Eddy rows as PostgreSQL columns and query parameters.

import type { SqlType } from '../../common/types.js';
import { stringifyJson, toJsonValue } from '../../serde/index.js';

export function postgresType(t: SqlType): string {
  switch (t.base) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'INTEGER':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'DOUBLE':
      return 'DOUBLE PRECISION';
    case 'DECIMAL':
      return `NUMERIC(${t.precision},${t.scale})`;
    case 'STRING':
      return 'TEXT';
    case 'BYTES':
      return 'BYTEA';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'TIMESTAMP':
      return 'TIMESTAMP';
    default:
      return 'JSONB';
  }
}

/** A value in Eddy's representation as a pg query parameter. */
export function postgresParam(value: unknown, t: SqlType): unknown {
  if (value === null || value === undefined) return null;
  switch (t.base) {
    case 'BIGINT':
    case 'DECIMAL':
      return String(value);
    case 'DATE':
      return new Date((value as number) * 86_400_000).toISOString().slice(0, 10);
    case 'TIME':
      return new Date(value as number).toISOString().slice(11, 23);
    case 'TIMESTAMP':
      return new Date(value as number).toISOString().replace('T', ' ').replace('Z', '');
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return stringifyJson(toJsonValue(value, t));
    default:
      return value;
  }
}
