// The DELIMITED format: one CSV record per message (default delimiter ',', '"' quoting with
// doubled quotes inside). Empty fields are NULL. Primitive types only; TIMESTAMP, TIME and
// DATE travel as numbers, BYTES as base64, DECIMAL as plain text, DOUBLE as Java prints it.
// Quoting on write follows the minimal policy ksqlDB's CSV printer uses, so outputs match.

import { Decimal } from '../common/decimal.js';
import { formatType, type SqlType } from '../common/types.js';
import { SerdeError, type Serde, type SerdeSpec } from './serde.js';
import { ConversionError, deserializeError, serializeError } from './errors.js';
import { fitDecimal } from './json-read.js';
import { javaDoubleString, parseJavaDouble, parseJavaInt, parseJavaLong } from './java-text.js';
import { emptySerde } from './json-format.js';

type FieldParser = (text: string) => unknown;
type FieldPrinter = (value: unknown) => string;

/**
 * 'TAB' and 'SPACE' name the whitespace delimiters; anything else must be one character.
 * (Rejecting a literal ' ' in a WITH clause is the statement's job, not the serde's.)
 */
export function resolveDelimiter(d: string | undefined): string {
  if (d === undefined) return ',';
  if (d.toUpperCase() === 'TAB') return '\t';
  if (d.toUpperCase() === 'SPACE') return ' ';
  if (d.length !== 1) {
    throw new SerdeError(`Invalid delimiter value: '${d}'. Delimiter must be a single character or TAB,SPACE`);
  }
  return d;
}

export function createDelimitedSerde(spec: SerdeSpec): Serde {
  const { columns, side, topic } = spec;
  const n = columns.length;
  for (const c of columns) {
    if (c.type.base === 'ARRAY' || c.type.base === 'MAP' || c.type.base === 'STRUCT') {
      throw new SerdeError(`The 'DELIMITED' format does not support type '${c.type.base}', column: \`${c.name}\``);
    }
  }
  if (n === 0) return emptySerde(side);
  const delimiter = resolveDelimiter(spec.options?.delimiter);
  const parsers = columns.map((c) => fieldParser(c.type));
  const printers = columns.map((c) => fieldPrinter(c.type));
  const delimCode = delimiter.charCodeAt(0);

  return {
    serialize(row) {
      if (row === null) return null;
      if (side === 'key' && !spec.writeAllNullKeys && row.every((v) => v === null || v === undefined)) return null;
      try {
        let s = '';
        for (let i = 0; i < n; i++) {
          if (i > 0) s += delimiter;
          const v = row[i];
          if (v === null || v === undefined) continue;
          s += quoteIfNeeded(printers[i]!(v), i === 0, delimCode);
        }
        return Buffer.from(s, 'utf8');
      } catch (e) {
        throw serializeError(side, topic, e);
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      try {
        const fields = splitRecord(bytes.toString('utf8'), delimiter);
        if (fields.length !== n) {
          throw new ConversionError(`Column count mismatch on deserialization. topic: ${topic}, expected: ${n}, got: ${fields.length}`);
        }
        const row = new Array(n);
        for (let i = 0; i < n; i++) {
          const f = fields[i]!;
          row[i] = f === '' ? null : parsers[i]!(f);
        }
        return row;
      } catch (e) {
        throw deserializeError(side, topic, e);
      }
    },
  };
}

/** Splits one CSV record. Quoted fields may contain the delimiter and doubled quotes. */
export function splitRecord(text: string, delimiter: string): string[] {
  if (text.indexOf('"') < 0) return text.split(delimiter);
  const out: string[] = [];
  let i = 0;
  const len = text.length;
  for (;;) {
    if (text[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new ConversionError('Unterminated quoted field in delimited record');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Characters between the closing quote and the delimiter are kept, as lenient CSV readers do.
      const d = text.indexOf(delimiter, i);
      if (d < 0) {
        out.push(field + text.slice(i));
        return out;
      }
      out.push(field + text.slice(i, d));
      i = d + delimiter.length;
    } else {
      const d = text.indexOf(delimiter, i);
      if (d < 0) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, d));
      i = d + delimiter.length;
    }
    if (i > len) return out;
  }
}

function isAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Minimal quoting: an empty first field, a first field starting with anything but a letter or
 * digit, any field starting with a character up to '#', containing CR, LF, a quote or the
 * delimiter, or ending in whitespace.
 */
export function quoteIfNeeded(s: string, first: boolean, delimCode: number): string {
  let quote = false;
  if (s.length === 0) {
    quote = first;
  } else {
    const c0 = s.charCodeAt(0);
    if ((first && !isAlphanumeric(c0)) || c0 <= 35) {
      quote = true;
    } else {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 10 || c === 13 || c === 34 || c === delimCode) {
          quote = true;
          break;
        }
      }
      if (!quote && s.charCodeAt(s.length - 1) <= 32) quote = true;
    }
  }
  return quote ? `"${s.replace(/"/g, '""')}"` : s;
}

function fieldParser(type: SqlType): FieldParser {
  switch (type.base) {
    case 'BOOLEAN':
      return (t) => {
        const l = t.trim().toLowerCase();
        if (l === 'true') return true;
        if (l === 'false') return false;
        throw new ConversionError(`Can't coerce string to type. targetType: BOOLEAN`);
      };
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return (t) => parseJavaInt(t, type.base);
    case 'BIGINT':
    case 'TIMESTAMP':
      return (t) => parseJavaLong(t, type.base);
    case 'DOUBLE':
      return parseJavaDouble;
    case 'DECIMAL':
      return (t) => {
        let d: Decimal;
        try {
          d = Decimal.parse(t);
        } catch {
          throw new ConversionError(`Can't coerce string to type. targetType: ${formatType(type)}`);
        }
        return fitDecimal(d, type.precision, type.scale);
      };
    case 'STRING':
      return (t) => t;
    case 'BYTES':
      return (t) => Buffer.from(t, 'base64');
    default:
      throw new SerdeError(`The 'DELIMITED' format does not support type '${type.base}'`);
  }
}

function fieldPrinter(type: SqlType): FieldPrinter {
  switch (type.base) {
    case 'DOUBLE':
      return (v) => javaDoubleString(v as number);
    case 'DECIMAL':
      return (v) => (v as Decimal).toString();
    case 'BYTES':
      return (v) => (v as Buffer).toString('base64');
    case 'STRING':
      return (v) => v as string;
    default:
      return (v) => String(v);
  }
}
