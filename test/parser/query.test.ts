import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatement, type Query, type SelectItem } from '../../src/parser/index.js';
import { formatExpression } from '../../src/parser/format.js';

function query(sql: string): Query {
  const s = parseStatement(sql);
  assert.equal(s.kind, 'Select', sql);
  return (s as Extract<typeof s, { kind: 'Select' }>).query;
}

function items(q: Query): string[] {
  return q.select.map((it: SelectItem) => {
    switch (it.kind) {
      case 'AllColumns':
        return it.source ? `${it.source}.*` : '*';
      case 'StructAll':
        return `${formatExpression(it.expr)}->*`;
      case 'SingleColumn':
        return formatExpression(it.expr) + (it.alias ? ` AS ${it.alias}` : '');
    }
  });
}

test('select items: *, src.*, struct->*, aliases with and without AS', () => {
  const q = query('SELECT *, a.*, s->nested->*, x AS y, z w, `q` FROM src a;');
  assert.deepEqual(items(q), ['*', 'A.*', 'S->NESTED->*', 'X AS Y', 'Z AS W', '`q`']);
  assert.deepEqual(q.from, { name: 'SRC', alias: 'A', loc: { line: 1, column: 52, offset: 51 } });
});

test('->* is only valid as a whole select item', () => {
  assert.throws(() => parseStatement('SELECT s->* + 1 FROM t;'), /->\*/);
  assert.throws(() => parseStatement('SELECT a FROM t WHERE s->* = 1;'), /->\*/);
  assert.throws(() => parseStatement('SELECT f(s->*) FROM t;'), /->\*/);
});

test('all clauses in order', () => {
  const q = query(
    'SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES) WHERE v > 0 GROUP BY k HAVING COUNT(*) > 1 EMIT FINAL LIMIT 10;',
  );
  assert.deepEqual(q.window && { ...q.window, loc: undefined }, {
    type: 'TUMBLING',
    size: { value: 1, unit: 'HOURS', ms: 3_600_000 },
    retention: { value: 2, unit: 'DAYS', ms: 172_800_000 },
    grace: { value: 10, unit: 'MINUTES', ms: 600_000 },
    loc: undefined,
  });
  assert.equal(formatExpression(q.where!), '(V > 0)');
  assert.deepEqual(q.groupBy!.map(formatExpression), ['K']);
  assert.equal(formatExpression(q.having!), '(COUNT(*) > 1)');
  assert.equal(q.emit, 'FINAL');
  assert.equal(q.limit, 10);
});

test('hopping and session windows, optional window name', () => {
  const h = query('SELECT k FROM s WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS) GROUP BY k EMIT CHANGES;').window!;
  assert.equal(h.type, 'HOPPING');
  assert.equal(h.size.ms, 30_000);
  assert.equal(h.advance?.ms, 10_000);
  const s = query('SELECT k FROM s WINDOW w SESSION (5 MINUTES, GRACE PERIOD 0 MILLISECONDS) GROUP BY k EMIT CHANGES;').window!;
  assert.equal(s.type, 'SESSION');
  assert.equal(s.size.ms, 300_000);
  assert.equal(s.grace?.ms, 0);
});

test('joins: types, WITHIN forms, GRACE PERIOD', () => {
  const q = query(
    'SELECT * FROM a JOIN b WITHIN 1 HOUR ON a.id = b.id LEFT OUTER JOIN c AS cc WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON a.id = cc.id ' +
      'RIGHT JOIN d ON a.x = d.x FULL OUTER JOIN e ON e.y = a.y INNER JOIN f ON f.z = a.z EMIT CHANGES;',
  );
  assert.deepEqual(
    q.joins.map((j) => [j.type, j.source.name, j.source.alias]),
    [
      ['INNER', 'B', undefined],
      ['LEFT', 'C', 'CC'],
      ['RIGHT', 'D', undefined],
      ['FULL', 'E', undefined],
      ['INNER', 'F', undefined],
    ],
  );
  assert.equal(q.joins[0]!.within!.before.ms, 3_600_000);
  assert.equal(q.joins[0]!.within!.after.ms, 3_600_000);
  assert.equal(q.joins[1]!.within!.before.ms, 1000);
  assert.equal(q.joins[1]!.within!.after.ms, 2000);
  assert.equal(q.joins[1]!.within!.grace!.ms, 3000);
  assert.equal(formatExpression(q.joins[1]!.on), '(A.ID = CC.ID)');
});

test('GROUP BY and PARTITION BY lists, with or without parentheses', () => {
  assert.deepEqual(query('SELECT 1 FROM s GROUP BY a, b->c;').groupBy!.map(formatExpression), ['A', 'B->C']);
  assert.deepEqual(query('SELECT 1 FROM s GROUP BY (a, b);').groupBy!.map(formatExpression), ['A', 'B']);
  assert.deepEqual(query('SELECT 1 FROM s GROUP BY (a + b) * 2;').groupBy!.map(formatExpression), ['((A + B) * 2)']);
  assert.deepEqual(query('SELECT 1 FROM s GROUP BY ();').groupBy, []);
  assert.deepEqual(query('SELECT * FROM s PARTITION BY NULL;').partitionBy!.map(formatExpression), ['null']);
  assert.deepEqual(query('SELECT * FROM s PARTITION BY (x, y);').partitionBy!.map(formatExpression), ['X', 'Y']);
  // boolean expressions are not allowed there, as in ksqlDB
  assert.throws(() => parseStatement('SELECT 1 FROM s GROUP BY a AND b;'), /Syntax Error/);
  assert.throws(
    () => parseStatement('CREATE TABLE OUTPUT AS SELECT f1, f2, COUNT(*) FROM TEST GROUP BY f3, (f2, f1);'),
    /line 1:74: Syntax Error\nmissing '\)' at ','/,
  );
});

test('a source alias never swallows a clause keyword', () => {
  const q = query('SELECT * FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY x EMIT CHANGES;');
  assert.equal(q.from.alias, undefined);
  assert.equal(query('SELECT * FROM s PARTITION BY x;').from.alias, undefined);
  assert.equal(query('SELECT * FROM s EMIT CHANGES;').from.alias, undefined);
  assert.equal(query('SELECT * FROM s LIMIT 1;').from.alias, undefined);
});

test('LIMIT takes an integer literal; a negative one is kept for the engine to reject', () => {
  assert.equal(query('SELECT * FROM s LIMIT -1;').limit, -1);
  assert.throws(() => parseStatement('SELECT * FROM s LIMIT 2.5;'), /Value must be integer for command: LIMIT/);
  assert.throws(() => parseStatement('SELECT * FROM s LIMIT x;'), /line 1:23: Syntax Error/);
});

test('a table function in FROM is a syntax error', () => {
  assert.throws(() => parseStatement('SELECT * FROM EXPLODE(arr);'), /Syntax Error/);
});
