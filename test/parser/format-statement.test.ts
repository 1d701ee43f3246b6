import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatement, type CreateAsSelect } from '../../src/parser/index.js';
import { formatCreateAsSelect } from '../../src/parser/format-statement.js';

const fmt = (sql: string) => formatCreateAsSelect(parseStatement(sql) as CreateAsSelect);

test("CREATE ... AS SELECT in ksqlDB's SqlFormatter layout", () => {
  assert.equal(
    fmt("CREATE TABLE out WITH (KEY_FORMAT='KAFKA', partitions=2) AS SELECT t.f1 k1, COUNT(*) total FROM test t WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECOND) WHERE t.f2 > 1 GROUP BY t.f1 HAVING COUNT(*) > 2;"),
    "CREATE TABLE OUT WITH (KEY_FORMAT='KAFKA', PARTITIONS=2) AS SELECT\n  T.F1 K1,\n  COUNT(*) TOTAL\nFROM TEST T\nWINDOW TUMBLING ( SIZE 10 SECONDS , GRACE PERIOD 1 SECONDS ) \nWHERE (T.F2 > 1)\nGROUP BY T.F1\nHAVING (COUNT(*) > 2)\nEMIT CHANGES",
  );
  assert.equal(
    fmt('CREATE STREAM `foo-too` AS SELECT * FROM a JOIN b WITHIN (1 SECOND, 2 SECONDS) ON a.id = b.id LEFT JOIN c ON a.id = c.id PARTITION BY a.x EMIT CHANGES LIMIT 3;'),
    'CREATE STREAM `foo-too` AS SELECT *\nFROM A A\nINNER JOIN B B WITHIN (1 SECONDS, 2 SECONDS) ON ((A.ID = B.ID))\nLEFT OUTER JOIN C C ON ((A.ID = C.ID))\nPARTITION BY A.X\nEMIT CHANGES\nLIMIT 3',
  );
});
