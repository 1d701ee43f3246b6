// Runs one REST query-validation case: the statements before the first SELECT/PRINT go to
// /ksql as one request, the inputs are produced (by key, as ksqlDB's REST tests' Kafka producer
// places them) and processed, then each query goes to
// /query. Responses are compared with `responses[]`: admin entities as a subset match, query
// results item by item (header subset, finalMessage exactly) with the rows' values matched in
// any order as ksqlDB's REST test executor does (query-response.ts); a failed request is compared with `expectedError`. Uses the real HTTP server when src/server
// is present, else the same calls in process.

import { describe, matchValue } from './compare.js';
import { loadServer, type EngineUnderTest } from './engine-adapter.js';
import type { CaseJson, TestCase } from './loader.js';
import { createTopics, registerTopicSchemas, plannedTopics, produceInputs, withEngine, type CaseResult } from './case-runner.js';
import { protobufItems } from './proto-text.js';
import { compareQueryResponse, verifiesOrder } from './query-response.js';
import { httpClient, inProcessClient, type RestClient } from './rest-client.js';

const QUERY_START = /^\s*(SELECT|PRINT)\b/i;
/** How long a push query may stay silent before the rows seen so far are taken as its result. */
const QUERY_IDLE_MS = 400;

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

function checkError(spec: CaseJson, failure: { status?: number; message: string }, where: string): CaseResult {
  const expected = spec.expectedError;
  if (!expected) return { passed: false, reason: `${where} failed: ${failure.message}` };
  if (expected.message !== undefined && !failure.message.includes(expected.message)) {
    return { passed: false, reason: `expected error containing "${expected.message}" but got: ${failure.message}` };
  }
  if (expected.status !== undefined && failure.status !== undefined && failure.status !== expected.status) {
    return { passed: false, reason: `expected HTTP status ${expected.status}, got ${failure.status}: ${failure.message}` };
  }
  return { passed: true };
}

export async function runRestCase(tc: TestCase): Promise<CaseResult> {
  const spec = tc.spec;
  const server = await loadServer();
  // ksqlDB's REST test server runs with scalable push queries enabled.
  return withEngine({ 'ksql.query.push.v2.enabled': true, ...spec.properties }, async (engine: EngineUnderTest) => {
    registerTopicSchemas(spec);
    await createTopics(engine, plannedTopics(spec));
    const client: RestClient = server ? await httpClient(engine, server) : inProcessClient(engine);
    try {
      return await runWithClient(spec, engine, client);
    } finally {
      await client.close();
    }
  });
}

async function runWithClient(spec: CaseJson, engine: EngineUnderTest, client: RestClient): Promise<CaseResult> {
  const firstQuery = spec.statements.findIndex((s) => QUERY_START.test(s));
  const admin = firstQuery < 0 ? spec.statements : spec.statements.slice(0, firstQuery);
  const queries = firstQuery < 0 ? [] : spec.statements.slice(firstQuery);
  const actual: Record<string, unknown>[] = [];
  if (admin.length > 0) {
    const r = await client.ksql(admin.join('\n'));
    if (!r.ok) return checkError(spec, r, '/ksql request');
    for (const ent of r.entities) actual.push({ admin: ent });
  }
  // With waitForActivePushQuery the inputs go in once the first query is running.
  const waitForQuery = (spec.inputConditions as { waitForActivePushQuery?: boolean } | undefined)?.waitForActivePushQuery === true && queries.length > 0;
  if (!waitForQuery) await produceInputs(engine, spec.inputs ?? [], new Set(), 'keyed');
  const expected = spec.responses ?? [];
  // testPullWithProtoFormat: the queries run again with protobuf rows (ksqlDB's queryProto responses).
  const runs = spec.testPullWithProtoFormat ? [...queries, ...queries] : queries;
  for (let q = 0; q < runs.length; q++) {
    const exp = expected[admin.length + q] as { query?: Record<string, unknown>[]; queryProto?: Record<string, unknown>[] } | undefined;
    const proto = q >= queries.length;
    const r = await client.query(runs[q]!, proto ? 'application/vnd.ksql.v1+protobuf' : undefined);
    if (!r.ok) return checkError(spec, r, `query ${q + 1}`);
    const items: Record<string, unknown>[] = [];
    try {
      if (waitForQuery && q === 0) {
        const header = await r.handle.next(QUERY_IDLE_MS * 5);
        if (typeof header === 'object') items.push(header);
        await produceInputs(engine, spec.inputs ?? [], new Set(), 'keyed');
      }
      // Read to the end of the response, or until it goes quiet (push queries without LIMIT).
      const limit = (exp?.query?.length ?? exp?.queryProto?.length ?? 0) + 5;
      while (items.length < limit) {
        const item = await r.handle.next(QUERY_IDLE_MS);
        if (item === 'end' || item === 'idle') break;
        items.push(item);
      }
    } finally {
      r.handle.close();
    }
    actual.push(proto ? { queryProto: protobufItems(items) } : { query: items });
  }
  if (spec.expectedError) return { passed: false, reason: `expected an error (${spec.expectedError.message ?? ''}) but every request succeeded` };
  const inOrder = verifiesOrder(spec.outputConditions);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i];
    if (!a) return { passed: false, reason: `response ${i + 1} missing (got ${actual.length} responses)` };
    if ('admin' in e) {
      const why = subsetMismatch(e.admin, a.admin, `response ${i + 1} admin`);
      if (why) return { passed: false, reason: why };
    } else if ('queryProto' in e) {
      if (!a.queryProto) return { passed: false, reason: `response ${i + 1}: expected a protobuf query result, got ${describe(a).slice(0, 200)}` };
      const why = compareQueryResponse(e.queryProto as Record<string, unknown>[], a.queryProto as Record<string, unknown>[], i + 1, inOrder, subsetMismatch);
      if (why) return { passed: false, reason: why };
    } else if ('query' in e) {
      if (!a.query) return { passed: false, reason: `response ${i + 1}: expected a query result, got ${describe(a).slice(0, 200)}` };
      const why = compareQueryResponse(e.query as Record<string, unknown>[], a.query as Record<string, unknown>[], i + 1, inOrder, subsetMismatch);
      if (why) return { passed: false, reason: why };
    }
  }
  return { passed: true };
}
