// Runs the runner itself on the small cases in ./cases against the real engine: a passing
// case must pass, a case with a deliberately wrong expectation must be reported failed with
// the mismatch, and an expected-error case must pass because the engine rejects it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from './loader.js';
import { buildReport, runCases } from './suite.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases');

test('the runner passes, fails and matches errors on its own cases', async () => {
  const loaded = loadCases([casesDir]);
  const results = await runCases(loaded.cases, { timeoutMs: 20_000 });
  const byName = new Map(loaded.cases.map((c, i) => [c.name.replace('runner-selftest - ', ''), results[i]!]));
  assert.deepEqual(byName.get('passing projection'), { passed: true, reason: undefined });
  const wrong = byName.get('deliberately wrong expected output')!;
  assert.equal(wrong.passed, false);
  assert.match(wrong.reason!, /output mismatch: topic OUTPUT record 1: value\.V: expected 999, got 1/);
  assert.equal(byName.get('expected error')!.passed, true, byName.get('expected error')!.reason);
  const report = buildReport(loaded, results, 0);
  assert.equal(report.total, 3);
  assert.equal(report.passed, 2);
  assert.equal(report.skipped, 2);
  assert.deepEqual(report.byFile['cases/runner-selftest.json'], { total: 3, passed: 2, failed: 1 });
});
