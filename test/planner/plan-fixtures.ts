// Sources and queries of every step-tree shape, for the step tree, EXPLAIN and stored-plan tests.

import type { CreateAsSelect, InsertInto } from '../../src/parser/ast.js';
import { BIGINT, INTEGER, STRING, col, makeEnv, parse, register, source, type Env } from '../runtime/helpers.js';

export async function planEnv(): Promise<Env> {
  const env = await makeEnv();
  await register(env, source('ORDERS', 'STREAM', [col('ID', INTEGER, 'KEY'), col('ITEM', STRING), col('QTY', INTEGER), col('TAGS', { base: 'ARRAY', item: STRING })]));
  await register(env, source('SHIPMENTS', 'STREAM', [col('ID', INTEGER, 'KEY'), col('CARRIER', STRING)]));
  await register(env, source('ITEMS', 'TABLE', [col('ITEM', STRING, 'KEY'), col('PRICE', BIGINT), col('MAKER', STRING)]));
  await register(env, source('STOCK', 'TABLE', [col('ITEM', STRING, 'KEY'), col('ON_HAND', INTEGER)]));
  await register(env, source('MAKERS', 'TABLE', [col('MAKER', STRING, 'KEY'), col('COUNTRY', STRING)]));
  return env;
}

/** One query of each shape: name → statement. */
export const SHAPES: Record<string, string> = {
  filterProject: 'CREATE STREAM BIG AS SELECT ID, ITEM, QTY * 2 AS DOUBLED FROM ORDERS WHERE QTY > 10;',
  partitionBy: 'CREATE STREAM BY_ITEM AS SELECT ITEM, ID, QTY FROM ORDERS PARTITION BY ITEM;',
  flatMap: 'CREATE STREAM TAGGED AS SELECT ID, EXPLODE(TAGS) AS TAG FROM ORDERS;',
  aggregate: 'CREATE TABLE TOTALS AS SELECT ITEM, COUNT(*) AS N, SUM(QTY) AS Q FROM ORDERS GROUP BY ITEM;',
  windowedHaving:
    'CREATE TABLE HOURLY AS SELECT ITEM, COUNT(*) AS N FROM ORDERS WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 10 MINUTES) WHERE QTY > 0 GROUP BY ITEM HAVING COUNT(*) > 2;',
  emitFinal: 'CREATE TABLE FINAL_COUNTS AS SELECT ITEM, COUNT(*) AS N FROM ORDERS WINDOW HOPPING (SIZE 10 MINUTES, ADVANCE BY 5 MINUTES) GROUP BY ITEM EMIT FINAL;',
  tableAggregate: 'CREATE TABLE PER_MAKER AS SELECT MAKER, COUNT(*) AS N FROM ITEMS GROUP BY MAKER;',
  streamStream: 'CREATE STREAM SHIPPED AS SELECT O.ID AS ID, O.ITEM, S.CARRIER FROM ORDERS O JOIN SHIPMENTS S WITHIN 1 HOUR ON O.ID = S.ID;',
  streamTable: 'CREATE STREAM PRICED AS SELECT O.ITEM AS ITEM, O.QTY, I.PRICE FROM ORDERS O LEFT JOIN ITEMS I ON O.ITEM = I.ITEM;',
  tableTable: 'CREATE TABLE IN_STOCK AS SELECT I.ITEM AS ITEM, I.PRICE, K.ON_HAND FROM ITEMS I LEFT JOIN STOCK K ON I.ITEM = K.ITEM WHERE K.ON_HAND > 0;',
  foreignKey: 'CREATE TABLE MADE_IN AS SELECT I.ITEM AS ITEM, I.PRICE, M.COUNTRY FROM ITEMS I JOIN MAKERS M ON I.MAKER = M.MAKER;',
  nway: 'CREATE STREAM FULL_ORDERS AS SELECT O.ITEM AS ITEM, S.CARRIER, I.PRICE FROM ORDERS O JOIN SHIPMENTS S WITHIN 1 HOUR ON O.ID = S.ID LEFT JOIN ITEMS I ON O.ITEM = I.ITEM;',
  insertInto: 'INSERT INTO BIG SELECT ID, ITEM, QTY AS DOUBLED FROM ORDERS;',
};

export function planShape(env: Env, sql: string, queryId = 'Q_0') {
  return env.service.planPersistent(parse<CreateAsSelect | InsertInto>(sql), queryId, env.ctx);
}
