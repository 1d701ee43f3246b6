// A query's step graph from its EXPLAIN: the execution plan text (src/plan/explain.ts, in
// ksqlDB's shape) has one line per step, each input one level (two tabs) deeper than the
// step that reads it. The console draws the tree and puts the sampler's rates on the steps
// that have one: the sources (their topic's append rate), the sink (the query's output rate).

import { KsqlError } from '../../common/errors.js';
import { errorMessage, type ConsoleBackend } from './backend.js';
import type { Sampler } from './sampler.js';
import { recentLogEntries, type LogEntry } from './processing-log.js';

export interface GraphStep {
  /** The step's processing-log name without the query id (e.g. `WhereFilter`), else its position. */
  id: string;
  label: string;
  details: string[];
  schema: string;
  /** Index of the step that reads this one; -1 for the root (the sink). */
  parent: number;
  depth: number;
  /** The topic a SOURCE or SINK step reads or writes. */
  topic?: string;
  /** Records a second through this step, where the sampler knows it. */
  rate?: number | null;
}

export function parseExecutionPlan(plan: string): GraphStep[] {
  const steps: GraphStep[] = [];
  const openAt: number[] = [];
  for (const line of plan.split('\n')) {
    const m = /^(\t*) > \[ ([A-Z_]+) \] \| (.*)$/.exec(line);
    if (!m) continue;
    const depth = Math.floor(m[1]!.length / 2);
    const parts = m[3]!.split(' | ');
    const details: string[] = [];
    let schema = '';
    let logger = '';
    for (const p of parts) {
      if (p.startsWith('Schema: ')) schema = p.slice('Schema: '.length);
      else if (p.startsWith('Logger: ')) logger = p.slice('Logger: '.length);
      else details.push(p);
    }
    const topic = /topic '([^']*)'/.exec(details.join(' '))?.[1];
    openAt[depth] = steps.length;
    steps.push({
      id: logger.includes('.') ? logger.slice(logger.indexOf('.') + 1) : logger || String(steps.length),
      label: m[2]!,
      details,
      schema,
      parent: depth === 0 ? -1 : (openAt[depth - 1] ?? -1),
      depth,
      ...(topic !== undefined ? { topic } : {}),
    });
  }
  return steps;
}

export interface QueryDetail {
  id: string;
  state: string | null;
  statementText: string;
  sources: string[];
  sinks: string[];
  queryErrors: unknown[];
  topology: string;
  steps: GraphStep[];
  rates: { in: number | null; out: number | null; lag: number | null };
  /** The engine's own counters (EXPLAIN's catchUp): records processed, behind, and its rate. */
  catchUp?: { processed: number; behind: number; recordsPerSecond: number };
  /** The newest processing-log entries of this query (records it could not read, compute or write). */
  recentErrors: LogEntry[];
}

const RECENT_ERRORS = 5;

export async function queryDetail(backend: ConsoleBackend, sampler: Sampler, id: string): Promise<QueryDetail> {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new KsqlError(`Not a query id: '${id}' (see SHOW QUERIES)`, 40000);
  let described: Record<string, unknown>;
  try {
    described = (await backend.statement(`EXPLAIN ${id};`)).queryDescription as Record<string, unknown>;
  } catch (err) {
    throw new KsqlError(errorMessage(err), 40400);
  }
  const rates = sampler.latest(id);
  const steps = parseExecutionPlan(String(described.executionPlan ?? '')).map((s) => {
    if (s.label === 'SOURCE' && s.topic !== undefined) return { ...s, rate: rates.sourceRates[s.topic] ?? null };
    if (s.label === 'SINK') return { ...s, rate: rates.out };
    return s;
  });
  return {
    id,
    state: (described.state as string | null) ?? null,
    statementText: String(described.statementText ?? ''),
    sources: (described.sources as string[]) ?? [],
    sinks: (described.sinks as string[]) ?? [],
    queryErrors: (described.queryErrors as unknown[]) ?? [],
    topology: String(described.topology ?? ''),
    steps,
    rates: { in: rates.in, out: rates.out, lag: rates.lag },
    recentErrors: (await recentLogEntries(backend).catch(() => [])).filter((e) => e.logger.includes(id)).slice(-RECENT_ERRORS),
    ...(described.catchUp ? { catchUp: described.catchUp as QueryDetail['catchUp'] } : {}),
  };
}
