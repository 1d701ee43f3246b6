// Converters from parsed JSON values to the SQL value representation, built once per type.
// They coerce the way ksqlDB's JSON deserializer does: numbers narrow or widen to the column
// type, numeric strings parse into numeric columns, anything becomes a STRING, and other
// mismatches fail with "Can't convert type. sourceType: X, requiredType: Y".

import { Decimal } from '../common/decimal.js';
import { formatType, normalizeBigint, type SqlType, type StructField } from '../common/types.js';
import { cannotConvert, ConversionError } from './errors.js';
import { LosslessNumber } from './json-parse.js';
import { javaDoubleString, parseJavaDouble, parseJavaInt, parseJavaLong } from './java-text.js';
import { javaHashMapOrder } from './java-hash-order.js';

export type JsonReader = (node: unknown) => unknown;

export interface JsonReadOptions {
  /** MAP entries in java.util.HashMap order, as ksqlDB's JSON deserializer yields them (else document order). */
  javaMapOrder?: boolean;
}

export function jsonReader(type: SqlType, options: JsonReadOptions = {}): JsonReader {
  switch (type.base) {
    case 'BOOLEAN':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string') {
          const l = v.toLowerCase();
          if (l === 'true') return true;
          if (l === 'false') return false;
        }
        throw cannotConvert(v, type);
      };
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return Number.isInteger(v) && (v | 0) === v ? v : Math.trunc(v) | 0;
        if (typeof v === 'string') return parseJavaInt(v, type.base);
        if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
        if (v instanceof LosslessNumber) return Math.trunc(v.toNumber()) | 0;
        throw cannotConvert(v, type);
      };
    case 'BIGINT':
    case 'TIMESTAMP':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return Number.isInteger(v) ? v : Math.trunc(v);
        if (typeof v === 'bigint') return normalizeBigint(v);
        if (typeof v === 'string') return parseJavaLong(v, type.base);
        if (v instanceof LosslessNumber) return Math.trunc(v.toNumber());
        throw cannotConvert(v, type);
      };
    case 'DOUBLE':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return v;
        if (typeof v === 'string') return parseJavaDouble(v);
        if (typeof v === 'bigint') return Number(v);
        if (v instanceof LosslessNumber) return v.toNumber();
        throw cannotConvert(v, type);
      };
    case 'DECIMAL': {
      const { precision, scale } = type;
      return (v) => {
        if (v === null || v === undefined) return null;
        let d: Decimal;
        try {
          if (typeof v === 'number') d = Decimal.fromNumber(v);
          else if (typeof v === 'bigint') d = Decimal.fromBigint(v);
          else if (v instanceof LosslessNumber) d = Decimal.parse(v.text);
          else if (typeof v === 'string') d = Decimal.parse(v);
          else throw cannotConvert(v, type);
        } catch (e) {
          if (e instanceof ConversionError) throw e;
          throw new ConversionError(`Can't coerce string to type. targetType: ${formatType(type)}`);
        }
        return fitDecimal(d, precision, scale);
      };
    }
    case 'STRING':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'string') return v;
        if (typeof v === 'number') return Number.isInteger(v) ? String(v) : javaDoubleString(v);
        if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
        if (v instanceof LosslessNumber) return v.text;
        return JSON.stringify(v);
      };
    case 'BYTES':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'string') return Buffer.from(v, 'base64');
        throw cannotConvert(v, type);
      };
    case 'ARRAY': {
      const item = jsonReader(type.item, options);
      return (v) => {
        if (v === null || v === undefined) return null;
        if (!Array.isArray(v)) throw cannotConvert(v, type);
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = item(v[i]);
        return out;
      };
    }
    case 'MAP': {
      const key = type.key.base === 'STRING' ? null : jsonReader(type.key, options);
      const value = jsonReader(type.value, options);
      const stringKeys = type.key.base === 'STRING';
      return (v) => {
        if (v === null || v === undefined) return null;
        if (!isPlainObject(v)) throw cannotConvert(v, type);
        const out = new Map<unknown, unknown>();
        if (options.javaMapOrder && stringKeys) {
          for (const k of javaHashMapOrder(Object.keys(v))) out.set(k, value(v[k]));
          return out;
        }
        for (const k in v) out.set(key ? key(k) : k, value(v[k]));
        return out;
      };
    }
    case 'STRUCT': {
      const matcher = new FieldMatcher(type.fields);
      const readers = type.fields.map((f) => jsonReader(f.type, options));
      const names = type.fields.map((f) => f.name);
      const raw: unknown[] = new Array(names.length);
      return (v) => {
        if (v === null || v === undefined) return null;
        if (!isPlainObject(v)) throw cannotConvert(v, type);
        matcher.match(v, raw);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) out[names[i]!] = readers[i]!(raw[i]);
        return out;
      };
    }
  }
}

/** Rescales a decimal to the column scale (HALF_UP) and checks that it fits the precision. */
export function fitDecimal(d: Decimal, precision: number, scale: number): Decimal {
  const r = d.setScale(scale);
  if (!r.fits(precision, scale)) {
    throw new ConversionError(
      `Cannot fit decimal '${d.toString()}' into DECIMAL(${precision}, ${scale}) without rounding. (Requires ${Math.max(d.precision(), d.scale)},${d.scale})`,
    );
  }
  return r;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LosslessNumber);
}

/**
 * Finds the JSON properties of declared fields. A property whose name equals the field name
 * wins; otherwise the first property whose upper-cased name equals the field name (unquoted
 * identifiers are upper case, so `{"foo": 1}` fills column FOO). The property-name lookups are
 * cached, so repeated records with the same spelling cost one Map lookup per property.
 */
export class FieldMatcher {
  private readonly exact = new Map<string, number>();
  /** raw property name → index of the field its upper-cased form names, or -1. */
  private readonly cache = new Map<string, number>();
  private readonly exactHit: Uint32Array;
  private readonly anyHit: Uint32Array;
  private epoch = 0;

  constructor(fields: readonly StructField[] | readonly { name: string }[]) {
    fields.forEach((f, i) => {
      if (!this.exact.has(f.name)) this.exact.set(f.name, i);
    });
    this.exactHit = new Uint32Array(fields.length);
    this.anyHit = new Uint32Array(fields.length);
  }

  /** Fills `out` with the raw value of each field (undefined when absent). */
  match(obj: Record<string, unknown>, out: unknown[]): void {
    out.fill(undefined);
    let epoch = ++this.epoch;
    if (epoch === 0xffffffff) {
      this.resetEpoch();
      epoch = this.epoch;
    }
    for (const key in obj) {
      const ex = this.exact.get(key);
      if (ex !== undefined) {
        out[ex] = obj[key];
        this.exactHit[ex] = epoch;
        continue;
      }
      const idx = this.upperIndex(key);
      if (idx >= 0 && this.exactHit[idx] !== epoch && this.anyHit[idx] !== epoch) {
        out[idx] = obj[key];
        this.anyHit[idx] = epoch;
      }
    }
  }

  private upperIndex(key: string): number {
    let idx = this.cache.get(key);
    if (idx === undefined) {
      idx = this.exact.get(key.toUpperCase()) ?? -1;
      if (this.cache.size > 10000) this.cache.clear();
      this.cache.set(key, idx);
    }
    return idx;
  }

  private resetEpoch(): void {
    this.epoch = 1;
    this.exactHit.fill(0);
    this.anyHit.fill(0);
  }
}
