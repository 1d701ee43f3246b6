import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

test("a join's WHERE names columns as the joined rows do (I1_BAR), and still filters on them", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-join-where-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute(
      "CREATE STREAM input_1 (k INT KEY, foo INT, bar INT) WITH (kafka_topic='t1', value_format='JSON', partitions=1);\n" +
        "CREATE STREAM input_2 (k INT KEY, foo INT, bar STRING) WITH (kafka_topic='t2', value_format='JSON', partitions=1);",
      ctx,
    );
    await assert.rejects(
      e.execute('CREATE STREAM bad AS SELECT i1.k, i1.bar, i2.bar FROM input_1 i1 JOIN input_2 i2 WITHIN 1 MINUTE ON i1.k = i2.k WHERE i1.bar > i2.bar;', ctx),
      /Error in WHERE expression: Cannot compare I1_BAR \(INTEGER\) to I2_BAR \(STRING\) with GREATER_THAN\./,
    );
    await e.execute("CREATE STREAM good AS SELECT i1.k, i1.bar AS b1, i2.bar AS b2 FROM input_1 i1 JOIN input_2 i2 WITHIN 1 MINUTE ON i1.k = i2.k WHERE i1.foo > 1 AND i2.bar <> 'x';", ctx);
    await e.log.produce('t1', [{ key: int(1), value: json({ FOO: 2, BAR: 10 }), partition: 0, timestamp: 1000 }, { key: int(2), value: json({ FOO: 0, BAR: 20 }), partition: 0, timestamp: 1000 }]);
    await e.log.produce('t2', [{ key: int(1), value: json({ FOO: 0, BAR: 'y' }), partition: 0, timestamp: 1001 }, { key: int(2), value: json({ FOO: 0, BAR: 'y' }), partition: 0, timestamp: 1001 }]);
    await e.drain();
    const out = await e.log.fetch([{ topic: 'GOOD', partition: 0, offset: 0 }]);
    assert.deepEqual(out.map((r) => JSON.parse(r.value!.toString())), [{ B1: 10, B2: 'y' }]);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a windowed aggregation over a join cannot select the window bounds (ksqlDB's rule)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-join-bounds-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute(
      "CREATE STREAM a (id VARCHAR, col1 VARCHAR) WITH (kafka_topic='a', value_format='JSON', partitions=1);\n" +
        "CREATE TABLE b (id VARCHAR PRIMARY KEY, col1 VARCHAR) WITH (kafka_topic='b', value_format='JSON', partitions=1);",
      ctx,
    );
    await assert.rejects(
      e.execute('CREATE TABLE c AS SELECT a.id, COUNT(*), WINDOWSTART AS ws FROM a JOIN b ON a.id = b.id WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY a.id;', ctx),
      /SELECT column 'WINDOWSTART' cannot be resolved\./,
    );
    // Without the bounds the same query plans; over one source the bounds can be selected.
    await e.execute('CREATE TABLE c AS SELECT a.id, COUNT(*) AS n FROM a JOIN b ON a.id = b.id WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY a.id;', ctx);
    await e.execute('CREATE TABLE d AS SELECT id, COUNT(*) AS n, WINDOWSTART AS ws FROM a WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY id;', ctx);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SELECT * over a repartitioned join: the new key named after the joined column, then every joined column in value order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-join-partition-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute(
      "CREATE STREAM l (a INT KEY, b INT, c INT) WITH (kafka_topic='left', value_format='JSON', partitions=1);\n" +
        "CREATE STREAM r (x INT KEY, y INT, z INT) WITH (kafka_topic='right', value_format='JSON', partitions=1);",
      ctx,
    );
    await e.execute('CREATE STREAM by_b AS SELECT * FROM l JOIN r WITHIN 10 SECONDS ON l.a = r.x PARTITION BY l.b;', ctx);
    await e.execute('CREATE STREAM by_a AS SELECT * FROM l JOIN r WITHIN 10 SECONDS ON l.b = r.y PARTITION BY a;', ctx);
    const names = (n: string) => {
      const s = e.catalog.getSource(n)!.schema;
      return [...s.key.map((c) => `${c.name} KEY`), ...s.value.map((c) => c.name)].join(', ');
    };
    assert.equal(names('BY_B'), 'L_B KEY, L_C, L_ROWTIME, L_ROWPARTITION, L_ROWOFFSET, L_A, R_Y, R_Z, R_ROWTIME, R_ROWPARTITION, R_ROWOFFSET, R_X');
    assert.equal(names('BY_A'), 'L_A KEY, L_B, L_C, L_ROWTIME, L_ROWPARTITION, L_ROWOFFSET, R_Y, R_Z, R_ROWTIME, R_ROWPARTITION, R_ROWOFFSET, R_X');
    await e.log.produce('left', [{ key: int(0), value: json({ B: 1, C: 2 }), partition: 0, timestamp: 11 }]);
    await e.log.produce('right', [{ key: int(0), value: json({ Y: -1, Z: -2 }), partition: 0, timestamp: 12 }]);
    await e.drain();
    const [rec] = await e.log.fetch([{ topic: 'BY_B', partition: 0, offset: 0 }]);
    assert.equal(rec!.key!.readInt32BE(), 1);
    assert.deepEqual(JSON.parse(rec!.value!.toString()), {
      L_C: 2, L_ROWTIME: 11, L_ROWPARTITION: 0, L_ROWOFFSET: 0, L_A: 0, R_Y: -1, R_Z: -2, R_ROWTIME: 12, R_ROWPARTITION: 0, R_ROWOFFSET: 0, R_X: 0,
    });
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
