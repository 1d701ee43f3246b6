// Loads ksqlDB query-validation test files and expands them into runnable cases (spec §10):
// `//` comment lines are stripped, `format` and `config` lists become one case per entry
// (cross product), and cases that are disabled or outside our version range are set aside.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseJson } from '../../src/serde/json-parse.js';

/**
 * The ksqlDB version Eddy answers to when a case declares `versions: {min, max}`: the latest
 * 7.x line. Cases whose range excludes it are skipped (not counted).
 */
export const EMULATED_KSQL_VERSION = '7.9.0';

export interface RecordSpec {
  topic: string;
  key?: unknown;
  value?: unknown;
  timestamp?: number;
  window?: { start: number; end: number; type: 'time' | 'session' };
  headers?: { KEY: string; VALUE: string | null }[];
}

export interface TopicSpecJson {
  name: string;
  partitions?: number;
  replicas?: number;
  keyFormat?: string;
  valueFormat?: string;
  [k: string]: unknown;
}

export interface ExpectedException {
  type?: string;
  message?: string;
  /** Run-time failures (StreamsException): the message of the exception's cause. */
  causeMessage?: string;
}

export interface CaseJson {
  name: string;
  statements: string[];
  inputs?: RecordSpec[];
  outputs?: RecordSpec[];
  topics?: TopicSpecJson[];
  properties?: Record<string, unknown>;
  format?: string[];
  config?: string[];
  expectedException?: ExpectedException;
  post?: PostConditions;
  versions?: { min?: string; max?: string };
  enabled?: boolean;
  // REST cases
  responses?: Record<string, unknown>[];
  expectedError?: { type?: string; message?: string; status?: number };
  inputConditions?: unknown;
  testPullWithProtoFormat?: boolean;
  outputConditions?: unknown;
}

export interface PostConditions {
  sources?: {
    name: string;
    type: string;
    schema?: string;
    keyFormat?: { format: string; windowType?: string; windowSize?: number };
    valueFormat?: string;
    keyFeatures?: string[];
    valueFeatures?: string[];
    isSource?: boolean;
  }[];
  topics?: { blacklist?: string; topics?: { name: string; partitions?: number; keyFormat?: { format: string }; valueFormat?: { format: string } }[] };
}

/** One runnable case after expansion. Plain data, so it can cross to a worker thread. */
export interface TestCase {
  /** Path relative to the run root, e.g. query-validation-tests/json.json */
  file: string;
  /** `<file without .json> - <name>[ - FMT][ - k=v]` */
  name: string;
  rest: boolean;
  spec: CaseJson;
}

export interface LoadResult {
  cases: TestCase[];
  skipped: { file: string; name: string; reason: string }[];
  errors: { file: string; name: string; reason: string }[];
}

export function stripComments(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.trimStart().startsWith('//') ? '' : l))
    .join('\n');
}

/** Every *.json file under the paths (files or directories), skipping historical_plans. */
export function listCaseFiles(paths: string[]): { root: string; file: string }[] {
  const out: { root: string; file: string }[] = [];
  for (const p of paths) {
    if (statSync(p).isFile()) {
      out.push({ root: join(p, '..'), file: p });
      continue;
    }
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir).sort()) {
        if (entry === 'historical_plans') continue;
        const full = join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (entry.endsWith('.json')) out.push({ root: join(p, '..'), file: full });
      }
    };
    walk(p);
  }
  return out;
}

export function loadCases(paths: string[], filter?: RegExp): LoadResult {
  const result: LoadResult = { cases: [], skipped: [], errors: [] };
  for (const { root, file } of listCaseFiles(paths)) {
    const rel = file.startsWith(root) ? file.slice(root.length).replace(/^[/\\]/, '') : file;
    const rest = /rest-query-validation-tests/.test(file);
    let doc: { tests?: CaseJson[] };
    try {
      doc = parseJson(stripComments(readFileSync(file, 'utf8'))) as { tests?: CaseJson[] };
    } catch (e) {
      result.errors.push({ file: rel, name: basename(file), reason: `cannot parse file: ${(e as Error).message}` });
      continue;
    }
    for (const spec of doc.tests ?? []) {
      const stem = basename(file, '.json');
      for (const expanded of expandCase(spec)) {
        const name = `${stem} - ${expanded.name}`;
        if (filter && !filter.test(name)) continue;
        if (spec.enabled === false) {
          result.skipped.push({ file: rel, name, reason: 'enabled: false' });
          continue;
        }
        if (!versionInRange(spec.versions)) {
          result.skipped.push({ file: rel, name, reason: `versions ${JSON.stringify(spec.versions)} exclude ${EMULATED_KSQL_VERSION}` });
          continue;
        }
        if (expanded.error) {
          result.errors.push({ file: rel, name, reason: expanded.error });
          continue;
        }
        result.cases.push({ file: rel, name, rest, spec: expanded.spec });
      }
    }
  }
  return result;
}

interface Expanded {
  name: string;
  spec: CaseJson;
  error?: string;
}

/** format × config expansion with `{FORMAT}` / `{CONFIG}` substitution. */
export function expandCase(spec: CaseJson): Expanded[] {
  const usesFormat = spec.statements.some((s) => s.includes('{FORMAT}'));
  const formats: (string | undefined)[] = spec.format && spec.format.length > 0 ? spec.format : [undefined];
  const configs: (string | undefined)[] = spec.config && spec.config.length > 0 ? spec.config : [undefined];
  const out: Expanded[] = [];
  for (const fmt of formats) {
    for (const cfg of configs) {
      let name = spec.name;
      let error: string | undefined;
      let statements = spec.statements;
      let properties = spec.properties;
      if (fmt !== undefined) {
        statements = statements.map((s) => s.split('{FORMAT}').join(fmt));
        name += ` - ${fmt}`;
      } else if (usesFormat) {
        error = 'statements use {FORMAT} but the case has no format list';
      }
      if (cfg !== undefined) {
        const entries = Object.entries(properties ?? {}).filter(([, v]) => v === '{CONFIG}');
        if (entries.length !== 1) {
          error = `config needs exactly one property set to {CONFIG}, found ${entries.length}`;
        } else {
          const [prop] = entries[0]!;
          properties = { ...properties, [prop]: cfg };
          name += ` - ${prop}=${cfg}`;
        }
      }
      out.push({ name, spec: { ...spec, statements, properties }, error });
    }
  }
  return out;
}

function parseVersion(v: string): number[] {
  return v.split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
}

function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function versionInRange(versions: CaseJson['versions'], version = EMULATED_KSQL_VERSION): boolean {
  if (!versions) return true;
  if (versions.min && compareVersions(version, versions.min) < 0) return false;
  if (versions.max && compareVersions(version, versions.max) > 0) return false;
  return true;
}
