// Writing into a registered Avro schema (KEY_/VALUE_SCHEMA_ID): the value is rebuilt in the
// shape of the registered schema, as ksqlDB's schema-registry data translator does. Record
// fields come in the registered order and are matched by exact name; a field the data lacks
// gets its default (or null when it may be null) and fails when it has neither; a null for a
// field with a non-null default writes the default.

import type avro from 'avsc';

type Node = avro.Type & {
  types?: Node[];
  itemsType?: Node;
  valuesType?: Node;
  fields?: { name: string; type: Node; defaultValue(): unknown }[];
};

export class MissingAvroDefaultError extends Error {}

function nullable(t: Node): boolean {
  return t.typeName === 'null' || (t.typeName.startsWith('union') && (t.types ?? []).some((b) => b.typeName === 'null'));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** `v` (as the column types give it to avsc) in the shape of the registered type `t`. */
export function fitToAvro(v: unknown, type: avro.Type): unknown {
  const t = type as Node;
  if (v === null || v === undefined) return null;
  switch (t.typeName) {
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = (t.types ?? []).filter((b) => b.typeName !== 'null');
      if (branches.length === 1) return fitToAvro(v, branches[0]!);
      for (const b of branches) {
        const fitted = fitToAvro(v, b);
        if (b.isValid(fitted)) return t.typeName === 'union:wrapped' ? { [b.branchName!]: fitted } : fitted;
      }
      return v;
    }
    case 'record':
    case 'error': {
      if (!isObject(v)) return v;
      const out: Record<string, unknown> = {};
      for (const f of t.fields ?? []) {
        const given = Object.prototype.hasOwnProperty.call(v, f.name);
        const value = given ? v[f.name] : undefined;
        const fallback = f.defaultValue();
        if (value !== null && value !== undefined) out[f.name] = fitToAvro(value, f.type);
        else if (fallback !== undefined && fallback !== null) out[f.name] = fallback;
        else if (given || fallback !== undefined || nullable(f.type)) out[f.name] = null;
        else {
          throw new MissingAvroDefaultError(
            `Missing default value for required Avro field: [${f.name}]. This field appears in Avro schema in Schema Registry`,
          );
        }
      }
      return out;
    }
    case 'array':
      return Array.isArray(v) ? v.map((x) => fitToAvro(x, t.itemsType!)) : v;
    case 'map': {
      if (!isObject(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = fitToAvro(x, t.valuesType!);
      return out;
    }
    default:
      return v;
  }
}
