// EXPLAIN is rendered from the step tree: whole texts for the three shapes the issue names,
// checked through the query service and through the EXPLAIN statement of the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { removeDir } from '../runtime/helpers.js';
import { planEnv, planShape, SHAPES } from './plan-fixtures.js';

const STREAM_TABLE = [
      " > [ SINK ] | StreamSink: PRICED (STREAM, topic 'PRICED', key KAFKA, value JSON) | Schema: `ITEM` STRING KEY, `QTY` INTEGER, `PRICE` BIGINT | Logger: CSAS_PRICED_0.PRICED.Sink",
      "\t\t > [ PROJECT ] | Columns: O.ITEM AS ITEM, O.QTY AS QTY, I.PRICE AS PRICE | Schema: `ITEM` STRING KEY, `QTY` INTEGER, `PRICE` BIGINT | Logger: CSAS_PRICED_0.Project",
      "\t\t\t\t > [ JOIN ] | StreamTableJoin LEFT: ORDERS LEFT [OUTER] JOIN ITEMS ON O.ITEM = I.ITEM | Schema: `O_ITEM` STRING KEY, `O_ID` INTEGER, `O_ITEM` STRING, `O_QTY` INTEGER, `O_TAGS` ARRAY<STRING>, `I_ITEM` STRING, `I_PRICE` BIGINT, `I_MAKER` STRING | State: CSAS_PRICED_0-join.db: join 0 | Logger: CSAS_PRICED_0.Join.0",
      "\t\t\t\t\t\t > [ SOURCE ] | StreamSource: ORDERS (STREAM, topic 'orders', key KAFKA, value JSON) | Schema: `ID` INTEGER KEY, `ITEM` STRING, `QTY` INTEGER, `TAGS` ARRAY<STRING> | Logger: CSAS_PRICED_0.KsqlTopic.O.Source",
      "\t\t\t\t\t\t > [ SOURCE ] | TableSource: ITEMS (TABLE, topic 'items', key KAFKA, value JSON) | Schema: `ITEM` STRING KEY, `PRICE` BIGINT, `MAKER` STRING | Logger: CSAS_PRICED_0.KsqlTopic.I.Source",
      "",
      "Topology of CSAS_PRICED_0 (plan version 1):",
      "  Tasks: 1 (reads every partition of 'orders', 'items')",
      "  State stores: CSAS_PRICED_0-join.db: join 0 (Join/0)",
      "  Internal topics (each named <query group>-<name>, the group being _confluent-ksql-<service id>query_CSAS_PRICED_0): Join-repartition (Join/0: left input rekeyed by O.ITEM, key KAFKA)",
].join('\n');

const WINDOWED_HAVING = [
      " > [ SINK ] | TableSink: HOURLY (TABLE, topic 'HOURLY', key KAFKA, TUMBLING windowed key, value JSON) | Schema: `ITEM` STRING KEY, `N` BIGINT | State: CTAS_HOURLY_0.db: rows | Logger: CTAS_HOURLY_0.HOURLY.Sink",
      "\t\t > [ PROJECT ] | Columns: ITEM, COUNT(*) AS N | Schema: `ITEM` STRING KEY, `N` BIGINT | Logger: CTAS_HOURLY_0.Project",
      "\t\t\t\t > [ AGGREGATE ] | StreamWindowedAggregate: GROUP BY ITEM | Aggregates: COUNT(*) | Window: TUMBLING (SIZE 3600000 ms, GRACE 600000 ms) | Having: (COUNT(*) > 2) | Schema: `ITEM` STRING KEY, `KSQL_AGG_VARIABLE_0` BIGINT | State: CTAS_HOURLY_0.db: agg_state | Logger: CTAS_HOURLY_0.Aggregate.Aggregate",
      "\t\t\t\t\t\t > [ FILTER ] | Predicate: (QTY > 0) | Schema: `ID` INTEGER KEY, `ITEM` STRING, `QTY` INTEGER, `TAGS` ARRAY<STRING> | Logger: CTAS_HOURLY_0.WhereFilter",
      "\t\t\t\t\t\t\t\t > [ SOURCE ] | StreamSource: ORDERS (STREAM, topic 'orders', key KAFKA, value JSON) | Schema: `ID` INTEGER KEY, `ITEM` STRING, `QTY` INTEGER, `TAGS` ARRAY<STRING> | Logger: CTAS_HOURLY_0.KsqlTopic.ORDERS.Source",
      "",
      "Topology of CTAS_HOURLY_0 (plan version 1):",
      "  Tasks: 1 (reads every partition of 'orders')",
      "  State stores: CTAS_HOURLY_0.db: agg_state (Aggregate/Aggregate), CTAS_HOURLY_0.db: rows (HOURLY/Sink)",
      "  Internal topics: none",
].join('\n');

const FOREIGN_KEY = [
      " > [ SINK ] | TableSink: MADE_IN (TABLE, topic 'MADE_IN', key KAFKA, value JSON) | Schema: `ITEM` STRING KEY, `PRICE` BIGINT, `COUNTRY` STRING | State: CTAS_MADE_IN_0.db: rows | Logger: CTAS_MADE_IN_0.MADE_IN.Sink",
      "\t\t > [ PROJECT ] | Columns: I.ITEM AS ITEM, I.PRICE AS PRICE, M.COUNTRY AS COUNTRY | Schema: `ITEM` STRING KEY, `PRICE` BIGINT, `COUNTRY` STRING | Logger: CTAS_MADE_IN_0.Project",
      "\t\t\t\t > [ JOIN ] | ForeignKeyJoin INNER: ITEMS [INNER] JOIN MAKERS ON I.MAKER = M.MAKER | Schema: `I_ITEM` STRING KEY, `I_ITEM` STRING, `I_PRICE` BIGINT, `I_MAKER` STRING, `M_MAKER` STRING, `M_COUNTRY` STRING | State: CTAS_MADE_IN_0-join.db: join 0 | Logger: CTAS_MADE_IN_0.Join.0",
      "\t\t\t\t\t\t > [ SOURCE ] | TableSource: ITEMS (TABLE, topic 'items', key KAFKA, value JSON) | Schema: `ITEM` STRING KEY, `PRICE` BIGINT, `MAKER` STRING | Logger: CTAS_MADE_IN_0.KsqlTopic.I.Source",
      "\t\t\t\t\t\t > [ SOURCE ] | TableSource: MAKERS (TABLE, topic 'makers', key KAFKA, value JSON) | Schema: `MAKER` STRING KEY, `COUNTRY` STRING | Logger: CTAS_MADE_IN_0.KsqlTopic.M.Source",
      "",
      "Topology of CTAS_MADE_IN_0 (plan version 1):",
      "  Tasks: 1 (reads every partition of 'items', 'makers')",
      "  State stores: CTAS_MADE_IN_0-join.db: join 0 (Join/0), CTAS_MADE_IN_0.db: rows (MADE_IN/Sink)",
      "  Internal topics: none",
].join('\n');

test('EXPLAIN of a stream-table join, a windowed aggregation with HAVING and a foreign-key join names every step with its schema', async () => {
  const env = await planEnv();
  try {
    for (const [shape, queryId, expected] of [
      ['streamTable', 'CSAS_PRICED_0', STREAM_TABLE],
      ['windowedHaving', 'CTAS_HOURLY_0', WINDOWED_HAVING],
      ['foreignKey', 'CTAS_MADE_IN_0', FOREIGN_KEY],
    ] as const) {
      const plan = planShape(env, SHAPES[shape]!, queryId);
      assert.equal(`${plan.explain}\n\n${plan.topology}`, expected, shape);
    }
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('the EXPLAIN statement answers with the execution plan and the topology rendered from the step tree', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-explain-'));
  const engine = await Engine.open({ dataDir: dir, properties: {} });
  try {
    const ctx = { properties: {}, variables: {} };
    await engine.execute(
      "CREATE STREAM ORDERS (ID INTEGER KEY, ITEM STRING, QTY INTEGER, TAGS ARRAY<STRING>) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');" +
        "CREATE TABLE ITEMS (ITEM STRING PRIMARY KEY, PRICE BIGINT, MAKER STRING) WITH (KAFKA_TOPIC='items', PARTITIONS=1, VALUE_FORMAT='JSON');",
      ctx,
    );
    const [explained] = (await engine.execute(`EXPLAIN ${SHAPES.streamTable}`, ctx)) as { queryDescription: { executionPlan: string; topology: string } }[];
    const [planText, topology] = STREAM_TABLE.replaceAll('CSAS_PRICED_0', 'CSAS_PRICED_EXPLAIN').split('\n\n');
    assert.ok(explained, 'EXPLAIN answers');
    const id = /Logger: (\w+)\.PRICED\.Sink/.exec(explained.queryDescription.executionPlan)?.[1];
    assert.equal(explained.queryDescription.executionPlan, planText!.replaceAll('CSAS_PRICED_EXPLAIN', id ?? '?'));
    assert.equal(explained.queryDescription.topology, topology!.replaceAll('CSAS_PRICED_EXPLAIN', id ?? '?'));
  } finally {
    await engine.close();
    removeDir(dir);
  }
});
