// The WITH (...) clause of CREATE / CREATE AS SELECT / INSERT INTO: allowed names per
// statement kind, value types, and the parsed form the engine and the planner read
// (ksqlDB keeps these in its parser module too: CreateSourceProperties and friends).

import type { Property } from './ast.js';
import { KsqlError } from '../common/errors.js';
import { WithClauseError } from './errors.js';

type Kind = 'string' | 'int' | 'bool';

const CREATE_PROPS: Record<string, Kind> = {
  KAFKA_TOPIC: 'string',
  KEY_FORMAT: 'string',
  VALUE_FORMAT: 'string',
  FORMAT: 'string',
  PARTITIONS: 'int',
  REPLICAS: 'int',
  RETENTION_MS: 'int',
  CLEANUP_POLICY: 'string',
  TIMESTAMP: 'string',
  TIMESTAMP_FORMAT: 'string',
  WRAP_SINGLE_VALUE: 'bool',
  KEY_DELIMITER: 'string',
  VALUE_DELIMITER: 'string',
  KEY_SCHEMA_ID: 'int',
  VALUE_SCHEMA_ID: 'int',
  KEY_SCHEMA_FULL_NAME: 'string',
  VALUE_SCHEMA_FULL_NAME: 'string',
  VALUE_AVRO_SCHEMA_FULL_NAME: 'string',
  KEY_PROTOBUF_NULLABLE_REPRESENTATION: 'string',
  VALUE_PROTOBUF_NULLABLE_REPRESENTATION: 'string',
  WINDOW_TYPE: 'string',
  WINDOW_SIZE: 'string',
  SOURCE_CONNECTOR: 'string',
  SOURCED_BY_CONNECTOR: 'string',
};

/** Settings of a windowed CREATE ... AS SELECT (src/planner/query/window-settings.ts). */
const WINDOWED_CSAS_PROPS: Record<string, Kind> = { LATE_RECORDS_TOPIC: 'string', SUPPRESS_IDLE_CLOSE_MS: 'int' };

const CSAS_EXCLUDED = ['WINDOW_TYPE', 'WINDOW_SIZE', 'SOURCE_CONNECTOR', 'SOURCED_BY_CONNECTOR'];

export type WithKind = 'create' | 'createAsSelect' | 'insertInto';

function allowed(kind: WithKind): Record<string, Kind> {
  if (kind === 'create') return CREATE_PROPS;
  if (kind === 'insertInto') return { QUERY_ID: 'string' };
  const out: Record<string, Kind> = { ...CREATE_PROPS, ...WINDOWED_CSAS_PROPS };
  for (const k of CSAS_EXCLUDED) delete out[k];
  return out;
}

export type WithValue = string | number | boolean;

/** Property values by upper-case name; null literals are treated as absent. */
export type WithProperties = Record<string, WithValue | undefined>;

export function parseWithProperties(props: Property[], kind: WithKind): WithProperties {
  const spec = allowed(kind);
  const unknown = props.map((p) => p.name.toUpperCase()).filter((n) => !(n in spec));
  if (unknown.length > 0) {
    throw new KsqlError(`Invalid config variable(s) in the WITH clause: ${unknown.join(',')}`);
  }
  const out: WithProperties = {};
  for (const p of props) {
    const name = p.name.toUpperCase();
    const lit = p.value;
    if (lit.type === 'NULL' || lit.value === null) continue;
    switch (spec[name]) {
      case 'string':
        out[name] = String(lit.value);
        break;
      case 'bool':
        if (typeof lit.value === 'boolean') out[name] = lit.value;
        else if (/^(true|false)$/i.test(String(lit.value))) out[name] = String(lit.value).toLowerCase() === 'true';
        else throw new KsqlError(`Property '${name}' must be a boolean: got '${String(lit.value)}'`);
        break;
      case 'int': {
        const text = String(lit.value).trim();
        if (!/^-?\d+$/.test(text)) {
          throw new KsqlError(`Invalid value for property ${name}: '${text}'. It must be an integer.`);
        }
        out[name] = Number(text);
        break;
      }
    }
  }
  if (out.FORMAT !== undefined && (out.KEY_FORMAT !== undefined || out.VALUE_FORMAT !== undefined)) {
    const other = out.VALUE_FORMAT !== undefined ? 'VALUE_FORMAT' : 'KEY_FORMAT';
    throw new KsqlError(
      `Cannot supply both '${other}' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.`,
    );
  }
  if (out.VALUE_SCHEMA_FULL_NAME !== undefined && out.VALUE_AVRO_SCHEMA_FULL_NAME !== undefined) {
    throw new KsqlError("Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME' and 'VALUE_SCHEMA_FULL_NAME' properties.");
  }
  return out;
}

/** `'20 SECONDS'` → ms; ksqlDB's message on a bad unit. */
export function parseDurationText(text: string, property: string): number {
  const m = /^\s*(\d+)\s+([A-Za-z]+)\s*$/.exec(text);
  if (!m) throw new WithClauseError(`Configuration ${property} is invalid: Invalid duration: '${text}'. Expected '<value> <unit>'`);
  const n = Number(m[1]);
  const unit = m[2]!.toUpperCase();
  const factors: Record<string, number> = {
    MILLISECOND: 1,
    MILLISECONDS: 1,
    SECOND: 1000,
    SECONDS: 1000,
    MINUTE: 60_000,
    MINUTES: 60_000,
    HOUR: 3_600_000,
    HOURS: 3_600_000,
    DAY: 86_400_000,
    DAYS: 86_400_000,
  };
  const f = factors[unit];
  if (f === undefined) {
    throw new WithClauseError(`Configuration ${property} is invalid: Invalid duration: '${text}'. Unknown time unit: '${unit}'`);
  }
  return n * f;
}

/** Delimiter property text → the single character. */
export function parseDelimiter(text: string, property: string): string {
  const upper = text.toUpperCase();
  if (upper === 'TAB') return '\t';
  if (upper === 'SPACE') return ' ';
  if (text.trim() === '') {
    throw new KsqlError(
      `Failed to prepare statement: Configuration ${property} is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'`,
    );
  }
  if ([...text].length !== 1) {
    throw new KsqlError(
      `Failed to prepare statement: Configuration ${property} is invalid: Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'`,
    );
  }
  return text;
}
