// npm run plans:record [-- NAME…]: records the historical-plan cases below with today's code
// into test/plans/cases/<name>.json. A case that already has a file is left alone (it is
// history); record a changed query under a new name.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLAN_VERSION } from '../../src/plan/steps.js';
import { recordCase, type CaseDefinition } from './historical.js';

const ORDERS = "CREATE STREAM ORDERS (ID STRING KEY, ITEM STRING, QTY INTEGER, TAGS ARRAY<STRING>) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');";
const ITEMS = "CREATE TABLE ITEMS (ITEM STRING PRIMARY KEY, PRICE BIGINT, MAKER STRING) WITH (KAFKA_TOPIC='items', PARTITIONS=1, VALUE_FORMAT='JSON');";
const MAKERS = "CREATE TABLE MAKERS (MAKER STRING PRIMARY KEY, COUNTRY STRING) WITH (KAFKA_TOPIC='makers', PARTITIONS=1, VALUE_FORMAT='JSON');";

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

function order(n: number, item: string, qty: number, at: number, tags: string[] = []) {
  return { topic: 'orders', key: `o${n}`, value: { ITEM: item, QTY: qty, TAGS: tags }, timestamp: T0 + at };
}

const ORDER_INPUTS = [
  order(1, 'apple', 5, 0, ['red', 'fruit']),
  order(2, 'pear', 20, 1 * MINUTE, ['green']),
  order(3, 'apple', 15, 2 * MINUTE),
  order(4, 'apple', 30, 3 * MINUTE, ['big']),
  order(5, 'plum', 12, 61 * MINUTE),
  order(6, 'apple', 1, 62 * MINUTE),
  order(7, 'apple', 2, 63 * MINUTE),
  order(8, 'apple', 3, 64 * MINUTE),
  order(9, 'pear', 4, 130 * MINUTE),
];

const ITEM_INPUTS = [
  { topic: 'items', key: 'apple', value: { PRICE: 3, MAKER: 'acme' }, timestamp: T0 - 10 * MINUTE },
  { topic: 'items', key: 'pear', value: { PRICE: 4, MAKER: 'globex' }, timestamp: T0 - 9 * MINUTE },
  { topic: 'items', key: 'plum', value: { PRICE: 7, MAKER: 'acme' }, timestamp: T0 - 8 * MINUTE },
];

const MAKER_INPUTS = [
  { topic: 'makers', key: 'acme', value: { COUNTRY: 'NZ' }, timestamp: T0 - 20 * MINUTE },
  { topic: 'makers', key: 'globex', value: { COUNTRY: 'FR' }, timestamp: T0 - 20 * MINUTE },
];

export const CASES: CaseDefinition[] = [
  {
    name: 'filter-project',
    sources: [ORDERS],
    inputs: ORDER_INPUTS,
    queries: ["CREATE STREAM BIG WITH (KAFKA_TOPIC='big') AS SELECT ID, UCASE(ITEM) AS ITEM, QTY * 2 AS DOUBLED FROM ORDERS WHERE QTY > 10;"],
    outputTopics: ['big'],
  },
  {
    name: 'partition-by-flat-map',
    sources: [ORDERS],
    inputs: ORDER_INPUTS,
    queries: ["CREATE STREAM TAGS_BY_ITEM WITH (KAFKA_TOPIC='tags_by_item') AS SELECT ITEM, ID, EXPLODE(TAGS) AS TAG FROM ORDERS PARTITION BY ITEM;"],
    outputTopics: ['tags_by_item'],
  },
  {
    name: 'windowed-aggregate-having',
    sources: [ORDERS],
    inputs: ORDER_INPUTS,
    queries: [
      "CREATE TABLE HOURLY WITH (KAFKA_TOPIC='hourly') AS SELECT ITEM, COUNT(*) AS N, SUM(QTY) AS Q FROM ORDERS WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 5 MINUTES) WHERE QTY > 0 GROUP BY ITEM HAVING COUNT(*) > 1;",
    ],
    outputTopics: ['hourly'],
  },
  {
    name: 'emit-final',
    sources: [ORDERS],
    inputs: ORDER_INPUTS,
    queries: ["CREATE TABLE FINAL_COUNTS WITH (KAFKA_TOPIC='final_counts') AS SELECT ITEM, COUNT(*) AS N FROM ORDERS WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY ITEM EMIT FINAL;"],
    outputTopics: ['final_counts'],
  },
  {
    name: 'sliding-window',
    sources: [ORDERS],
    inputs: ORDER_INPUTS,
    queries: [
      "CREATE TABLE RECENT WITH (KAFKA_TOPIC='recent', LATE_RECORDS_TOPIC='recent_late') AS SELECT ITEM, COUNT(*) AS N, SUM(QTY) AS Q FROM ORDERS WINDOW SLIDING (SIZE 5 MINUTES, GRACE PERIOD 1 MINUTE) GROUP BY ITEM EMIT CHANGES;",
    ],
    outputTopics: ['recent'],
  },
  {
    name: 'count-window',
    sources: [ORDERS],
    inputs: ORDER_INPUTS,
    queries: [
      "CREATE TABLE EVERY_TWO WITH (KAFKA_TOPIC='every_two') AS SELECT ITEM, WINDOWSEQ AS SEQ, COUNT(*) AS N, SUM(QTY) AS Q FROM ORDERS WINDOW COUNT (SIZE 2, ADVANCE 1) GROUP BY ITEM EMIT FINAL;",
    ],
    outputTopics: ['every_two'],
  },
  {
    name: 'stream-table-join',
    sources: [ORDERS, ITEMS],
    inputs: [...ITEM_INPUTS, ...ORDER_INPUTS],
    queries: [
      "CREATE STREAM PRICED WITH (KAFKA_TOPIC='priced') AS SELECT O.ITEM AS ITEM, O.QTY, I.PRICE, O.QTY * I.PRICE AS TOTAL FROM ORDERS O LEFT JOIN ITEMS I ON O.ITEM = I.ITEM;",
    ],
    outputTopics: ['priced'],
  },
  {
    name: 'foreign-key-join',
    sources: [ITEMS, MAKERS],
    inputs: [...MAKER_INPUTS, ...ITEM_INPUTS],
    queries: ["CREATE TABLE MADE_IN WITH (KAFKA_TOPIC='made_in') AS SELECT I.ITEM AS ITEM, I.PRICE, M.COUNTRY FROM ITEMS I JOIN MAKERS M ON I.MAKER = M.MAKER;"],
    outputTopics: ['made_in'],
  },
  {
    name: 'source-table',
    sources: ["CREATE SOURCE TABLE ITEM_VIEW (ITEM STRING PRIMARY KEY, PRICE BIGINT, MAKER STRING) WITH (KAFKA_TOPIC='items', PARTITIONS=1, VALUE_FORMAT='JSON');"],
    inputs: [...ITEM_INPUTS, { topic: 'items', key: 'pear', value: { PRICE: 5, MAKER: 'globex' }, timestamp: T0 - 5 * MINUTE }],
    queries: [],
    outputTopics: [],
    pulls: ['SELECT * FROM ITEM_VIEW;', "SELECT PRICE FROM ITEM_VIEW WHERE ITEM = 'pear';"],
  },
  {
    name: 'insert-into',
    sources: [ORDERS, "CREATE STREAM SMALL (ID STRING KEY, ITEM STRING, QTY INTEGER) WITH (KAFKA_TOPIC='small', PARTITIONS=1, VALUE_FORMAT='JSON');"],
    inputs: ORDER_INPUTS,
    queries: ['INSERT INTO SMALL SELECT ID, ITEM, QTY FROM ORDERS WHERE QTY < 10;'],
    outputTopics: ['small'],
  },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = join(import.meta.dirname, 'cases');
  mkdirSync(dir, { recursive: true });
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  for (const def of CASES) {
    if (only.length > 0 && !only.includes(def.name)) continue;
    const file = join(dir, `${def.name}.json`);
    if (existsSync(file)) {
      console.log(`${def.name}: kept (already recorded)`);
      continue;
    }
    const recorded = await recordCase(def, { commit, planVersion: PLAN_VERSION });
    writeFileSync(file, `${JSON.stringify(recorded, null, 2)}\n`);
    const counts = Object.entries(recorded.outputs).map(([t, rs]) => `${t}: ${rs.length}`).join(', ');
    console.log(`${def.name}: recorded (${counts})`);
  }
}

await main();
