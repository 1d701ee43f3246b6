// Differential test of pull queries: random rows go into a materialized table (with updates
// and deletes), a stream and a windowed aggregate, and the same rows into a plain SQLite
// database; many random query shapes then run on both, and the answers must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { SelectStatement } from '../../src/parser/ast.js';
import { PULL_SQL_PROPERTY } from '../../src/planner/query/pull-sql.js';
import { BIGINT, INTEGER, STRING, col, collect, makeEnv, parse, produce, register, removeDir, run, source, type Env } from './helpers.js';

const SEED = Number(process.env.PULL_SEED ?? 20261202);
const SHAPES = Number(process.env.PULL_SHAPES ?? 400);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  K: string;
  A: number | null;
  B: number;
  G: string | null;
  ts: number;
}

const rand = rng(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
const key = (i: number) => `k${String(i).padStart(3, '0')}`;
const KEYS = 200;

function randomRow(k: string): Row {
  return { K: k, A: rand() < 0.2 ? null : int(-50, 50), B: int(0, 1_000_000), G: rand() < 0.15 ? null : `g${int(0, 4)}`, ts: int(0, 99_999) };
}

/** One random query as Eddy SQL and as SQLite SQL over a reference table named `ref`. */
function randomQuery(from: 'T' | 'EV'): { eddy: string; lite: string; ordered: boolean } {
  const k = () => key(int(0, KEYS + 10));
  const wheres: [string, string][] = [
    ['', ''],
    [`K = '${k()}'`, ''],
    [`K IN ('${k()}', '${k()}', '${k()}')`, ''],
    [`K >= '${k()}' AND K < '${k()}'`, ''],
    [`K BETWEEN '${k()}' AND '${k()}'`, ''],
    [`K > '${k()}'`, ''],
    [`A > ${int(-50, 50)}`, ''],
    ['A IS NULL', ''],
    [`K IN ('${k()}', '${k()}', '${k()}', '${k()}') AND A < ${int(-50, 50)}`, ''],
    [`G = 'g${int(0, 4)}' OR A < ${int(-50, 0)}`, ''],
    [`K <= '${k()}' AND G IS NOT NULL`, ''],
  ];
  const [w] = pick(wheres);
  const where = w ? ` WHERE ${w}` : '';
  const limit = rand() < 0.4 ? ` LIMIT ${int(0, 8)}${rand() < 0.5 ? ` OFFSET ${int(0, 5)}` : ''}` : '';
  const kind = int(0, 2);
  if (kind === 0) {
    const order = pick(['K', 'A DESC, K', 'G, A, K', 'B DESC, K', 'A NULLS LAST, K']);
    const useOrder = limit !== '' || rand() < 0.5;
    const sql = `SELECT K, A, B, G FROM ${from}${where}${useOrder ? ` ORDER BY ${order}` : ''}${limit};`;
    return { eddy: sql, lite: sql.replace(` FROM ${from}`, ' FROM ref'), ordered: useOrder };
  }
  const aggs: [string, string][] = [
    ['COUNT(*)', 'COUNT(*)'],
    ['COUNT(A)', 'COUNT(A)'],
    ['SUM(A)', 'COALESCE(SUM(A), 0)'],
    ['MIN(A)', 'MIN(A)'],
    ['MAX(B)', 'MAX(B)'],
    ['AVG(A)', 'COALESCE(AVG(A), 0)'], // ksqlDB's AVG of no values is 0
    ['COUNT_DISTINCT(G)', 'COUNT(DISTINCT G)'],
    ['SUM(B)', 'COALESCE(SUM(B), 0)'],
  ];
  const chosen = [pick(aggs), pick(aggs), pick(aggs)];
  const eddyAggs = chosen.map(([e], i) => `${e} AS X${i}`).join(', ');
  const liteAggs = chosen.map(([, l], i) => `${l} AS X${i}`).join(', ');
  if (kind === 1) {
    return { eddy: `SELECT ${eddyAggs} FROM ${from}${where};`, lite: `SELECT ${liteAggs} FROM ref${where};`, ordered: false };
  }
  const having = rand() < 0.4 ? pick([`COUNT(*) > ${int(0, 40)}`, `SUM(B) > ${int(0, 20_000_000)}`]) : undefined;
  const havingEddy = having ? ` HAVING ${having}` : '';
  const havingLite = having ? ` HAVING ${having.replace('SUM(B)', 'COALESCE(SUM(B), 0)')}` : '';
  const order = rand() < 0.5 ? ' ORDER BY G' : ' ORDER BY X0 DESC, G';
  const useOrder = limit !== '' || rand() < 0.5;
  return {
    eddy: `SELECT G, ${eddyAggs} FROM ${from}${where} GROUP BY G${havingEddy}${useOrder ? order : ''}${limit};`,
    lite: `SELECT G, ${liteAggs} FROM ref${where} GROUP BY G${havingLite}${useOrder ? order : ''}${limit};`,
    ordered: useOrder,
  };
}

async function eddyRows(env: Env, sql: string): Promise<unknown[][]> {
  const q = await env.service.runTransient(parse<SelectStatement>(sql), { ...env.ctx, properties: { ...env.ctx.properties, [PULL_SQL_PROPERTY]: true } });
  const items = await collect(q.items);
  for (const i of items) if ('errorMessage' in i) throw new Error(`${sql}: ${i.errorMessage.message}`);
  return items.map((i) => (i as { row: unknown[] }).row);
}

function normalize(rows: unknown[][], ordered: boolean): string[] {
  const out = rows.map((r) => JSON.stringify(r.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(9)) : v))));
  return ordered ? out : out.sort();
}

/** With ORDER BY on non-unique columns and a LIMIT, ties may pick different rows: compare the sort columns then. */
function assertSame(eddy: unknown[][], lite: unknown[][], q: { eddy: string; ordered: boolean }): void {
  assert.deepEqual(normalize(eddy, q.ordered), normalize(lite, q.ordered), `${q.eddy} (seed ${SEED})`);
}

test(`pull queries agree with SQLite over the same rows (${SHAPES} random shapes, seed ${SEED})`, async () => {
  const env = await makeEnv();
  const ref = new Database(':memory:');
  try {
    const columns = [col('K', STRING, 'KEY'), col('A', INTEGER), col('B', BIGINT), col('G', STRING)];
    await register(env, source('T0', 'TABLE', columns));
    await register(env, source('EV', 'STREAM', columns));
    run(env, 'CREATE TABLE T AS SELECT * FROM T0;', 'CTAS_T_0');
    run(env, 'CREATE TABLE W AS SELECT K, COUNT(*) AS N, SUM(B) AS S FROM EV WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY K;', 'CTAS_W_1');

    const table = new Map<string, Row>();
    const tableRecords: { key: string; value: unknown; timestamp: number }[] = [];
    for (let i = 0; i < KEYS; i++) {
      const r = randomRow(key(i));
      table.set(r.K, r);
      tableRecords.push({ key: r.K, value: { A: r.A, B: r.B, G: r.G }, timestamp: r.ts });
    }
    for (let i = 0; i < 60; i++) {
      const r = randomRow(key(int(0, KEYS - 1)));
      table.set(r.K, r);
      tableRecords.push({ key: r.K, value: { A: r.A, B: r.B, G: r.G }, timestamp: r.ts });
    }
    for (let i = 0; i < 20; i++) {
      const k = key(int(0, KEYS - 1));
      table.delete(k);
      tableRecords.push({ key: k, value: null, timestamp: 1 });
    }
    const events = Array.from({ length: 600 }, () => randomRow(key(int(0, KEYS / 4))));
    await produce(env, 't0', tableRecords);
    await produce(env, 'ev', events.map((r) => ({ key: r.K, value: { A: r.A, B: r.B, G: r.G }, timestamp: r.ts })));
    await env.service.drain();

    ref.exec('CREATE TABLE t (K TEXT, A INTEGER, B INTEGER, G TEXT); CREATE TABLE ev (K TEXT, A INTEGER, B INTEGER, G TEXT, ts INTEGER);');
    const insT = ref.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
    for (const r of table.values()) insT.run(r.K, r.A, r.B, r.G);
    const insE = ref.prepare('INSERT INTO ev VALUES (?, ?, ?, ?, ?)');
    for (const r of events) insE.run(r.K, r.A, r.B, r.G, r.ts);
    ref.exec(`CREATE TABLE w AS SELECT K, (ts / 10000) * 10000 AS WS, (ts / 10000) * 10000 + 10000 AS WE, COUNT(*) AS N, SUM(B) AS S FROM ev GROUP BY K, ts / 10000;`);

    let checked = 0;
    for (let i = 0; i < SHAPES; i++) {
      const from = i % 3 === 2 ? 'EV' : 'T';
      const q = randomQuery(from);
      ref.exec(`DROP VIEW IF EXISTS ref; CREATE TEMP VIEW ref AS SELECT * FROM ${from === 'T' ? 't' : 'ev'};`);
      const lite = ref.prepare(q.lite).raw(true).all() as unknown[][];
      assertSame(await eddyRows(env, q.eddy), lite, q);
      checked++;
    }

    // Windowed table: window bounds through the index, with aggregates over the windows.
    for (let i = 0; i < 60; i++) {
      const k = key(int(0, KEYS / 4));
      const lo = int(0, 9) * 10_000;
      const hi = lo + int(1, 5) * 10_000;
      const shapes: [string, string, boolean][] = [
        [`SELECT K, WINDOWSTART, WINDOWEND, N, S FROM W WHERE K = '${k}';`, `SELECT K, WS, WE, N, S FROM w WHERE K = '${k}' ORDER BY WS;`, true],
        [`SELECT K, WINDOWSTART, N FROM W WHERE K = '${k}' AND WINDOWSTART >= ${lo} AND WINDOWSTART < ${hi};`, `SELECT K, WS, N FROM w WHERE K = '${k}' AND WS >= ${lo} AND WS < ${hi} ORDER BY WS;`, true],
        [`SELECT K, N FROM W WHERE WINDOWEND <= ${hi} AND WINDOWSTART >= ${lo};`, `SELECT K, N FROM w WHERE WE <= ${hi} AND WS >= ${lo};`, false],
        [`SELECT SUM(N) AS T, COUNT(*) AS C, MAX(S) AS M FROM W WHERE WINDOWSTART BETWEEN ${lo} AND ${hi};`, `SELECT COALESCE(SUM(N), 0), COUNT(*), MAX(S) FROM w WHERE WS BETWEEN ${lo} AND ${hi};`, false],
        [`SELECT WINDOWSTART, SUM(N) AS T FROM W GROUP BY WINDOWSTART ORDER BY WINDOWSTART DESC LIMIT 3;`, `SELECT WS, SUM(N) FROM w GROUP BY WS ORDER BY WS DESC LIMIT 3;`, true],
      ];
      const [eddy, lite, ordered] = shapes[i % shapes.length]!;
      assertSame(await eddyRows(env, eddy), ref.prepare(lite).raw(true).all() as unknown[][], { eddy, ordered });
      checked++;
    }
    assert.ok(checked >= SHAPES);
  } finally {
    ref.close();
    await env.close();
    removeDir(env.dir);
  }
});
