import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { StatementError } from '../../src/engine/api.js';

const ctx = { properties: {}, variables: {} };

test('a CSAS/CTAS that cannot be planned names the statement as ksqlDB does: sanitized and formatted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-statement-text-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute("CREATE STREAM test (f1 INT KEY, f2 INT, m MAP<STRING, INT>) WITH (kafka_topic='test_topic', value_format='JSON', partitions=1);", ctx);
    const err = await e.execute('CREATE TABLE output AS SELECT f2, f1, f2+f1, COUNT(*) FROM test GROUP BY f1, f2;', ctx).then(
      () => assert.fail('expected a failure'),
      (x: unknown) => x,
    );
    assert.ok(err instanceof StatementError);
    assert.match(err.message, /The 'KAFKA' format only supports a single field/);
    assert.equal(
      err.statementText,
      'CREATE TABLE OUTPUT AS SELECT\n  TEST.F2 F2,\n  TEST.F1 F1,\n  (TEST.F2 + TEST.F1) KSQL_COL_0,\n  COUNT(*) KSQL_COL_1\nFROM TEST TEST\nGROUP BY TEST.F1, TEST.F2\nEMIT CHANGES',
    );
    // Lambda parameters stay unqualified.
    const lambda = await e.execute('CREATE STREAM x AS SELECT f1, TRANSFORM(m, (k, v) => k, (k, v) => v + f2) FROM test PARTITION BY f2, f1;', ctx).then(
      () => assert.fail('expected a failure'),
      (x: unknown) => x as StatementError,
    );
    assert.match(lambda.statementText, /TRANSFORM\(TEST\.M, \(K, V\) => K, \(K, V\) => \(V \+ TEST\.F2\)\) KSQL_COL_0/);
    // Statements that plan keep their own text in their entities.
    const [ok] = await e.execute('CREATE STREAM fine AS SELECT f1, f2 FROM test;', ctx);
    assert.equal(ok!.statementText, 'CREATE STREAM fine AS SELECT f1, f2 FROM test;');
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
