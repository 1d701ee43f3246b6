// Runs one REST query-validation case: the statements before the first SELECT/PRINT go to
// the engine as one /ksql request, the inputs are produced and processed, then each query
// runs as a /query request. Responses are compared with `responses[]`: admin entities as a
// subset match, query results item by item (header subset, rows by the value rules,
// finalMessage exactly); a failure is compared with `expectedError`.

import type { KsqlEntity, QueryStream, StreamedItem } from '../../src/engine/api.js';
import { describe, matchValue } from './compare.js';
import type { EngineUnderTest } from './engine-adapter.js';
import type { CaseJson, TestCase } from './loader.js';
import { createTopics, registerTopicSchemas, errorMessage, plannedTopics, produceInputs, withEngine, type CaseResult } from './case-runner.js';

const QUERY_START = /^\s*(SELECT|PRINT)\b/i;
/** How long a push query may stay silent before the rows seen so far are taken as its result. */
const QUERY_IDLE_MS = 400;

const ctx = () => ({ properties: {}, variables: {} });

function subsetMismatch(expected: unknown, actual: unknown, path: string): string | null {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return `${path}: expected ${describe(expected)}, got ${describe(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      // `"field|starts_with": "prefix"` matches a field by prefix (ksqlDB's RQTT matcher syntax).
      const [field, matcher] = k.split('|') as [string, string | undefined];
      const got = (actual as Record<string, unknown>)[field];
      if (matcher === 'starts_with') {
        if (typeof got === 'string' && typeof v === 'string' && got.startsWith(v)) continue;
        return `${path}.${field}: expected a value starting with ${describe(v)}, got ${describe(got ?? null)}`;
      }
      const why = subsetMismatch(v, got, `${path}.${field}`);
      if (why) return why;
    }
    return null;
  }
  return matchValue(expected, actual, path);
}

function checkError(spec: CaseJson, e: unknown, where: string): CaseResult {
  const expected = spec.expectedError;
  if (!expected) return { passed: false, reason: `${where} failed: ${errorMessage(e)}` };
  const msg = errorMessage(e);
  if (expected.message !== undefined && !msg.includes(expected.message)) {
    return { passed: false, reason: `expected error containing "${expected.message}" but got: ${msg}` };
  }
  const status = (e as { httpStatus?: number }).httpStatus;
  if (expected.status !== undefined && status !== undefined && status !== expected.status) {
    return { passed: false, reason: `expected HTTP status ${expected.status}, got ${status}: ${msg}` };
  }
  return { passed: true };
}

async function collectQuery(stream: QueryStream, expectedItems: number): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [{ header: stream.header }];
  const it = stream.items[Symbol.asyncIterator]();
  let ended = false;
  while (out.length < expectedItems) {
    const next = await Promise.race([
      it.next(),
      new Promise<'idle'>((r) => setTimeout(() => r('idle'), QUERY_IDLE_MS).unref()),
    ]);
    if (next === 'idle') break;
    if (next.done) {
      ended = true;
      break;
    }
    const item = next.value as StreamedItem;
    if ('row' in item) out.push({ row: { columns: item.row, ...(item.tombstone ? { tombstone: true } : {}) } });
    else out.push(item);
  }
  if (ended) {
    const final = await Promise.race([stream.finalMessage, new Promise<undefined>((r) => setTimeout(() => r(undefined), QUERY_IDLE_MS).unref())]);
    if (final !== undefined) out.push({ finalMessage: final });
  }
  stream.close();
  return out;
}

function compareQuery(expected: Record<string, unknown>[], actual: Record<string, unknown>[], n: number): string | null {
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
    const why = subsetMismatch(expected[i], actual[i], `query ${n} item ${i}`);
    if (why) return why;
  }
  if (expected.length !== actual.length) {
    return `query ${n}: expected ${expected.length} items, got ${actual.length}: ${describe(actual).slice(0, 400)}`;
  }
  return null;
}

export async function runRestCase(tc: TestCase): Promise<CaseResult> {
  const spec = tc.spec;
  return withEngine(spec.properties ?? {}, async (engine: EngineUnderTest) => {
    registerTopicSchemas(spec);
    await createTopics(engine, plannedTopics(spec));
    const firstQuery = spec.statements.findIndex((s) => QUERY_START.test(s));
    const admin = firstQuery < 0 ? spec.statements : spec.statements.slice(0, firstQuery);
    const queries = firstQuery < 0 ? [] : spec.statements.slice(firstQuery);
    const actual: Record<string, unknown>[] = [];
    if (admin.length > 0) {
      let entities: KsqlEntity[];
      try {
        entities = await engine.execute(admin.join('\n'), ctx());
      } catch (e) {
        return checkError(spec, e, '/ksql request');
      }
      for (const ent of entities) actual.push({ admin: ent });
    }
    await produceInputs(engine, spec.inputs ?? [], new Set());
    const expected = spec.responses ?? [];
    for (let q = 0; q < queries.length; q++) {
      const exp = expected[admin.length + q] as { query?: Record<string, unknown>[]; queryProto?: unknown } | undefined;
      if (exp?.queryProto) return { passed: false, reason: 'protobuf query responses (queryProto) are not supported by the runner' };
      let stream: QueryStream;
      try {
        stream = await engine.query(queries[q]!, ctx());
      } catch (e) {
        return checkError(spec, e, `query ${q + 1}`);
      }
      actual.push({ query: await collectQuery(stream, exp?.query?.length ?? Number.MAX_SAFE_INTEGER) });
    }
    if (spec.expectedError) return { passed: false, reason: `expected an error (${spec.expectedError.message ?? ''}) but every request succeeded` };
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i]!;
      const a = actual[i];
      if (!a) return { passed: false, reason: `response ${i + 1} missing (got ${actual.length} responses)` };
      if ('admin' in e) {
        const why = subsetMismatch(e.admin, a.admin, `response ${i + 1} admin`);
        if (why) return { passed: false, reason: why };
      } else if ('query' in e) {
        if (!a.query) return { passed: false, reason: `response ${i + 1}: expected a query result, got ${describe(a).slice(0, 200)}` };
        const why = compareQuery(e.query as Record<string, unknown>[], a.query as Record<string, unknown>[], i + 1);
        if (why) return { passed: false, reason: why };
      }
    }
    return { passed: true };
  });
}
