// Loading user-defined functions from an extension folder: what is loaded, what is skipped and
// why, how calls reach the user's code (variadic groups, init arguments, configuration), and
// the guards around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionsFor } from '../../src/functions/extensions/index.js';
import { BIGINT, INTEGER, STRING, arrayOf } from '../../src/common/types.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-ext-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const v = (type: typeof INTEGER, literal?: unknown) => ({ kind: 'value' as const, type, ...(literal !== undefined ? { literal } : {}) });

test('JavaScript and TypeScript modules load; broken ones are skipped with the file and the reason', async () => {
  const dir = folder({
    'a.mjs': `export default [{ kind: 'scalar', name: 'twice', overloads: [{ signature: '(x INT) INT', invoke: (x) => x * 2 }] }];`,
    'b.ts': `import type { TableFunction } from 'eddy/udf';\nexport const t: TableFunction = { kind: 'table', name: 'upto', overloads: [{ signature: '(n INT) INT', invoke: (n: number) => Array.from({ length: n }, (_, i) => i) }] };`,
    'broken.mjs': `export default { kind: 'scalar', name: 'oops', overloads: [{ signature: '(x INT) INT' }] };`,
    'syntax.mjs': `export default {`,
    'clash.mjs': `export default { kind: 'scalar', name: 'ucase', overloads: [{ signature: '(x STRING) STRING', invoke: (x) => x }] };`,
    'notes.txt': 'not a module',
  });
  try {
    const warnings: string[] = [];
    const lib = await functionsFor({ 'ksql.extension.dir': dir }, (w) => warnings.push(w));
    assert.equal(lib.resolveScalar('TWICE', [v(INTEGER)]).invoke(21), 42);
    assert.deepEqual(lib.resolveTable('upto', [v(INTEGER)]).invoke(3), [0, 1, 2]);
    assert.equal(lib.describe('twice')!.path, join(dir, 'a.mjs'));
    assert.equal(lib.describe('ucase')!.path, 'internal');
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(warnings.find((w) => w.includes('broken.mjs'))!, /function oops\(x INT\) INT: needs invoke or create/);
    assert.match(warnings.find((w) => w.includes('syntax.mjs'))!, /could not be loaded/);
    assert.match(warnings.find((w) => w.includes('clash.mjs'))!, /UCASE is already defined .*give it another name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('variadic arguments arrive as one array in any position; configuration reaches create', async () => {
  const dir = folder({
    'f.mjs': `
      export const joinAround = { kind: 'scalar', name: 'join_around', overloads: [
        { signature: '(first STRING, middle STRING..., last STRING) STRING',
          create: ({ config, argTypes }) => (first, middle, last) =>
            [first, ...middle, last].join(config['ksql.functions.join_around.sep'] ?? ',') + ':' + argTypes.length } ] };
      export const promised = { kind: 'scalar', name: 'promised', overloads: [{ signature: '() INT', invoke: async () => 1 }] };`,
  });
  try {
    const lib = await functionsFor({ 'ksql.extension.dir': dir, 'ksql.functions.join_around.sep': '-' }, () => undefined);
    const call = lib.resolveScalar('join_around', [v(STRING), v(STRING), v(STRING), v(STRING)]);
    assert.equal(call.invoke('a', 'b', 'c', 'd'), 'a-b-c-d:4');
    assert.equal(lib.resolveScalar('join_around', [v(STRING), v(STRING)]).invoke('a', 'z'), 'a-z:2');
    assert.throws(() => lib.resolveScalar('promised', []).invoke(), /returned a Promise/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an aggregate gets its literal init arguments, column arguments per row, and its own copy of the state', async () => {
  const dir = folder({
    'agg.mjs': `
      export default { kind: 'aggregate', name: 'collect_upto', overloads: [{
        signature: '(x BIGINT) ARRAY<BIGINT>', initArgs: '(n INT)',
        create: (_ctx, n) => ({
          initialize: () => [],
          aggregate: (list, x) => { list.push(x); return list.slice(-n); },
          undo: (list, x) => { const i = list.indexOf(x); if (i >= 0) list.splice(i, 1); return list; },
          map: (list) => [...list].sort((a, b) => (a < b ? -1 : 1)),
        }) }] };`,
  });
  try {
    const lib = await functionsFor({ 'ksql.extension.dir': dir }, () => undefined);
    const agg = lib.resolveAggregate('COLLECT_UPTO', [v(BIGINT), v(INTEGER, 2)]);
    assert.deepEqual(agg.returnType, arrayOf(BIGINT));
    const s0 = agg.initialize();
    const s1 = agg.aggregate(s0, [5, 2]);
    const s2 = agg.aggregate(s1, [9007199254740993n, 2]);
    const s3 = agg.aggregate(s2, [1, 2]);
    assert.deepEqual(agg.result(s1), [5], 'an earlier state is not changed by later calls');
    assert.deepEqual(agg.result(s3), [1, 9007199254740993n]);
    assert.deepEqual(agg.result(agg.undo!(s3, [1, 2])), [9007199254740993n]);
    assert.throws(() => lib.resolveAggregate('COLLECT_UPTO', [v(BIGINT), v(INTEGER)]), /takes literals after its column arguments/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no extension folder configured: the built-in library, shared', async () => {
  const a = await functionsFor({});
  const b = await functionsFor({ 'ksql.extension.dir': '' });
  assert.equal(a, b);
  assert.equal(a.kindOf('TEST_UDF'), undefined);
});
