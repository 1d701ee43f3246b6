// SQL types and the JS representation of their values.
//
// Value representation (shared by serde, functions, expressions and runtime):
//   BOOLEAN    boolean
//   INTEGER    number (int32)
//   BIGINT     number when it is a safe integer (|v| <= 2^53-1), bigint otherwise.
//              Producers normalise with `normalizeBigint`, so equal values always have
//              the same representation and `===` works.
//   DOUBLE     number
//   DECIMAL    Decimal (see ./decimal.ts): exact unscaled bigint plus scale
//   STRING     string
//   BYTES      Buffer
//   DATE       number: days since 1970-01-01
//   TIME       number: milliseconds of the day
//   TIMESTAMP  number: milliseconds since the epoch (no zone)
//   ARRAY      unknown[]
//   MAP        Map<key, value> (insertion ordered)
//   STRUCT     plain object keyed by the declared field names, every field present
//              (missing fields hold null)
//   SQL NULL   null (never undefined)

export type PrimitiveBase =
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP';

export type SqlType =
  | { base: PrimitiveBase }
  | { base: 'DECIMAL'; precision: number; scale: number }
  | { base: 'ARRAY'; item: SqlType }
  | { base: 'MAP'; key: SqlType; value: SqlType }
  | { base: 'STRUCT'; fields: StructField[] };

export interface StructField {
  name: string;
  type: SqlType;
}

export const BOOLEAN: SqlType = { base: 'BOOLEAN' };
export const INTEGER: SqlType = { base: 'INTEGER' };
export const BIGINT: SqlType = { base: 'BIGINT' };
export const DOUBLE: SqlType = { base: 'DOUBLE' };
export const STRING: SqlType = { base: 'STRING' };
export const BYTES: SqlType = { base: 'BYTES' };
export const DATE: SqlType = { base: 'DATE' };
export const TIME: SqlType = { base: 'TIME' };
export const TIMESTAMP: SqlType = { base: 'TIMESTAMP' };

export function decimalType(precision: number, scale: number): SqlType {
  return { base: 'DECIMAL', precision, scale };
}
export function arrayOf(item: SqlType): SqlType {
  return { base: 'ARRAY', item };
}
export function mapOf(key: SqlType, value: SqlType): SqlType {
  return { base: 'MAP', key, value };
}
export function structOf(fields: StructField[]): SqlType {
  return { base: 'STRUCT', fields };
}

export function isNumeric(t: SqlType): boolean {
  return t.base === 'INTEGER' || t.base === 'BIGINT' || t.base === 'DECIMAL' || t.base === 'DOUBLE';
}

export function typesEqual(a: SqlType, b: SqlType): boolean {
  if (a.base !== b.base) return false;
  switch (a.base) {
    case 'DECIMAL': {
      const o = b as typeof a;
      return a.precision === o.precision && a.scale === o.scale;
    }
    case 'ARRAY':
      return typesEqual(a.item, (b as typeof a).item);
    case 'MAP': {
      const o = b as typeof a;
      return typesEqual(a.key, o.key) && typesEqual(a.value, o.value);
    }
    case 'STRUCT': {
      const o = b as typeof a;
      return (
        a.fields.length === o.fields.length &&
        a.fields.every((f, i) => f.name === o.fields[i]!.name && typesEqual(f.type, o.fields[i]!.type))
      );
    }
    default:
      return true;
  }
}

/** ksqlDB's SQL text for a type, e.g. `DECIMAL(4, 2)`, `ARRAY<STRING>`, STRUCT<`A` INTEGER>. */
export function formatType(t: SqlType): string {
  switch (t.base) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'ARRAY':
      return `ARRAY<${formatType(t.item)}>`;
    case 'MAP':
      return `MAP<${formatType(t.key)}, ${formatType(t.value)}>`;
    case 'STRUCT':
      return `STRUCT<${t.fields.map((f) => `\`${f.name}\` ${formatType(f.type)}`).join(', ')}>`;
    default:
      return t.base;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Canonical BIGINT value: wraps to signed 64 bits (Java overflow) and uses a number when safe. */
export function normalizeBigint(v: bigint | number): number | bigint {
  if (typeof v === 'number') return v;
  const wrapped = BigInt.asIntN(64, v);
  return wrapped <= MAX_SAFE && wrapped >= MIN_SAFE ? Number(wrapped) : wrapped;
}

/** A column of a source or a result. */
export interface Column {
  name: string;
  type: SqlType;
  namespace: 'KEY' | 'VALUE' | 'HEADER';
  /** For a HEADER('k') column: the header key; absent for HEADERS (all headers). */
  headerKey?: string;
}

/** Key columns, then value (and header) columns, in declaration order. */
export interface LogicalSchema {
  key: Column[];
  value: Column[];
}

/** ksqlDB's schema text: `` `ID` BIGINT KEY, `NAME` STRING `` */
export function formatSchema(schema: LogicalSchema): string {
  const cols = [...schema.key, ...schema.value].map((c) => {
    let suffix = '';
    if (c.namespace === 'KEY') suffix = ' KEY';
    else if (c.namespace === 'HEADER') suffix = c.headerKey === undefined ? ' HEADERS' : ` HEADER('${c.headerKey}')`;
    return `\`${c.name}\` ${formatType(c.type)}${suffix}`;
  });
  return cols.join(', ');
}

/** True when the type is or contains a MAP (not allowed in keys and some formats). */
export function containsMap(t: SqlType): boolean {
  switch (t.base) {
    case 'MAP':
      return true;
    case 'ARRAY':
      return containsMap(t.item);
    case 'STRUCT':
      return t.fields.some((f) => containsMap(f.type));
    default:
      return false;
  }
}

/** True when the type is or contains a MAP whose keys are not STRING (JSON and Avro refuse those). */
export function hasNonStringMapKey(t: SqlType): boolean {
  switch (t.base) {
    case 'MAP':
      return t.key.base !== 'STRING' || hasNonStringMapKey(t.value);
    case 'ARRAY':
      return hasNonStringMapKey(t.item);
    case 'STRUCT':
      return t.fields.some((f) => hasNonStringMapKey(f.type));
    default:
      return false;
  }
}
