import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionRegistry } from '../../src/functions/index.js';
import type { ArgShape, ResolvedAggregate } from '../../src/functions/registry.js';
import { Decimal } from '../../src/common/decimal.js';
import {
  BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING, arrayOf, decimalType, formatType, mapOf, structOf,
} from '../../src/common/types.js';
import { v } from './helpers.js';

/** Runs rows through an aggregate, round-tripping the state through JSON each step; returns each result. */
function run(agg: ResolvedAggregate, rows: unknown[][]): unknown[] {
  let state = agg.initialize();
  const out: unknown[] = [];
  for (const r of rows) {
    state = JSON.parse(JSON.stringify(agg.aggregate(state, r)));
    out.push(agg.result(state));
  }
  return out;
}

const agg = (name: string, args: ArgShape[]) => functionRegistry.resolveAggregate(name, args);

test('COUNT counts rows or non-null values and undoes', () => {
  const star = agg('COUNT', []);
  assert.equal(star.returnType.base, 'BIGINT');
  assert.deepEqual(run(star, [[], [], []]), [1, 2, 3]);
  const col = agg('count', [v(STRING)]);
  assert.deepEqual(run(col, [['a'], [null], ['b']]), [1, 1, 2]);
  assert.equal(col.result(col.undo!(2, ['a'])), 1);
  assert.equal(col.merge!(2, 3), 5);
  assert.equal(functionRegistry.kindOf('count'), 'AGGREGATE');
});

test('SUM keeps the input type; DECIMAL overflow fails (sum.json)', () => {
  assert.deepEqual(run(agg('SUM', [v(INTEGER, 2)]), [[2], [2]]), [2, 4]);
  assert.deepEqual(run(agg('SUM', [v(BIGINT)]), [[2147483648], [100], [null]]), [2147483648, 2147483748, 2147483748]);
  assert.deepEqual(run(agg('SUM', [v(BIGINT)]), [[9223372036854775807n], [1]]), [9223372036854775807n, -9223372036854775808n]);
  const d = run(agg('SUM', [v(DOUBLE)]), [[5.4], [100.1]]) as number[];
  assert.equal(d[1], 5.4 + 100.1);
  const dec = agg('SUM', [v(decimalType(4, 1))]);
  assert.equal(formatType(dec.returnType), 'DECIMAL(4, 1)');
  const vals = ['5.4', '100.1', '500.9', '300.8'].map((s) => [Decimal.parse(s)]);
  assert.deepEqual((run(dec, vals.slice(0, 2)) as Decimal[]).map(String), ['5.4', '105.5']);
  let st = dec.initialize();
  for (const r of vals) st = dec.aggregate(st, r);
  assert.equal(String(dec.result(st)), '907.2');
  assert.throws(() => dec.aggregate(st, [Decimal.parse('400.8')]), /overflow/);
  const sum = agg('SUM', [v(INTEGER)]);
  assert.equal(sum.result(sum.undo!(sum.aggregate(sum.initialize(), [5]), [5])), 0);
});

test('AVG returns DOUBLE without overflowing BIGINT sums (average-udaf.json)', () => {
  const a = agg('AVG', [v(BIGINT)]);
  assert.equal(a.returnType.base, 'DOUBLE');
  const out = run(a, [[2], [9223372036854775807n], [1], [null]]);
  assert.deepEqual(out.slice(2), [3.0744573456182584e18, 3.0744573456182584e18]);
  const i = agg('AVG', [v(INTEGER)]);
  assert.deepEqual(run(i, [[1], [2], [2]]), [1, 1.5, 1.6666666666666667]);
  assert.equal(i.result(i.initialize()), 0);
  const u = i.undo!(i.aggregate(i.aggregate(i.initialize(), [1]), [3]), [1]);
  assert.equal(i.result(u), 3);
});

test('MIN and MAX over comparable types', () => {
  assert.deepEqual(run(agg('MAX', [v(INTEGER)]), [[3], [null], [7], [5]]), [3, 3, 7, 7]);
  assert.deepEqual(run(agg('MIN', [v(STRING)]), [['b'], ['a'], ['c']]), ['b', 'a', 'a']);
  const dm = agg('MAX', [v(decimalType(5, 2))]);
  assert.equal(String(run(dm, [[Decimal.parse('1.50')], [Decimal.parse('10.25')]])[1]), '10.25');
  const bm = agg('MAX', [v(BIGINT)]);
  assert.deepEqual(run(bm, [[1], [2n ** 60n]]), [1, 2n ** 60n]);
  assert.equal(agg('MIN', [v(INTEGER)]).undo, undefined);
});

test('ATTR: one distinct value or null, nulls count as values (attr.json)', () => {
  const a = agg('ATTR', [v(STRING)]);
  assert.deepEqual(run(a, [['1'], [null], ['1']]), ['1', null, null]);
  assert.deepEqual(run(a, [['s'], ['s']]), ['s', 's']);
  const st = a.aggregate(a.aggregate(a.initialize(), ['x']), ['y']);
  assert.equal(a.result(a.undo!(st, ['y'])), 'x');
});

test('COLLECT_LIST and COLLECT_SET keep complex values and nulls (collect-list.json, collect-set.json)', () => {
  const st = structOf([{ name: 'A', type: STRING }, { name: 'M', type: mapOf(STRING, DOUBLE) }]);
  const l = agg('COLLECT_LIST', [v(st)]);
  assert.equal(formatType(l.returnType), 'ARRAY<STRUCT<`A` STRING, `M` MAP<STRING, DOUBLE>>>');
  const s1 = { A: 'x', M: new Map([['k', 1.5]]) };
  assert.deepEqual(run(l, [[s1], [null], [s1]]).at(-1), [s1, null, s1]);
  const s = agg('COLLECT_SET', [v(arrayOf(INTEGER))]);
  assert.deepEqual(run(s, [[[0, 1]], [[1, 2]], [[0, 1]], [null]]).at(-1), [[0, 1], [1, 2], null]);
  const ints = agg('COLLECT_LIST', [v(BIGINT)]);
  assert.deepEqual(run(ints, [[2147483648], [2n ** 62n], [1]]).at(-1), [2147483648, 2n ** 62n, 1]);
  const bytes = agg('COLLECT_SET', [v({ base: 'BYTES' })]);
  assert.deepEqual(run(bytes, [[Buffer.from('a')], [Buffer.from('a')]]).at(-1), [Buffer.from('a')]);
  const undone = ints.undo!(ints.aggregate(ints.aggregate(ints.initialize(), [1]), [2]), [1]);
  assert.deepEqual(ints.result(undone), [2]);
});

test('HISTOGRAM counts and undoes to zero (histogram.json)', () => {
  const h = agg('HISTOGRAM', [v(STRING)]);
  assert.equal(formatType(h.returnType), 'MAP<STRING, BIGINT>');
  assert.deepEqual(run(h, [['baz'], ['baz'], ['foo']]).at(-1), new Map([['baz', 2], ['foo', 1]]));
  const st = h.aggregate(h.aggregate(h.initialize(), ['alice']), ['bob']);
  assert.deepEqual(h.result(h.undo!(st, ['alice'])), new Map([['bob', 1]]));
});

test('COUNT_DISTINCT is exact for small groups and close for large ones', () => {
  const c = agg('COUNT_DISTINCT', [v(STRING)]);
  assert.deepEqual(run(c, [['a'], ['b'], ['a'], [null]]), [1, 2, 2, 2]);
  let st = c.initialize();
  for (let i = 0; i < 20000; i++) st = c.aggregate(st, [`v${i % 10000}`]);
  const est = c.result(JSON.parse(JSON.stringify(st))) as number;
  assert.ok(Math.abs(est - 10000) < 500, `estimate ${est}`);
});

test('EARLIEST_BY_OFFSET and LATEST_BY_OFFSET, single and n, nulls and merges (earliest/latest-offset-udaf.json)', () => {
  const e = agg('EARLIEST_BY_OFFSET', [v(INTEGER)]);
  assert.equal(e.returnType.base, 'INTEGER');
  assert.deepEqual(run(e, [[null], [1], [2]]), [null, 1, 1]);
  const en = agg('EARLIEST_BY_OFFSET', [v(INTEGER), v(INTEGER, 2), v(BOOLEAN, false)]);
  assert.equal(formatType(en.returnType), 'ARRAY<INTEGER>');
  assert.deepEqual(run(en, [[12, 2, false], [null, 2, false], [13, 2, false]]), [[12], [12, null], [12, null]]);
  const l = agg('LATEST_BY_OFFSET', [v(INTEGER), v(BOOLEAN, false)]);
  assert.deepEqual(run(l, [[1, false], [null, false]]), [1, null]);
  const ln = agg('LATEST_BY_OFFSET', [v(INTEGER), v(INTEGER, 2)]);
  assert.deepEqual(run(ln, [[1, 2], [null, 2], [2, 2], [3, 2]]), [[1], [1], [1, 2], [2, 3]]);
  // session merge: the earlier session's values come first
  const first = en.aggregate(en.initialize(), [null, 2, false]);
  const second = en.aggregate(en.initialize(), [1, 2, false]);
  assert.deepEqual(en.result(en.merge!(second, first)), [null, 1]);
  const latestMerged = ln.merge!(ln.aggregate(ln.initialize(), [5, 2]), ln.aggregate(ln.initialize(), [6, 2]));
  assert.deepEqual(ln.result(latestMerged), [5, 6]);
});

test('TOPK, TOPK with extra columns, TOPKDISTINCT (topk-group-by.json, topk-distinct.json)', () => {
  const t = agg('TOPK', [v(INTEGER), v(INTEGER, 3)]);
  assert.equal(formatType(t.returnType), 'ARRAY<INTEGER>');
  assert.deepEqual(run(t, [[0, 3], [100, 3], [99, 3], [null, 3], [100, 3]]).at(-1), [100, 100, 99]);
  const ts = agg('TOPK', [v(INTEGER), v(STRING), v(INTEGER, 3)]);
  assert.equal(formatType(ts.returnType), 'ARRAY<STRUCT<`sort_col` INTEGER, `col0` STRING>>');
  const rows = [[0, 'zero', 3], [100, 'one', 3], [99, 'two', 3], [null, 'three', 3], [100, null, 3]];
  assert.deepEqual(run(ts, rows).at(-1), [
    { sort_col: 100, col0: 'one' },
    { sort_col: 100, col0: null },
    { sort_col: 99, col0: 'two' },
  ]);
  const td = agg('TOPKDISTINCT', [v(BIGINT), v(INTEGER, 2)]);
  assert.deepEqual(run(td, [[5, 2], [5, 2], [3, 2], [9, 2]]).at(-1), [9, 5]);
  assert.throws(() => agg('TOPK', [v(INTEGER), v(INTEGER)]), /constant integer/);
});

test('STDDEV_SAMP (variance quirk), STDDEV_SAMPLE and CORRELATION (standarddeviation.json, correlation-udaf.json)', () => {
  const sv = agg('STDDEV_SAMP', [v(INTEGER)]);
  assert.deepEqual(run(sv, [[0], [10]]), [0, 50]);
  const sd = agg('STDDEV_SAMPLE', [v(INTEGER)]);
  assert.deepEqual(run(sd, [[0], [10]]), [0, 7.0710678118654755]);
  const st = sd.aggregate(sd.aggregate(sd.aggregate(sd.initialize(), [0]), [10]), [50]);
  assert.equal(sd.result(sd.undo!(st, [50])), 7.0710678118654755);
  const sdd = agg('STDDEV_SAMPLE', [v(DOUBLE)]);
  assert.deepEqual(run(sdd, [[10], [12], [13], [14], [16]]), [0, 1.4142135623730951, 1.5275252316519465, 1.707825127659933, 2.23606797749979]);
  const sdl = agg('STDDEV_SAMPLE', [v(BIGINT)]);
  assert.deepEqual(run(sdl, [[2147483648], [100], [-2], [null]]), [0, 1518500179.2773468, 1239850233.9629574, 1239850233.9629574]);
  const c = agg('CORRELATION', [v(DOUBLE), v(DOUBLE)]);
  let cs = c.aggregate(c.aggregate(c.initialize(), [1.5, 8]), [-3.5, -2]);
  assert.equal(c.result(cs), 1);
  cs = c.aggregate(c.aggregate(c.undo!(cs, [1.5, 8]), [-1, -2]), [-4.5, -1]);
  assert.equal(c.result(cs), -0.7205766921228921);
  assert.equal(run(c, [[1, 8], [-1, -2], [-4, -1]])[2], 0.7455284088780169);
  const out = run(c, [[1, 2], [2, 4]]);
  assert.ok(Number.isNaN(out[0]));
  assert.equal(out[1], 1);
  const ci = agg('CORRELATION', [v(INTEGER), v(INTEGER)]);
  assert.deepEqual(ci.paramTypes, [DOUBLE, DOUBLE]);
});

test('SUM_LIST sums array elements across rows (sum.json)', () => {
  const s = agg('SUM_LIST', [v(arrayOf(INTEGER))]);
  assert.equal(s.returnType.base, 'INTEGER');
  assert.deepEqual(run(s, [[[1, 1]], [[2, 2]], [[100, 100]], [[100, 100, null]]]), [2, 6, 206, 406]);
  const d = agg('SUM_LIST', [v(arrayOf(DOUBLE))]);
  assert.deepEqual(run(d, [[[1.5, 1]], [null]]), [2.5, 2.5]);
});

test('table functions EXPLODE and CUBE_EXPLODE (explode.json, cube.json)', () => {
  const e = functionRegistry.resolveTable('EXPLODE', [v(arrayOf(BIGINT))]);
  assert.equal(e.returnType.base, 'BIGINT');
  assert.deepEqual(e.invoke([1, 2, null]), [1, 2, null]);
  assert.deepEqual(e.invoke(null), []);
  const ed = functionRegistry.resolveTable('EXPLODE', [v(arrayOf(decimalType(20, 10)))]);
  assert.equal(formatType(ed.returnType), 'DECIMAL(20, 10)');
  assert.throws(() => functionRegistry.resolveTable('EXPLODE', [v(mapOf(STRING, INTEGER))]), {
    message:
      "Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\nValid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)",
  });
  const c = functionRegistry.resolveTable('CUBE_EXPLODE', [v(arrayOf(STRING))]);
  assert.equal(formatType(c.returnType), 'ARRAY<STRING>');
  assert.deepEqual(c.invoke(['one', 'two']), [[null, null], [null, 'two'], ['one', null], ['one', 'two']]);
  assert.deepEqual(c.invoke(['one', null]), [[null, null], ['one', null]]);
  assert.equal(functionRegistry.kindOf('explode'), 'TABLE');
});

test('function kinds are enforced', () => {
  assert.throws(() => functionRegistry.resolveScalar('SUM', [v(INTEGER)]), /aggregate/);
  assert.throws(() => functionRegistry.resolveAggregate('ABS', [v(INTEGER)]), /scalar/);
  const docs = functionRegistry.list();
  const kinds = new Set(docs.map((d) => d.kind));
  assert.deepEqual([...kinds].sort(), ['AGGREGATE', 'SCALAR', 'TABLE']);
  assert.equal(functionRegistry.describe('topk')!.kind, 'AGGREGATE');
});
