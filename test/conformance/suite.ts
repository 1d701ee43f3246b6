// Runs a list of cases with a per-case timeout and builds the report. Cases run in a worker
// thread; when one exceeds its time the worker is terminated and a fresh one continues.

import { Worker } from 'node:worker_threads';
import type { LoadResult, TestCase } from './loader.js';
import { EMULATED_KSQL_VERSION } from './loader.js';
import { errorMessage, runQttCase, type CaseResult } from './case-runner.js';
import { runRestCase } from './rest-runner.js';
import { LosslessNumber } from '../../src/serde/json-parse.js';

const LOSSLESS_TAG = '__losslessNumber';

/**
 * Structured cloning (postMessage) drops class prototypes, so the exact numbers of a case
 * (LosslessNumber) are tagged before they go to a worker and revived there.
 */
export function tagLossless(v: unknown): unknown {
  if (v instanceof LosslessNumber) return { [LOSSLESS_TAG]: v.text };
  if (Array.isArray(v)) return v.map(tagLossless);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = tagLossless(x);
    return o;
  }
  return v;
}

export function reviveLossless(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reviveLossless);
  if (v && typeof v === 'object') {
    const tagged = (v as Record<string, unknown>)[LOSSLESS_TAG];
    if (typeof tagged === 'string' && Object.keys(v).length === 1) return new LosslessNumber(tagged);
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = reviveLossless(x);
    return o;
  }
  return v;
}

export interface Failure {
  file: string;
  name: string;
  reason: string;
}

export interface Report {
  total: number;
  passed: number;
  failed: number;
  byFile: Record<string, { total: number; passed: number; failed: number }>;
  failures: Failure[];
  /** Failure reasons with identifiers and numbers blanked, most frequent first. */
  failureGroups: { reason: string; count: number }[];
  skipped: number;
  note: string;
  durationMs: number;
}

export async function runOneCase(tc: TestCase): Promise<CaseResult> {
  try {
    return tc.rest ? await runRestCase(tc) : await runQttCase(tc);
  } catch (e) {
    return { passed: false, reason: `runner error: ${errorMessage(e)}` };
  }
}

export interface SuiteOptions {
  timeoutMs?: number;
  onResult?: (tc: TestCase, r: CaseResult) => void;
}

const STARTUP_TIMEOUT_MS = 120_000;

export async function runCases(cases: TestCase[], options: SuiteOptions = {}): Promise<CaseResult[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  while (next < cases.length) {
    next = await runInWorker(cases, next, timeoutMs, results, options.onResult);
  }
  return results;
}

/** Runs cases from `start` in one worker until done or a case times out; returns where to resume. */
function runInWorker(
  cases: TestCase[],
  start: number,
  timeoutMs: number,
  results: CaseResult[],
  onResult?: (tc: TestCase, r: CaseResult) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const worker = startWorker();
    let current = start;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (resumeAt: number) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      clearTimeout(startup);
      void worker.terminate();
      resolve(resumeAt);
    };
    const record = (index: number, r: CaseResult) => {
      results[index] = r;
      onResult?.(cases[index]!, r);
    };
    const send = () => {
      if (current >= cases.length) return finish(current);
      const index = current;
      timer = setTimeout(() => {
        record(index, { passed: false, reason: `timeout: case did not finish within ${timeoutMs} ms` });
        finish(index + 1);
      }, timeoutMs);
      worker.postMessage({ index, testCase: tagLossless(cases[index]) });
    };
    const startup = setTimeout(() => {
      record(current, { passed: false, reason: `runner worker did not start within ${STARTUP_TIMEOUT_MS} ms` });
      finish(current + 1);
    }, STARTUP_TIMEOUT_MS);
    worker.on('message', (msg: ({ index: number } & CaseResult) | { ready: true }) => {
      if (finished) return;
      if ('ready' in msg) {
        clearTimeout(startup);
        return send();
      }
      if (timer) clearTimeout(timer);
      record(msg.index, { passed: msg.passed, reason: msg.reason });
      current = msg.index + 1;
      send();
    });
    worker.on('error', (e) => {
      if (finished) return;
      record(current, { passed: false, reason: `runner crashed: ${errorMessage(e)}` });
      finish(current + 1);
    });
    worker.on('exit', () => {
      if (finished) return;
      record(current, { passed: false, reason: 'runner worker exited unexpectedly' });
      finish(current + 1);
    });
  });
}

/** A worker running worker.ts; TypeScript loading is registered inside the thread first. */
function startWorker(): Worker {
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, execArgv: [] });
}

export function groupReason(reason: string): string {
  return reason
    .split('\n')[0]!
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, 'X')
    .replace(/\d+/g, 'N')
    .slice(0, 100);
}

export function buildReport(loaded: LoadResult, results: CaseResult[], durationMs: number): Report {
  const byFile: Report['byFile'] = {};
  const failures: Failure[] = [];
  const bump = (file: string, ok: boolean) => {
    const f = (byFile[file] ??= { total: 0, passed: 0, failed: 0 });
    f.total++;
    if (ok) f.passed++;
    else f.failed++;
  };
  loaded.cases.forEach((tc, i) => {
    const r = results[i] ?? { passed: false, reason: 'not run' };
    bump(tc.file, r.passed);
    if (!r.passed) failures.push({ file: tc.file, name: tc.name, reason: r.reason ?? 'failed' });
  });
  for (const e of loaded.errors) {
    bump(e.file, false);
    failures.push(e);
  }
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(groupReason(f.reason), (counts.get(groupReason(f.reason)) ?? 0) + 1);
  const passed = results.filter((r) => r?.passed).length;
  const total = loaded.cases.length + loaded.errors.length;
  return {
    total,
    passed,
    failed: total - passed,
    byFile,
    failures,
    failureGroups: [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    skipped: loaded.skipped.length,
    note:
      `Cases with enabled:false or a versions range excluding ksqlDB ${EMULATED_KSQL_VERSION} (the version Eddy emulates) ` +
      `are skipped and not counted in total (skipped: ${loaded.skipped.length}). Every other case counts, including ` +
      'cases for features not built yet, which fail.',
    durationMs,
  };
}
