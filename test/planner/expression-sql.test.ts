// Expressions written as SQL text (parsed with the real parser) over rows described by a
// schema string, following the ksqlDB query-validation cases for operators, IN, CASE, CAST,
// DECIMAL, dates and constructors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, parseTableElements } from '../../src/parser/index.js';
import { compileExpression, ExpressionError, sqlTypeOf } from '../../src/planner/expressions/index.js';
import type { ExpressionScope } from '../../src/planner/expressions/index.js';
import { functionRegistry } from '../../src/functions/index.js';
import { Decimal } from '../../src/common/decimal.js';
import { formatType } from '../../src/common/types.js';
import type { SqlType } from '../../src/common/types.js';

function scopeOf(schema: string): { scope: ExpressionScope; names: string[] } {
  const cols = parseTableElements(schema).map((e) => ({ name: e.name, type: sqlTypeOf(e.type) }));
  return {
    names: cols.map((c) => c.name),
    scope: {
      resolveColumn(ref) {
        const i = cols.findIndex((c) => c.name === ref.name);
        return i < 0 ? undefined : { index: i, type: cols[i]!.type };
      },
    },
  };
}

/** Plain JS view of a value for deepEqual: Decimals as their text, Maps as objects. */
function plain(v: unknown): unknown {
  if (v instanceof Decimal) return `D:${v.toString()}`;
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

interface Case {
  schema: string;
  expr: string;
  type?: string;
  rows?: [Record<string, unknown>, unknown][];
  error?: string | RegExp;
  logs?: number;
}

function check(c: Case): void {
  const { scope, names } = scopeOf(c.schema);
  const errors: string[] = [];
  const ctx = { functions: functionRegistry, onError: (m: string) => errors.push(m) };
  const ast = parseExpression(c.expr);
  if (c.error !== undefined) {
    assert.throws(
      () => compileExpression(ast, scope, ctx),
      (e: unknown) => {
        assert.ok(e instanceof ExpressionError, `${c.expr}: expected ExpressionError, got ${String(e)}`);
        if (typeof c.error === 'string') assert.equal(e.message, c.error, c.expr);
        else assert.match(e.message, c.error!, c.expr);
        return true;
      },
    );
    return;
  }
  const compiled = compileExpression(ast, scope, ctx);
  if (c.type !== undefined) assert.equal(compiled.type === null ? 'NULL' : formatType(compiled.type as SqlType), c.type, c.expr);
  for (const [values, expected] of c.rows ?? []) {
    const row = names.map((n) => (n in values ? values[n] : null));
    assert.deepEqual(plain(compiled.evaluate(row)), plain(expected), `${c.expr} with ${JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
  assert.equal(errors.length, c.logs ?? 0, `${c.expr}: processing errors ${JSON.stringify(errors)}`);
}

const D = (s: string) => Decimal.parse(s);

test('arithmetic (binary-arithmetic, operators, decimal)', () => {
  const s = 'COL0 INT, COL1 BIGINT, COL2 DOUBLE';
  check({ schema: s, expr: 'col0+col1', type: 'BIGINT', rows: [[{ COL0: 6, COL1: 25 }, 31]] });
  check({ schema: s, expr: 'col2+10', type: 'DOUBLE', rows: [[{ COL2: 3.21 }, 13.21]] });
  check({ schema: s, expr: '12*4+2', type: 'INTEGER', rows: [[{}, 50]] });
  check({ schema: s, expr: '2 * 3 - 4', rows: [[{}, 2]] });
  check({ schema: s, expr: '6 / 3 - 4', rows: [[{}, -2]] });
  check({ schema: s, expr: '10 - 2 + 5', rows: [[{}, 13]] });
  check({ schema: s, expr: 'NOT 4 > 11', rows: [[{}, true]] });
  check({ schema: s, expr: 'NOT false AND NOT false', rows: [[{}, true]] });
  check({ schema: s, expr: "1 BETWEEN 0 AND 2 AND 'b' BETWEEN 'a' AND 'c'", rows: [[{}, true]] });
  check({ schema: s, expr: "'this' LIKE '%hi%' AND true", rows: [[{}, true]] });
  check({ schema: s, expr: 'true OR false AND true', rows: [[{}, true]] });
  const d = 'A DECIMAL(4,2), B DECIMAL(4,2), I INT';
  check({ schema: d, expr: 'a + b', type: 'DECIMAL(5, 2)', rows: [[{ A: D('10.01'), B: D('5.10') }, D('15.11')]] });
  check({ schema: d, expr: 'a + i', type: 'DECIMAL(13, 2)', rows: [[{ A: D('10.01'), I: -5 }, D('5.01')]] });
  check({ schema: d, expr: 'a - b', rows: [[{ A: D('10.10'), B: D('5.10') }, D('5.00')]] });
  check({ schema: d, expr: 'a / b', rows: [[{ A: D('10.10'), B: D('-2.00') }, D('-5.0500000')], [{ A: D('10.10'), B: D('0.00') }, null]], logs: 1 });
  check({ schema: d, expr: 'a % b', rows: [[{ A: D('10.10'), B: D('-2.00') }, D('0.10')], [{ A: D('10.10'), B: D('0.00') }, null]], logs: 1 });
  check({ schema: d, expr: '-a', rows: [[{ A: D('10.12') }, D('-10.12')]] });
  check({ schema: d, expr: 'a < 0.08 AND a > -0.08', rows: [[{ A: D('0.05') }, true], [{ A: D('0.10') }, false]] });
  check({ schema: s, expr: 'TRUE + 1.5', error: 'Error processing expression: (true + 1.5). Unsupported arithmetic types. BOOLEAN DECIMAL' });
});

test('literals (literals.json)', () => {
  check({ schema: 'X INT', expr: '-00002147483647', type: 'INTEGER', rows: [[{}, -2147483647]] });
  check({ schema: 'X INT', expr: '000009223372036854775807', type: 'BIGINT', rows: [[{}, 9223372036854775807n]] });
  check({ schema: 'X INT', expr: '-4.9E-324', type: 'DOUBLE', rows: [[{}, -4.9e-324]] });
  check({ schema: 'X INT', expr: '2.345', type: 'DECIMAL(4, 3)', rows: [[{}, D('2.345')]] });
});

test('comparisons (binary-comparison, comparison-expression)', () => {
  const s = 'A INT, B BOOLEAN, C BIGINT, D DOUBLE, E DECIMAL(4,3), F STRING, G ARRAY<INT>, H MAP<STRING, INT>, I STRUCT<ID INT>';
  const hit = { A: 1, B: true, C: 11, D: 1.1, E: D('1.200'), F: 'foo', G: [1, 2], H: new Map([['a', 1]]), I: { ID: 2 } };
  const miss = { A: 2, B: false, C: 10, D: 1.0, E: D('1.210'), F: 'Foo', G: [1], H: new Map([['b', 1]]), I: { ID: 3 } };
  for (const e of ['A = 1', 'B = true', 'C = 11', 'D = 1.1', 'E = 1.20', "F = 'foo'", 'G = ARRAY[1,2]', "H = MAP('a':=1)", 'I = STRUCT(ID:=2)']) {
    check({ schema: s, expr: e, type: 'BOOLEAN', rows: [[hit, true], [miss, false], [{}, false]] });
    check({ schema: s, expr: e.replace('=', 'IS DISTINCT FROM'), rows: [[hit, false], [miss, true], [{}, true]] });
    check({ schema: s, expr: e.replace('=', '<>'), rows: [[hit, false], [miss, true], [{}, false]] });
  }
  check({ schema: s, expr: "E < 1.20 OR F < 'foo'", rows: [[miss, true]] });
  check({ schema: 'B ARRAY<INT>, C ARRAY<INT>', expr: 'B < C', error: 'Cannot compare B (ARRAY<INTEGER>) to C (ARRAY<INTEGER>) with LESS_THAN.' });
  check({ schema: 'B MAP<STRING, INT>, C MAP<STRING, INT>', expr: 'B < C', error: 'Cannot compare B (MAP<STRING, INTEGER>) to C (MAP<STRING, INTEGER>) with LESS_THAN.' });
  check({ schema: 'B STRUCT<ID INT>, C STRUCT<ID INT>', expr: 'B < C', error: 'Cannot compare B (STRUCT<`ID` INTEGER>) to C (STRUCT<`ID` INTEGER>) with LESS_THAN.' });
  check({ schema: 'B ARRAY<STRUCT<ID INT>>, C ARRAY<STRUCT<ID INT>>', expr: 'B = C', rows: [[{ B: [{ ID: 1 }], C: [{ ID: 1 }] }, true]] });
  check({ schema: 'ID INT', expr: "ID >= 'not an int'", error: "Cannot compare ID (INTEGER) to 'not an int' (STRING) with GREATER_THAN_OR_EQUAL." });
  check({ schema: 'V BIGINT', expr: "V > '100'", error: "Cannot compare V (BIGINT) to '100' (STRING) with GREATER_THAN." });
  check({ schema: 'ID INT', expr: 'ID = NULL', error: 'Comparison with NULL not supported' });
});

test('pseudo time columns and temporal types compare with strings (magic-timestamp-conversion, date, time)', () => {
  const s = 'ROWTIME BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT, X BIGINT';
  check({ schema: s, expr: "ROWTIME>'2018-01-01T00:00:00.001'", rows: [[{ ROWTIME: 1514764800001 }, false], [{ ROWTIME: 1514764800002 }, true]] });
  check({ schema: s, expr: "ROWTIME >= '2018'", rows: [[{ ROWTIME: 1514764800000 }, true], [{ ROWTIME: 1514764799999 }, false]] });
  check({
    schema: s,
    expr: "'2020-02-10T08:31:44.001+0000' <= WINDOWSTART AND WINDOWEND <= '2020-02-10T08:31:45.001+0000'",
    rows: [[{ WINDOWSTART: 1581323504001, WINDOWEND: 1581323505001 }, true], [{ WINDOWSTART: 1581323504000, WINDOWEND: 1581323505001 }, false]],
  });
  check({ schema: s, expr: "ROWTIME BETWEEN '2018-01-01T00:00:00.001' AND '2018-01-01T00:00:01'", rows: [[{ ROWTIME: 1514764801000 }, true]] });
  check({ schema: s, expr: "X > '2018'", error: "Cannot compare X (BIGINT) to '2018' (STRING) with GREATER_THAN." });
  check({ schema: 'A TIMESTAMP', expr: "A > '1970-01-01T00:00:00.010'", rows: [[{ A: 10 }, false], [{ A: 11 }, true], [{}, false]] });
  check({ schema: 'A DATE', expr: "A = '1970-01-11'", rows: [[{ A: 10 }, true], [{ A: 11 }, false]] });
  check({ schema: 'A DATE', expr: "A BETWEEN '1970-01-04' AND '1970-01-10'", rows: [[{ A: 1 }, false], [{ A: 6 }, true], [{ A: 12 }, false]] });
  check({ schema: 'T TIME', expr: "T BETWEEN '00:00:00.005' AND '00:00:00.010'", rows: [[{ T: 1 }, false], [{ T: 6 }, true]] });
});

test('IN (in.json)', () => {
  const s = 'VAL0 INT, VAL1 BIGINT, VAL2 DOUBLE, VAL3 DECIMAL(4, 2)';
  const where = "VAL0 IN (1, 2.0, 3.00, '4.000', 5.10, VAl1, VAL2, VAL3)";
  const r = (v0: number, v1: number | bigint, v2: number, v3: string) => ({ VAL0: v0, VAL1: v1, VAL2: v2, VAL3: D(v3) });
  check({
    schema: s,
    expr: where,
    rows: [
      [r(1, 0, 0, '0'), true],
      [r(3, 0, 0, '0'), true],
      [r(4, 0, 0, '0'), true],
      [r(5, 0, 0, '0'), false],
      [r(10, 10, 10.0, '10.00'), true],
      [r(11, 11, 11.01, '11.01'), true],
      [r(-2147483648, 2147483648, 10, '10.00'), false],
    ],
  });
  check({ schema: s, expr: 'VAL0 IN (VAL2)', rows: [[r(11, 11, 11.01, '11.01'), false], [r(10, 10, 10, '10'), true]] });
  check({ schema: 'ID INT, VAL INT', expr: 'ID IN (11,NULL,VAL)', rows: [[{ ID: 10, VAL: 10 }, true], [{ ID: 10 }, false], [{ VAL: 10 }, false]] });
  check({ schema: 'ID INT', expr: 'ID NOT IN (11,20,10)', rows: [[{ ID: 10 }, false], [{ ID: 12 }, true]] });
  check({ schema: 'ID BOOLEAN, VAL BOOLEAN', expr: "ID IN (true, 'TrUe', 'tr', 'Y', VAL)", rows: [[{ ID: false, VAL: false }, true], [{ ID: false, VAL: true }, false]] });
  check({ schema: 'ID BOOLEAN', expr: "ID IN (true, 'Not a boolean')", error: 'invalid input syntax for type BOOLEAN: "Not a boolean".' });
  check({ schema: 'ID BOOLEAN', expr: 'ID IN (true, 10)', error: 'operator does not exist: BOOLEAN = INTEGER (10)\nHint: You might need to add explicit type casts.' });
  check({ schema: 'ID INT', expr: "ID IN (10, '10 - not a number')", error: 'invalid input syntax for type INTEGER: "10 - not a number".' });
  check({ schema: 'ID INT', expr: 'ID IN (10, true)', error: 'operator does not exist: INTEGER = BOOLEAN (true)' });
  check({ schema: 'ID INT, VAL0 STRING', expr: 'ID IN (10, VAL0)', error: 'operator does not exist: INTEGER = STRING (VAL0)' });
  check({ schema: 'ID DECIMAL(12, 2)', expr: 'ID IN (10, true)', error: 'operator does not exist: DECIMAL(12, 2) = BOOLEAN (true)' });
  check({ schema: 'ID DOUBLE', expr: "ID IN (10.0, '10.0 - not a number')", error: 'invalid input syntax for type DOUBLE: "10.0 - not a number".' });
  check({ schema: 'ID STRING, VAL0 DOUBLE', expr: 'ID IN (10, VAL0)', error: 'operator does not exist: STRING = DOUBLE (VAL0)' });
  const a = 'VAL0 ARRAY<BIGINT>, VAL1 ARRAY<BIGINT>, VAL2 ARRAY<INT>';
  check({
    schema: a,
    expr: "VAL0 IN (ARRAY[1,2],ARRAY[5,123456789000],ARRAY['3',null], VAL1, VAL2)",
    rows: [
      [{ VAL0: [1, 2] }, true],
      [{ VAL0: [1] }, false],
      [{ VAL0: [4, 5], VAL1: [4, 5] }, true],
      [{ VAL0: [5, 123456789000] }, true],
      [{ VAL0: [3, null] }, true],
    ],
  });
  check({ schema: 'VAL0 ARRAY<BIGINT>, VAL1 BOOLEAN', expr: 'VAL0 IN (VAL0, ARRAY[VAL1])', error: 'operator does not exist: ARRAY<BIGINT> = ARRAY<BOOLEAN> (ARRAY[VAL1])' });
  check({ schema: 'VAL0 ARRAY<BIGINT>', expr: 'VAL0 IN (ARRAY[1,2], ARRAY_LENGTH(VAL0))', error: 'operator does not exist: ARRAY<BIGINT> = INTEGER (ARRAY_LENGTH(VAL0))' });
  check({ schema: 'VAL0 ARRAY<BIGINT>, VAL1 ARRAY<INT>', expr: 'VAL1 IN (VAL0)', rows: [[{ VAL0: [2147483648], VAL1: [-2147483648] }, false], [{ VAL0: [1, 2], VAL1: [1, 2] }, true]] });
  check({ schema: 'VAL0 MAP<STRING, BIGINT>, VAL1 BOOLEAN', expr: "VAL0 IN (VAL0, MAP('a' := VAL1))", error: "operator does not exist: MAP<STRING, BIGINT> = MAP<STRING, BOOLEAN> (MAP('a':=VAL1))" });
  check({ schema: 'VAL0 MAP<STRING, BIGINT>', expr: "VAL0 IN (VAL0, MAP('10' := 'not 10'))", error: 'invalid input syntax for type BIGINT: "not 10"' });
  check({ schema: 'VAL0 MAP<STRING, BIGINT>', expr: 'VAL0 IN (10)', error: 'operator does not exist: MAP<STRING, BIGINT> = INTEGER (10)' });
  const st = 'VAL0 STRUCT<A BIGINT, B BIGINT>, VAL1 STRUCT<A BIGINT, B BIGINT>';
  check({
    schema: st,
    expr: "VAL0 IN (STRUCT(A:=1,B:=2),STRUCT(A:=3,B:=2,C:=4),STRUCT(B:=2,A:=4),STRUCT(A:=5),STRUCT(A:=6,B:=CAST(null AS BIGINT)),STRUCT(A:='7',B:=2),VAL1)",
    rows: [
      [{ VAL0: { A: 1, B: 2 } }, true],
      [{ VAL0: { A: 2, B: 2 } }, false],
      [{ VAL0: { A: 3, B: 2 } }, false],
      [{ VAL0: { A: 4, B: 2 } }, true],
      [{ VAL0: { A: 5, B: null } }, true],
      [{ VAL0: { A: 6, B: null } }, true],
      [{ VAL0: { A: 7, B: 2 } }, true],
      [{ VAL0: { A: 8, B: 2 }, VAL1: { A: 8, B: 2 } }, true],
    ],
  });
  check({ schema: 'VAL0 STRUCT<F0 BIGINT>, VAL1 BOOLEAN', expr: 'VAL0 IN (VAL0, STRUCT(F0 := VAL1))', error: 'operator does not exist: STRUCT<`F0` BIGINT> = STRUCT<`F0` BOOLEAN> (STRUCT(F0:=VAL1))' });
  check({ schema: 'VAL0 STRUCT<F0 BIGINT>', expr: "VAL0 IN (STRUCT(F0 := 'not 10'))", error: 'invalid input syntax for type BIGINT: "not 10"' });
  check({ schema: 'VAL0 STRUCT<F0 BIGINT>', expr: 'VAL0 IN (STRUCT(F0 := 10), ARRAY[10])', error: 'operator does not exist: STRUCT<`F0` BIGINT> = ARRAY<INTEGER> (ARRAY[10])' });
  check({ schema: 'VAL0 STRUCT<F0 BIGINT>', expr: 'VAL0 IN (STRUCT(F0 := 10), STRUCT(`f0` := 20))', rows: [[{ VAL0: { F0: 10 } }, true], [{ VAL0: { F0: 20 } }, false]] });
});

test('BETWEEN and LIKE (between.json, like.json)', () => {
  check({ schema: 'SOURCE BIGINT', expr: 'source BETWEEN 2 AND 4', rows: [[{ SOURCE: 1 }, false], [{ SOURCE: 2 }, true], [{ SOURCE: 4 }, true], [{ SOURCE: 5 }, false], [{}, false]] });
  check({ schema: 'SOURCE DOUBLE', expr: 'source BETWEEN 2 AND 3.9', rows: [[{ SOURCE: 3.9 }, true], [{ SOURCE: 3.91 }, false]] });
  check({ schema: 'SOURCE INT, AVG INT', expr: 'source + 2 BETWEEN avg / 2 AND avg * 2', rows: [[{ SOURCE: 3, AVG: 4 }, true], [{ SOURCE: 10, AVG: 4 }, false]] });
  check({ schema: 'SOURCE INT', expr: 'source NOT BETWEEN 2 AND 4', rows: [[{ SOURCE: 1 }, true], [{ SOURCE: 3 }, false]] });
  check({ schema: 'SOURCE ARRAY<INT>', expr: 'source[2] BETWEEN 2 AND 4', rows: [[{ SOURCE: [1, 3] }, true], [{ SOURCE: [1] }, false]] });
  check({ schema: 'SOURCE STRING', expr: "source BETWEEN SUBSTRING('zb',2) AND 'c'", rows: [[{ SOURCE: 'bb' }, true], [{ SOURCE: 'a' }, false]] });
  check({ schema: 'VAL STRING, PATTERN STRING', expr: 'val LIKE pattern', rows: [[{ VAL: 'abc', PATTERN: 'a%' }, true], [{ VAL: 'abc', PATTERN: '_b_' }, true], [{ VAL: 'abc', PATTERN: '%b' }, false], [{ VAL: 'abc' }, false]] });
  check({ schema: 'VAL STRING, PATTERN STRING', expr: "val LIKE pattern ESCAPE '!'", rows: [[{ VAL: '%', PATTERN: '!%' }, true], [{ VAL: 'a', PATTERN: '!%' }, false], [{ VAL: 'a_c', PATTERN: 'a!_c' }, true]] });
  check({ schema: 'V INT', expr: "V LIKE 'a%'", error: /LIKE can only be used with STRING operands/ });
});

test('CASE (case-expression.json)', () => {
  const s = 'ORDERUNITS DOUBLE';
  check({
    schema: s,
    expr: "CASE WHEN orderunits < 2.0 THEN 'small' WHEN orderunits < 4.0 THEN 'medium' ELSE 'large' END",
    type: 'STRING',
    rows: [[{ ORDERUNITS: 1 }, 'small'], [{ ORDERUNITS: 3 }, 'medium'], [{ ORDERUNITS: 5 }, 'large'], [{}, 'large']],
  });
  check({ schema: s, expr: "CASE WHEN orderunits < 2.0 THEN null WHEN orderunits < 4.0 THEN 'medium' ELSE 'large' END", type: 'STRING', rows: [[{ ORDERUNITS: 1 }, null]] });
  check({ schema: s, expr: 'CASE WHEN orderunits < 2.0 THEN null ELSE null END', error: 'Invalid Case expression. All case branches have NULL type' });
  const st = 'ADDRESS STRUCT<CITY STRING, STATE STRING>, ITEMID STRUCT<NAME STRING>';
  check({
    schema: st,
    expr: "CASE WHEN ADDRESS->STATE = 'STATE_1' THEN ITEMID->NAME WHEN ADDRESS->STATE = 'STATE_3' THEN ADDRESS->CITY ELSE 'default' END",
    rows: [
      [{ ADDRESS: { CITY: 'c1', STATE: 'STATE_1' }, ITEMID: { NAME: 'n1' } }, 'n1'],
      [{ ADDRESS: { CITY: 'c3', STATE: 'STATE_3' }, ITEMID: { NAME: 'n3' } }, 'c3'],
      [{}, 'default'],
    ],
  });
  check({ schema: 'X INT', expr: "CASE X WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", rows: [[{ X: 2 }, 'two'], [{ X: 3 }, null], [{}, null]] });
});

test('CAST (cast.json, date, time, timestamp)', () => {
  check({ schema: 'F0 ARRAY<INTEGER>', expr: 'cast(f0 as STRING)', rows: [[{ F0: [1, 3] }, '[1, 3]']] });
  check({ schema: 'F0 ARRAY<BIGINT>', expr: 'cast(f0 as ARRAY<INTEGER>)', rows: [[{ F0: [1, 3, 2147483648] }, [1, 3, -2147483648]]] });
  check({ schema: 'F0 ARRAY<BIGINT>', expr: 'cast(f0 as ARRAY<STRING>)', rows: [[{ F0: [1, 3, 2147483648] }, ['1', '3', '2147483648']]] });
  check({
    schema: 'F0 MAP<STRING, MAP<STRING, STRING>>',
    expr: 'cast(f0 as MAP<STRING, MAP<STRING, INTEGER>>)',
    rows: [[{ F0: new Map([['k1', new Map([['k2', '10']])]]) }, new Map([['k1', new Map([['k2', 10]])]])]],
  });
  check({ schema: 'F0 VARCHAR', expr: 'cast(f0 as STRUCT<F0 VARCHAR, F1 INTEGER>)', error: 'Cast of STRING to STRUCT<`F0` STRING, `F1` INTEGER> is not supported' });
  check({ schema: 'F0 STRUCT<F0 INT, `f1` INT>', expr: 'cast(f0 as STRING)', rows: [[{ F0: { F0: 1, f1: 3 } }, 'Struct{F0=1,f1=3}']] });
  check({ schema: 'F0 STRUCT<F0 BIGINT, F1 STRING>', expr: 'cast(f0 as STRUCT<F0 STRING, F3 STRING>)', rows: [[{ F0: { F0: 1, F1: 'x' } }, { F0: '1', F3: null }]] });
  check({
    schema: 'B BOOLEAN, I INT, BI BIGINT, D DOUBLE, S VARCHAR',
    expr: "cast(b as STRING) + ',' + cast(i as STRING) + ',' + cast(bi as STRING) + ',' + cast(d as STRING) + ',' + cast(s as STRING)",
    rows: [[{ B: true, I: 10, BI: 101, D: 10.3, S: 'bob' }, 'true,10,101,10.3,bob']],
  });
  check({ schema: 'X INT', expr: 'cast(null AS MAP<STRING, INT>)', type: 'MAP<STRING, INTEGER>', rows: [[{}, null]] });
  check({ schema: 'FOO DECIMAL(4,2)', expr: 'cast(foo AS DECIMAL(5,3))', rows: [[{ FOO: D('10.12') }, D('10.120')], [{ FOO: D('1.00') }, D('1.000')]] });
  check({ schema: 'FOO DOUBLE', expr: 'cast(foo AS DECIMAL(2,1))', rows: [[{ FOO: 0.1 }, D('0.1')], [{ FOO: 0.99 }, D('1.0')], [{ FOO: 0.01 }, D('0.0')]] });
  check({ schema: 'FOO STRING', expr: 'cast(foo AS DECIMAL(2,1))', rows: [[{ FOO: '0.99' }, D('1.0')], [{ FOO: '0.10' }, D('0.1')]] });
  check({ schema: 'VAL DECIMAL(4,2)', expr: 'cast(val AS INT)', rows: [[{ VAL: D('10.01') }, 10]] });
  check({ schema: 'VAL DECIMAL(4,2)', expr: 'cast(val AS BIGINT)', rows: [[{ VAL: D('10.01') }, 10]] });
  check({ schema: 'VAL DECIMAL(4,2)', expr: 'cast(val AS DOUBLE)', rows: [[{ VAL: D('0.01') }, 0.01]] });
  check({ schema: 'VAL DECIMAL(4,2)', expr: 'cast(val AS STRING)', rows: [[{ VAL: D('0.00') }, '0.00']] });
  check({ schema: 'COL0 DOUBLE, COL1 DOUBLE', expr: 'cast((col0 - col1) AS INT)', rows: [[{ COL0: 3.3, COL1: 2.1 }, 1]] });
  check({ schema: 'T TIME', expr: 'CAST(T AS STRING)', rows: [[{ T: 5000 }, '00:00:05']] });
  check({ schema: 'T STRING', expr: 'CAST(T AS TIME)', rows: [[{ T: '00:00:00.010' }, 10], [{ T: '00:01' }, 60000], [{ T: 'foo' }, null]], logs: 1 });
  check({ schema: 'T TIMESTAMP', expr: 'CAST(T AS TIME)', rows: [[{ T: -2000 }, 86398000], [{ T: 86400100 }, 100]] });
  check({ schema: 'T DATE', expr: 'CAST(T AS STRING)', rows: [[{ T: 10 }, '1970-01-11'], [{ T: -1 }, '1969-12-31']] });
  check({ schema: 'T TIMESTAMP', expr: 'CAST(T AS DATE)', rows: [[{ T: 5000 }, 0], [{ T: -2000 }, -1], [{ T: 86400100 }, 1]] });
  check({ schema: 'T TIMESTAMP', expr: 'CAST(T AS STRING)', rows: [[{ T: 10 }, '1970-01-01T00:00:00.010']] });
  check({ schema: 'T STRING', expr: 'CAST(T AS TIMESTAMP)', rows: [[{ T: '1970-01-01T00:00:01' }, 1000], [{ T: 'foo' }, null]], logs: 1 });
});

test('constructors and access (create_array, create_map, create-struct, null)', () => {
  check({ schema: 'A INT, B BIGINT', expr: "ARRAY[null, 10, '2e1', a, b]", type: 'ARRAY<DECIMAL(19, 0)>', rows: [[{ A: 30, B: 40 }, [null, D('10'), D('20'), D('30'), D('40')]]] });
  check({ schema: 'A INT', expr: 'ARRAY[CAST(NULL AS INT)]', type: 'ARRAY<INTEGER>', rows: [[{}, [null]]] });
  check({ schema: 'A INT', expr: "ARRAY[1, 'not a number']", error: 'invalid input syntax for type INTEGER: "not a number"' });
  check({
    schema: 'A INT, B BIGINT',
    expr: 'ARRAY[null, struct(x := a, y := b), struct(y := a, z:= b)]',
    rows: [[{ A: 30, B: 40 }, [null, { X: 30, Y: 40, Z: null }, { X: null, Y: 30, Z: 40 }]]],
  });
  const m = 'K1 VARCHAR, K2 VARCHAR, V1 INT';
  check({ schema: m, expr: 'MAP(k1:=v1, k2:=v1*2)', rows: [[{ K1: 'foo', K2: 'bar', V1: 10 }, new Map([['foo', 10], ['bar', 20]])]] });
  check({ schema: 'K1 VARCHAR, K2 VARCHAR, V1 BOOLEAN', expr: "MAP(k1:=v1, k2:='true', 10:='no')", rows: [[{ K1: 'a', K2: 'b', V1: true }, new Map([['a', true], ['b', true], ['10', false]])]] });
  check({ schema: m, expr: "MAP(k1:=v1, k2:='hello')", error: 'invalid input syntax for type INTEGER: "hello".' });
  check({ schema: m, expr: 'MAP(k1:=NULL, k2:=NULL)', error: 'Cannot construct a map with all NULL values' });
  check({ schema: m, expr: 'MAP(null:=v1)', error: 'Cannot construct a map with all NULL keys' });
  check({ schema: m, expr: 'MAP(k1:=v1, NULL:=v1)', rows: [[{ K1: 'foo', V1: 10 }, new Map<string | null, number>([['foo', 10], [null, 10]])]] });
  check({ schema: 'COL1 VARCHAR, COL2 ARRAY<VARCHAR>', expr: 'STRUCT(F1 := COL1, F2 := COL2, F3 := SUBSTRING(col1, 2))', rows: [[{ COL1: 'foo', COL2: ['bar'] }, { F1: 'foo', F2: ['bar'], F3: 'oo' }]] });
  check({ schema: 'COL1 VARCHAR', expr: 'STRUCT(FOO := col1, `foo` := col1)', rows: [[{ COL1: 'x' }, { FOO: 'x', foo: 'x' }]] });
  check({ schema: 'COL1 VARCHAR', expr: 'STRUCT(foo := col1, foo := col1)', error: 'Duplicate field names found in STRUCT' });
  const n = 'A_MAP MAP<STRING, INT>, COL0 ARRAY<ARRAY<INT>>, COL1 STRUCT<PERSON STRUCT<NAME STRING>>';
  check({ schema: n, expr: "IFNULL(A_MAP['missing'], -1)", rows: [[{ A_MAP: new Map([['expected', 1]]) }, -1], [{}, -1]] });
  check({ schema: n, expr: 'IFNULL(col0[1][2], -1)', rows: [[{ COL0: [[1, 2]] }, 2], [{ COL0: [[1]] }, -1], [{}, -1]] });
  check({ schema: n, expr: 'COL1->Person->Name', rows: [[{ COL1: { PERSON: { NAME: 'n' } } }, 'n'], [{ COL1: { PERSON: null } }, null], [{}, null]] });
});
