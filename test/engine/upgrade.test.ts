// CREATE OR REPLACE of running queries: each change ksqlDB allows and each it refuses (its
// query-upgrades QTT cases), with ksqlDB's message; a refused replacement leaves the running
// query as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { StatementError, type RequestContext } from '../../src/engine/api.js';
import { withEngine } from './with-engine.js';

const ctx = (): RequestContext => ({ properties: {}, variables: {} });

const STREAM_A = "CREATE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);";
const TABLE_A = "CREATE TABLE ta (id INT PRIMARY KEY, col1 INT, col2 INT) WITH (kafka_topic='ta', value_format='JSON', partitions=1);";
const TABLE_T = "CREATE TABLE t (id INT PRIMARY KEY, bar INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);";

interface Case {
  name: string;
  setup: string;
  replace: string;
  /** ksqlDB's message (a part of it, as its QTT cases check); absent: the upgrade is allowed. */
  error?: string;
}

const CASES: Case[] = [
  // allowed
  { name: 'add filter to a stream', setup: 'CREATE STREAM b AS SELECT * FROM a;', replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0;' },
  { name: 'remove filter from a stream', setup: 'CREATE STREAM b AS SELECT * FROM a WHERE col1 > 0;', replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a;' },
  { name: 'change filter of a stream', setup: 'CREATE STREAM b AS SELECT * FROM a WHERE col1 > 0;', replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 < 0;' },
  { name: 'add filter to a table', setup: 'CREATE TABLE b AS SELECT * FROM ta;', replace: 'CREATE OR REPLACE TABLE b AS SELECT * FROM ta WHERE col1 > 0;' },
  { name: 'add a column at the end of a stateless projection', setup: 'CREATE STREAM b AS SELECT id, col1 FROM a;', replace: 'CREATE OR REPLACE STREAM b AS SELECT id, col1, col2 FROM a;' },
  { name: 'add filter to a PARTITION BY', setup: 'CREATE STREAM b AS SELECT * FROM a PARTITION BY col1;', replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0 PARTITION BY col1;' },
  { name: 'change filter of an aggregation (group by key)', setup: 'CREATE TABLE b AS SELECT id, COUNT(*) AS count FROM a WHERE col1 >= 0 GROUP BY id;', replace: 'CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*) AS count FROM a WHERE col1 > 0 GROUP BY id;' },
  { name: 'change filter of an aggregation (group by column)', setup: 'CREATE TABLE b AS SELECT col1, COUNT(*) AS count FROM a WHERE col1 >= 0 GROUP BY col1;', replace: 'CREATE OR REPLACE TABLE b AS SELECT col1, COUNT(*) AS count FROM a WHERE col1 > 1 GROUP BY col1;' },
  { name: 'add filter on a column the aggregation already reads', setup: 'CREATE TABLE b AS SELECT id, COUNT(col1) AS count FROM a GROUP BY id;', replace: 'CREATE OR REPLACE TABLE b AS SELECT id, COUNT(col1) AS count FROM a WHERE col1 > 0 GROUP BY id;' },
  { name: 'an unchanged query', setup: 'CREATE STREAM b AS SELECT * FROM a WHERE col1 > 0;', replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0;' },
  // refused
  {
    name: 'PARTITION BY another column (changed key)',
    setup: 'CREATE STREAM b AS SELECT * FROM a PARTITION BY col1;',
    replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a PARTITION BY col2;',
    error: 'Key columns must be identical. The following key columns are changed, missing or reordered: [`COL1` INTEGER KEY])',
  },
  {
    name: 'PARTITION BY added',
    setup: 'CREATE STREAM b AS SELECT * FROM a;',
    replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a PARTITION BY col1;',
    error: '(Key columns must be identical. The following key columns are changed, missing or reordered: [`ID` INTEGER KEY])',
  },
  {
    name: 'GROUP BY other columns',
    setup: 'CREATE TABLE b AS SELECT col1, COUNT(*) FROM a GROUP BY col1;',
    replace: 'CREATE OR REPLACE TABLE b AS SELECT col2, COUNT(*) FROM a GROUP BY col2;',
    error: '(Key columns must be identical. The following key columns are changed, missing or reordered: [`COL1` INTEGER KEY])',
  },
  {
    name: 'GROUP BY columns reordered',
    setup: "CREATE STREAM aj (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='aj', format='JSON', partitions=1); CREATE TABLE b AS SELECT col1, col2, COUNT(*) FROM aj GROUP BY col1, col2;",
    replace: 'CREATE OR REPLACE TABLE b AS SELECT col1, col2, COUNT(*) FROM aj GROUP BY col2, col1;',
    error: '(Key columns must be identical. The following key columns are changed, missing or reordered: [`COL1` INTEGER KEY, `COL2` INTEGER KEY])',
  },
  {
    name: 'value columns reordered',
    setup: 'CREATE STREAM b AS SELECT id, col1, col2 FROM a;',
    replace: 'CREATE OR REPLACE STREAM b AS SELECT id, col2, col1 FROM a;',
    error: '(The following columns are changed, missing or reordered: [`COL1` INTEGER, `COL2` INTEGER])',
  },
  { name: 'value column removed', setup: 'CREATE STREAM b AS SELECT id, col1, col2 FROM a;', replace: 'CREATE OR REPLACE STREAM b AS SELECT id, col1 FROM a;', error: '(The following columns are changed, missing or reordered: [`COL2` INTEGER])' },
  {
    name: 'value column type changed',
    setup: 'CREATE STREAM b AS SELECT id, col1, col2 FROM a;',
    replace: 'CREATE OR REPLACE STREAM b AS SELECT id, col1, CAST(col2 AS STRING) AS col2 FROM a;',
    error: '(The following columns are changed, missing or reordered: [`COL2` INTEGER])',
  },
  { name: 'value column renamed', setup: 'CREATE STREAM b AS SELECT id, col1, col2 FROM a;', replace: 'CREATE OR REPLACE STREAM b AS SELECT id, col1, col2 AS col3 FROM a;', error: '(The following columns are changed, missing or reordered: [`COL2` INTEGER])' },
  {
    name: 'a column removed by SELECT *',
    setup: 'CREATE STREAM b AS SELECT id, col1, col2, col1 + 1 AS plus_one FROM a;',
    replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM a;',
    error: '(The following columns are changed, missing or reordered: [`PLUS_ONE` INTEGER])',
  },
  { name: 'value column removed from a table', setup: 'CREATE TABLE b AS SELECT id, col1, col2 FROM ta;', replace: 'CREATE OR REPLACE TABLE b AS SELECT id, col1 FROM ta;', error: '(The following columns are changed, missing or reordered: [`COL2` INTEGER])' },
  {
    name: 'filter removed from an aggregation (columns not part of the aggregate change)',
    setup: 'CREATE TABLE b AS SELECT id, COUNT(*) AS count FROM a WHERE col1 > 0 GROUP BY id;',
    replace: 'CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*) AS count FROM a GROUP BY id;',
    error: 'StreamAggregate must have matching columns not part of aggregate. Values differ: [`ID`, `ROWTIME`, `COL1`] vs. [`ID`, `ROWTIME`]',
  },
  {
    name: 'aggregation reads another column',
    setup: 'CREATE TABLE b AS SELECT id, COUNT(*) AS count FROM a GROUP BY id;',
    replace: 'CREATE OR REPLACE TABLE b AS SELECT id, COUNT(col1) AS count FROM a WHERE col1 > 0 GROUP BY id;',
    error: 'StreamAggregate must have matching columns not part of aggregate. Values differ: [`ID`, `ROWTIME`] vs. [`ID`, `COL1`]',
  },
  {
    name: 'a join',
    setup: TABLE_T + 'CREATE STREAM j AS SELECT a.id, a.col1, t.bar FROM a JOIN t ON a.id = t.id;',
    replace: 'CREATE OR REPLACE STREAM j AS SELECT a.id, a.col1, t.bar FROM a JOIN t ON a.id = t.id WHERE a.col1 > 0;',
    error: 'Upgrades not yet supported for StreamTableJoin',
  },
  {
    name: 'a windowed aggregation',
    setup: 'CREATE TABLE b AS SELECT id, COUNT(*) FROM a WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY id;',
    replace: 'CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*) FROM a WINDOW TUMBLING (SIZE 30 SECONDS) WHERE col1 > 0 GROUP BY id;',
    error: 'Upgrades not yet supported for StreamWindowedAggregate',
  },
  { name: 'another source', setup: "CREATE STREAM c (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='c', value_format='JSON', partitions=1); CREATE STREAM b AS SELECT * FROM a;", replace: 'CREATE OR REPLACE STREAM b AS SELECT * FROM c;', error: 'Query is not upgradeable. Plan step of type StreamSource must have matching topicName. Values differ: a vs. c' },
];

for (const c of CASES) {
  test(`CREATE OR REPLACE: ${c.name} is ${c.error ? 'refused' : 'allowed'}`, async () => {
    await withEngine(async (e) => {
      await e.execute(STREAM_A + TABLE_A + c.setup, ctx());
      const before = JSON.stringify(await e.execute('SHOW QUERIES EXTENDED;', ctx()));
      const running = (await e.execute('SHOW QUERIES;', ctx()))[0]!.queries as { id: string; queryString: string }[];
      if (!c.error) {
        const out = await e.execute(c.replace, ctx());
        assert.equal((out[0]!.commandStatus as { status: string }).status, 'SUCCESS');
        const after = (await e.execute('SHOW QUERIES;', ctx()))[0]!.queries as { id: string; queryString: string }[];
        assert.deepEqual(after.map((q) => q.id), running.map((q) => q.id), 'the query keeps its id');
        assert.ok(after.some((q) => q.queryString === c.replace));
        return;
      }
      await assert.rejects(e.execute(c.replace, ctx()), (err: Error) => {
        assert.ok(err instanceof StatementError, String(err));
        assert.ok(err.message.includes(c.error!), `message: ${err.message}`);
        return true;
      });
      assert.equal(JSON.stringify(await e.execute('SHOW QUERIES EXTENDED;', ctx())), before, 'the running query is untouched');
    });
  });
}

test('a filter added in place to a table: no tombstone for a key it never held; a held key that now fails is deleted', async () => {
  await withEngine(async (e) => {
    const earliest = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };
    await e.execute(TABLE_A + 'CREATE TABLE b AS SELECT * FROM ta;', earliest);
    await e.execute('INSERT INTO ta (id, col1, col2) VALUES (1, 0, 0);', earliest);
    const outputs = async () =>
      (await e.log.fetch([{ topic: 'B', partition: 0, offset: 0 }], { maxRecords: 100 })).map((r) => [r.key!.readInt32BE(0), r.value ? JSON.parse(r.value.toString()).COL1 : null]);
    const until = async (done: (o: unknown[][]) => boolean) => {
      for (let i = 0; i < 200 && !done(await outputs()); i++) await new Promise((r) => setTimeout(r, 50));
      return outputs();
    };
    assert.deepEqual(await until((o) => o.length === 1), [[1, 0]]);
    await e.execute('CREATE OR REPLACE TABLE b AS SELECT * FROM ta WHERE col1 > 0;', earliest);
    await e.execute('INSERT INTO ta (id, col1, col2) VALUES (2, -1, 0);', earliest);
    await e.execute('INSERT INTO ta (id, col1, col2) VALUES (1, -1, 0);', earliest);
    await e.execute('INSERT INTO ta (id, col1, col2) VALUES (3, 5, 0);', earliest);
    const out = await until((o) => o.some(([k]) => k === 3));
    assert.deepEqual(out, [[1, 0], [1, null], [3, 5]], 'key 2 never was in B, so it gets no tombstone; key 1 was, so it is deleted');
  });
});

test('CREATE OR REPLACE of a declared stream: columns may be added, not removed', async () => {
  await withEngine(async (e) => {
    await e.execute("CREATE STREAM d (id INT KEY, col1 INT) WITH (kafka_topic='d', value_format='JSON', partitions=1);", ctx());
    await e.execute("CREATE OR REPLACE STREAM d (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='d', value_format='JSON');", ctx());
    await assert.rejects(
      e.execute("CREATE OR REPLACE STREAM d (id INT KEY, col1 INT) WITH (kafka_topic='d', value_format='JSON');", ctx()),
      /Cannot upgrade data source: DataSource 'D' has schema = `ID` INTEGER KEY, `COL1` INTEGER, `COL2` INTEGER which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER\. \(The following columns are changed, missing or reordered: \[`COL2` INTEGER\]\)/,
    );
  });
});

test('duplicate HEADERS columns are refused with ksqlDB messages', async () => {
  await withEngine(async (e) => {
    const h = 'ARRAY<STRUCT<key STRING, value BYTES>>';
    for (const [columns, message] of [
      [`H1 ${h} HEADERS, H2 ${h} HEADERS`, 'Schema already contains a HEADERS column.'],
      [`H1 ${h} HEADERS, H2 BYTES HEADER('blah')`, 'Schema already contains a HEADERS column.'],
      ["H1 BYTES HEADER('blah'), H2 BYTES HEADER('blah')", "Schema already contains a HEADER('blah') column."],
    ]) {
      await assert.rejects(e.execute(`CREATE STREAM s1 (K STRING KEY, V BIGINT, ${columns}) WITH (kafka_topic='s1', value_format='json', partitions=1);`, ctx()), (err: Error) => {
        assert.equal(err.message, message);
        return true;
      });
    }
  });
});
