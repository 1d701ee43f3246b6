import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandCase, loadCases, stripComments, versionInRange, type CaseJson } from './loader.js';
import { canonicalSchema } from './schema-text.js';
import { groupReason } from './suite.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases');

test('format × config expansion substitutes and names the cases', () => {
  const spec: CaseJson = {
    name: 'c',
    format: ['JSON', 'AVRO'],
    config: ['true', 'false'],
    properties: { 'a.b': '{CONFIG}', other: 'x' },
    statements: ["CREATE STREAM S (A INT) WITH (value_format='{FORMAT}');"],
  };
  const out = expandCase(spec);
  assert.deepEqual(out.map((c) => c.name), ['c - JSON - a.b=true', 'c - JSON - a.b=false', 'c - AVRO - a.b=true', 'c - AVRO - a.b=false']);
  assert.equal(out[2]!.spec.statements[0], "CREATE STREAM S (A INT) WITH (value_format='AVRO');");
  assert.deepEqual(out[1]!.spec.properties, { 'a.b': 'false', other: 'x' });
  assert.match(expandCase({ name: 'x', statements: ['{FORMAT}'] })[0]!.error!, /no format list/);
  assert.match(expandCase({ name: 'x', statements: ['s'], config: ['1'] })[0]!.error!, /exactly one property/);
});

test('comments are stripped, disabled cases skipped and not counted', () => {
  assert.equal(stripComments('{\n  // note\n "a": 1}'), '{\n\n "a": 1}');
  const loaded = loadCases([casesDir]);
  assert.deepEqual(loaded.cases.map((c) => c.name), [
    'runner-selftest - passing projection',
    'runner-selftest - deliberately wrong expected output',
    'runner-selftest - expected error',
  ]);
  assert.equal(loaded.skipped.length, 2);
  assert.equal(loaded.cases[0]!.file, 'cases/runner-selftest.json');
  assert.equal(loadCases([casesDir], /wrong/).cases.length, 1);
});

test('versions ranges against the emulated 7.x version', () => {
  assert.equal(versionInRange({ min: '7.2.0' }), true);
  assert.equal(versionInRange({ max: '6.1.0' }), false);
  assert.equal(versionInRange({ min: '8.0.0' }), false);
  assert.equal(versionInRange(undefined), true);
});

test('post schema texts become canonical', () => {
  assert.equal(canonicalSchema('K STRING KEY, foo INT'), '`K` STRING KEY, `FOO` INTEGER');
  assert.equal(
    canonicalSchema('`id` BIGINT PRIMARY KEY, M MAP<STRING, ARRAY<DECIMAL(4,2)>>, S STRUCT<a VARCHAR, `b` INT>'),
    '`id` BIGINT KEY, `M` MAP<STRING, ARRAY<DECIMAL(4, 2)>>, `S` STRUCT<`A` STRING, `b` INTEGER>',
  );
});

test('failure reasons group without identifiers and numbers', () => {
  assert.equal(groupReason("statement 2 failed: Column 'X' cannot be resolved.\nmore"), 'statement N failed: Column X cannot be resolved.');
});
