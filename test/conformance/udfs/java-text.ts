// Java's String.valueOf for the values ksqlDB's test functions print.

import { javaDoubleToString } from '../../../src/functions/values.js';

/** Kafka Connect's Struct.toString: `Struct{A=bar,B=1}`, null fields left out. */
export function structText(s: Record<string, unknown>): string {
  const fields = Object.entries(s)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${javaText(v)}`);
  return `Struct{${fields.join(',')}}`;
}

export function javaText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' && !Number.isInteger(v)) return javaDoubleToString(v);
  if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && v.constructor === Object) return structText(v as Record<string, unknown>);
  return String(v);
}
