// Randomized: for many seeds, a stream S and one to three tables T1..T3 get records with
// random (per partition non-decreasing) timestamps, written to the log in random-size
// batches in a random interleaving before the join query starts from earliest, which then
// reads them in small random fetches. Its output must equal that of a plain reference that
// processes the same records one at a time in timestamp order (ties: tables before the
// stream, then join order, partition, offset): INNER and LEFT joins, two to four inputs, and
// table-table joins on the primary key (their changelog); stream-stream WITHIN joins (per task,
// as Kafka Streams keeps stream time) and foreign-key table-table joins further down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STRING, INTEGER, col, makeEnv, produce, readJson, register, removeDir, run, source, type Env } from './helpers.js';

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Rec {
  topic: string;
  /** Rank of the topic in the tie order: tables in join order, then the stream. */
  rank: number;
  partition: number;
  offset: number;
  ts: number;
  key: string | null;
  value: Record<string, unknown> | null;
}

interface Scenario {
  tables: number;
  types: ('JOIN' | 'LEFT JOIN')[];
  records: Rec[];
  partitions: number;
  maxPollRecords: number;
  bufferedPerPartition: number;
}

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];

function scenario(seed: number, tables: number): Scenario {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const records: Rec[] = [];
  const types = Array.from({ length: tables }, () => (rnd() < 0.5 ? 'JOIN' : 'LEFT JOIN') as 'JOIN' | 'LEFT JOIN');
  const timeline = (topic: string, rank: number, partition: number, count: number, make: (i: number) => Pick<Rec, 'key' | 'value'>) => {
    let ts = int(20);
    for (let i = 0; i < count; i++) {
      ts += int(4);
      records.push({ topic, rank, partition, offset: i, ts, ...make(i) });
    }
  };
  let n = 0;
  // Joined sources are co-partitioned: one partition count for all.
  const parts = 1 + int(3);
  for (let t = 1; t <= tables; t++) {
    for (let p = 0; p < parts; p++) {
      // A key lives in one partition of its table.
      const keys = KEYS.filter((_, i) => i % parts === p);
      timeline(`t${t}`, t - 1, p, int(40), () => ({
        key: keys[int(keys.length)]!,
        value: rnd() < 0.15 ? null : { V: `v${t}-${n++}` },
      }));
    }
  }
  for (let p = 0; p < parts; p++) {
    timeline('s', tables, p, 20 + int(60), () => ({
      key: null,
      value: { N: n++, A: rnd() < 0.05 ? null : rnd() < 0.15 ? 'k9' : KEYS[int(KEYS.length)]! },
    }));
  }
  return { tables, types, records, partitions: parts, maxPollRecords: 1 + int(30), bufferedPerPartition: 1 + int(8) };
}

/** Writes the records partition by partition in offset order, in random-size batches of random partitions. */
async function writeInterleaved(env: Env, records: Rec[], rnd: () => number): Promise<void> {
  const queues = new Map<string, Rec[]>();
  for (const r of records) {
    const id = `${r.topic}/${r.partition}`;
    if (!queues.has(id)) queues.set(id, []);
    queues.get(id)!.push(r);
  }
  const pending = [...queues.values()];
  while (pending.length > 0) {
    const i = Math.floor(rnd() * pending.length);
    const q = pending[i]!;
    const batch = q.splice(0, 1 + Math.floor(rnd() * 25));
    await produce(
      env,
      batch[0]!.topic,
      batch.map((r) => ({ key: r.key, value: r.value, timestamp: r.ts, partition: r.partition })),
    );
    if (q.length === 0) pending.splice(i, 1);
  }
}

/** The join, one record at a time in timestamp order. */
function reference(s: Scenario): string[] {
  const ordered = [...s.records].sort((a, b) => a.ts - b.ts || a.rank - b.rank || a.partition - b.partition || a.offset - b.offset);
  const tables = Array.from({ length: s.tables }, () => new Map<string, unknown>());
  const out: string[] = [];
  for (const r of ordered) {
    if (r.topic !== 's') {
      const state = tables[r.rank]!;
      if (r.value === null) state.delete(r.key!);
      else state.set(r.key!, r.value.V);
      continue;
    }
    const a = r.value!.A as string | null;
    const row: unknown[] = [r.value!.N];
    let dropped = false;
    for (let t = 0; t < s.tables && !dropped; t++) {
      const found = a === null ? undefined : tables[t]!.get(a);
      if (found === undefined && s.types[t] === 'JOIN') dropped = true;
      else row.push(found ?? null);
    }
    if (!dropped) out.push(JSON.stringify([a, ...row, r.ts]));
  }
  return out;
}

function querySql(s: Scenario): string {
  const values = Array.from({ length: s.tables }, (_, i) => `, T${i + 1}.V AS V${i + 1}`).join('');
  const joins = s.types.map((type, i) => ` ${type} T${i + 1} ON S.A = T${i + 1}.ID`).join('');
  return `CREATE STREAM OUT WITH (PARTITIONS=1) AS SELECT S.A, S.N${values} FROM S${joins};`;
}

async function runScenario(seed: number, tables: number): Promise<void> {
  const s = scenario(seed, tables);
  const env = await makeEnv({
    'ksql.streams.max.poll.records': s.maxPollRecords,
    'ksql.streams.buffered.records.per.partition': s.bufferedPerPartition,
  });
  try {
    const partitions = () => s.partitions;
    await register(env, source('S', 'STREAM', [col('N', INTEGER), col('A', STRING)]), partitions());
    for (let t = 1; t <= tables; t++) {
      await register(env, source(`T${t}`, 'TABLE', [col('ID', STRING, 'KEY'), col('V', STRING)]), partitions());
    }
    await writeInterleaved(env, s.records, random(seed * 31 + 7));
    run(env, querySql(s), `CSAS_OUT_${seed}`);
    await env.service.drain();
    const got = (await readJson(env, 'OUT')).map((r) => {
      const v = r.value as Record<string, unknown>;
      return JSON.stringify([r.key === null ? null : JSON.parse(JSON.stringify(r.key)), v.N, ...Array.from({ length: tables }, (_, i) => v[`V${i + 1}`] ?? null), r.timestamp]);
    });
    assert.deepEqual(got, reference(s), `seed ${seed}: ${querySql(s)} (max.poll.records ${s.maxPollRecords}, buffered ${s.bufferedPerPartition})`);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

const SEEDS = 12;

for (const tables of [1, 2, 3]) {
  test(`a stream joined with ${tables} table(s) from earliest equals the one-at-a-time reference (${SEEDS} seeds, INNER and LEFT)`, { timeout: 240_000 }, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) await runScenario(seed * 1000 + tables, tables);
  });
}

/** Table-table joins on the primary key: the changelog, one record at a time in timestamp order. */
function tableTableReference(records: Rec[], type: 'JOIN' | 'LEFT JOIN'): string[] {
  const ordered = [...records].sort((a, b) => a.ts - b.ts || a.rank - b.rank || a.partition - b.partition || a.offset - b.offset);
  const state = [new Map<string, { v: unknown; ts: number }>(), new Map<string, { v: unknown; ts: number }>()];
  const out: string[] = [];
  const emit = (k: string, l: unknown, r: unknown, ts: number, deleted: boolean) => out.push(JSON.stringify(deleted ? [k, null, ts] : [k, l, r ?? null, ts]));
  for (const rec of ordered) {
    const side = rec.rank;
    const k = rec.key!;
    const mine = state[side]!;
    const other = state[1 - side]!.get(k);
    const keepsMine = side === 0 && type === 'LEFT JOIN';
    const keepsOther = side === 1 && type === 'LEFT JOIN';
    const pair = (m: unknown) => (side === 0 ? [m, other?.v] : [other?.v, m]);
    if (rec.value !== null) {
      mine.set(k, { v: rec.value.V, ts: rec.ts });
      const ts = other ? Math.max(rec.ts, other.ts) : rec.ts;
      if (!other && !keepsMine) continue;
      const [l, r] = pair(rec.value.V);
      emit(k, l, r, ts, false);
      continue;
    }
    if (!mine.has(k)) continue;
    mine.delete(k);
    const ts = other ? Math.max(rec.ts, other.ts) : rec.ts;
    if (other && keepsOther) emit(k, other.v, null, ts, false);
    else if (other || keepsMine) emit(k, null, null, ts, true);
  }
  return out;
}

test(`a table-table join from earliest equals the one-at-a-time reference (${SEEDS} seeds, INNER and LEFT)`, { timeout: 240_000 }, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const s = scenario(seed * 7919, 2);
    // The stream's records are not used: T1 and T2 join each other.
    const records = s.records.filter((r) => r.topic !== 's');
    const type = s.types[0]!;
    const env = await makeEnv({
      'ksql.streams.max.poll.records': s.maxPollRecords,
      'ksql.streams.buffered.records.per.partition': s.bufferedPerPartition,
    });
    try {
      for (let t = 1; t <= 2; t++) await register(env, source(`T${t}`, 'TABLE', [col('ID', STRING, 'KEY'), col('V', STRING)]), s.partitions);
      await writeInterleaved(env, records, random(seed * 13 + 5));
      const sql = `CREATE TABLE OUT WITH (PARTITIONS=1) AS SELECT T1.ID, T1.V AS V1, T2.V AS V2 FROM T1 ${type} T2 ON T1.ID = T2.ID;`;
      run(env, sql, `CTAS_OUT_${seed}`);
      await env.service.drain();
      const got = (await readJson(env, 'OUT')).map((r) => {
        const v = r.value as Record<string, unknown> | null;
        return JSON.stringify(v === null ? [r.key, null, r.timestamp] : [r.key, v.V1 ?? null, v.V2 ?? null, r.timestamp]);
      });
      assert.deepEqual(got, tableTableReference(records, type), `seed ${seed}: ${sql} (max.poll.records ${s.maxPollRecords})`);
    } finally {
      await env.close();
      removeDir(env.dir);
    }
  }
});

// ---------------------------------------------------------------- stream-stream (WITHIN)

/**
 * Two co-partitioned streams L and R keyed by K (a key lives in one partition of each).
 * Timestamps are distinct across all records, so "timestamp order" is one order. Some
 * records have a null key or value: a join skips them without moving its time.
 */
function streamStreamScenario(seed: number) {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const parts = 1 + int(3);
  const lanes = 2 * parts;
  const records: Rec[] = [];
  let n = 0;
  for (const [rank, topic] of [[0, 'l'], [1, 'r']] as const) {
    for (let p = 0; p < parts; p++) {
      const keys = KEYS.filter((_, i) => i % parts === p);
      let step = int(6);
      const count = 10 + int(40);
      for (let i = 0; i < count; i++) {
        step += 1 + int(4);
        const key = rnd() < 0.05 ? null : keys[int(keys.length)]!;
        const value = rnd() < 0.05 ? null : { [rank === 0 ? 'V' : 'W']: `${topic}${n++}` };
        records.push({ topic, rank, partition: p, offset: i, ts: step * lanes + rank * parts + p, key, value });
      }
    }
  }
  const types = ['JOIN', 'LEFT JOIN', 'FULL OUTER JOIN'] as const;
  return {
    records,
    partitions: parts,
    type: types[int(types.length)]!,
    withinMs: lanes * (1 + int(4)),
    graceMs: rnd() < 0.5 ? undefined : lanes * int(4),
    maxPollRecords: 1 + int(30),
    bufferedPerPartition: 1 + int(8),
  };
}

type StreamStreamScenario = ReturnType<typeof streamStreamScenario>;

/**
 * Kafka Streams' stream-stream join, one record at a time in timestamp order per task (a
 * partition of both streams): each record joins the other side's records of its key within
 * the window, at the later timestamp. Outer sides: without a grace period an unmatched record
 * is emitted at once; with one it waits until its task's stream time passes its window and
 * grace, and is dropped if a match comes first. Returns each task's output in order.
 */
function streamStreamReference(s: StreamStreamScenario): Map<number, string[]> {
  const ordered = [...s.records].sort((a, b) => a.ts - b.ts);
  const outer = [s.type !== 'JOIN', s.type === 'FULL OUTER JOIN'];
  const deferred = s.graceMs !== undefined;
  const grace = s.graceMs ?? 0;
  const tasks = new Map<number, { time: number; seen: Rec[][]; pending: Rec[]; out: string[] }>();
  const row = (k: string, l: Rec | null, r: Rec | null, ts: number) => JSON.stringify([k, l?.value!.V ?? null, r?.value!.W ?? null, ts]);
  for (const rec of ordered) {
    if (rec.key === null || rec.value === null) continue;
    let task = tasks.get(rec.partition);
    if (!task) tasks.set(rec.partition, (task = { time: -Infinity, seen: [[], []], pending: [], out: [] }));
    const side = rec.rank;
    task.time = Math.max(task.time, rec.ts);
    task.seen[side]!.push(rec);
    if (deferred && rec.ts === task.time) {
      const closed = task.pending.filter((p) => p.ts + s.withinMs + grace < task.time);
      for (const p of closed) task.out.push(p.rank === 0 ? row(p.key!, p, null, p.ts) : row(p.key!, null, p, p.ts));
      task.pending = task.pending.filter((p) => !closed.includes(p));
    }
    const matches = task.seen[1 - side]!.filter((m) => m.key === rec.key && Math.abs(m.ts - rec.ts) <= s.withinMs);
    for (const m of matches) {
      const ts = Math.max(m.ts, rec.ts);
      task.out.push(side === 0 ? row(rec.key!, rec, m, ts) : row(rec.key!, m, rec, ts));
      task.pending = task.pending.filter((p) => p !== m);
    }
    if (matches.length === 0 && outer[side]) {
      if (deferred) task.pending.push(rec);
      else task.out.push(side === 0 ? row(rec.key!, rec, null, rec.ts) : row(rec.key!, null, rec, rec.ts));
    }
  }
  return new Map([...tasks].map(([p, t]) => [p, t.out]));
}

function streamStreamSql(s: StreamStreamScenario): string {
  const key = s.type === 'FULL OUTER JOIN' ? 'ROWKEY AS K' : 'L.K AS K';
  const grace = s.graceMs === undefined ? '' : ` GRACE PERIOD ${s.graceMs} MILLISECONDS`;
  return `CREATE STREAM OUT WITH (PARTITIONS=1) AS SELECT ${key}, L.V AS V, R.W AS W FROM L ${s.type} R WITHIN ${s.withinMs} MILLISECONDS${grace} ON L.K = R.K;`;
}

test(`a stream-stream join (WITHIN, with and without GRACE) from earliest equals the one-at-a-time reference (${SEEDS * 2} seeds, INNER, LEFT, FULL OUTER)`, { timeout: 240_000 }, async () => {
  for (let seed = 1; seed <= SEEDS * 2; seed++) {
    const s = streamStreamScenario(seed * 104729);
    const env = await makeEnv({
      'ksql.streams.max.poll.records': s.maxPollRecords,
      'ksql.streams.buffered.records.per.partition': s.bufferedPerPartition,
    });
    try {
      await register(env, source('L', 'STREAM', [col('K', STRING, 'KEY'), col('V', STRING)]), s.partitions);
      await register(env, source('R', 'STREAM', [col('K', STRING, 'KEY'), col('W', STRING)]), s.partitions);
      await writeInterleaved(env, s.records, random(seed * 17 + 3));
      const sql = streamStreamSql(s);
      run(env, sql, `CSAS_OUT_${seed}`);
      await env.service.drain();
      // Tasks (partitions) run side by side: each task's output keeps its order.
      const partitionOf = (k: string) => KEYS.indexOf(k) % s.partitions;
      const got = new Map<number, string[]>();
      for (const r of await readJson(env, 'OUT')) {
        const v = r.value as Record<string, unknown>;
        const k = r.key!;
        const list = got.get(partitionOf(k)) ?? [];
        list.push(JSON.stringify([k, v.V ?? null, v.W ?? null, r.timestamp]));
        got.set(partitionOf(k), list);
      }
      const want = new Map([...streamStreamReference(s)].filter(([, out]) => out.length > 0));
      const sorted = (m: Map<number, string[]>) => [...m].sort((a, b) => a[0] - b[0]);
      assert.deepEqual(sorted(got), sorted(want), `seed ${seed}: ${sql} (${s.partitions} partitions, max.poll.records ${s.maxPollRecords}, buffered ${s.bufferedPerPartition})`);
    } finally {
      await env.close();
      removeDir(env.dir);
    }
  }
});

// ---------------------------------------------------------------- foreign-key table-table

/** L (ID, FK, V) joins R (ID, W) on L.FK = R.ID; the tables need not be co-partitioned. Timestamps are distinct. */
function foreignKeyScenario(seed: number) {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const leftParts = 1 + int(3);
  const rightParts = 1 + int(3);
  const lanes = leftParts + rightParts;
  const pks = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
  const records: Rec[] = [];
  let n = 0;
  const timeline = (topic: string, rank: number, partition: number, lane: number, keys: string[], make: () => Record<string, unknown> | null) => {
    let step = int(6);
    const count = 5 + int(35);
    for (let i = 0; i < count; i++) {
      step += 1 + int(4);
      records.push({ topic, rank, partition, offset: i, ts: step * lanes + lane, key: keys[int(keys.length)]!, value: make() });
    }
  };
  for (let p = 0; p < leftParts; p++) {
    timeline('l', 0, p, p, pks.filter((_, i) => i % leftParts === p), () =>
      rnd() < 0.15 ? null : { FK: rnd() < 0.1 ? null : rnd() < 0.1 ? 'k9' : KEYS[int(KEYS.length)]!, V: `v${n++}` },
    );
  }
  for (let p = 0; p < rightParts; p++) {
    timeline('r', 1, p, leftParts + p, KEYS.filter((_, i) => i % rightParts === p), () => (rnd() < 0.2 ? null : { W: `w${n++}` }));
  }
  return {
    records,
    leftParts,
    rightParts,
    type: (rnd() < 0.5 ? 'JOIN' : 'LEFT JOIN') as 'JOIN' | 'LEFT JOIN',
    maxPollRecords: 1 + int(30),
    bufferedPerPartition: 1 + int(8),
  };
}

/**
 * The foreign-key join's changelog, one record at a time in timestamp order: a left row
 * joins the right row its FK names (at the later of their times); a right change updates
 * every left row naming it, in key order, at its own time; a left delete withdraws the
 * row's result; an inner result whose FK moved to a key without a right row is withdrawn.
 */
function foreignKeyReference(s: ReturnType<typeof foreignKeyScenario>): string[] {
  const ordered = [...s.records].sort((a, b) => a.ts - b.ts);
  const left = new Map<string, { fk: string | null; v: unknown; ts: number }>();
  const right = new Map<string, { w: unknown; ts: number }>();
  const out: string[] = [];
  const emit = (pk: string, v: unknown, w: unknown, ts: number) => out.push(JSON.stringify([pk, v, w ?? null, ts]));
  const withdraw = (pk: string, ts: number) => out.push(JSON.stringify([pk, null, ts]));
  for (const rec of ordered) {
    const k = rec.key!;
    if (rec.topic === 'r') {
      if (rec.value === null && !right.has(k)) continue;
      if (rec.value === null) right.delete(k);
      else right.set(k, { w: rec.value.W, ts: rec.ts });
      for (const pk of [...left.keys()].sort()) {
        const l = left.get(pk)!;
        if (l.fk !== k) continue;
        if (rec.value !== null) emit(pk, l.v, rec.value.W, rec.ts);
        else if (s.type === 'LEFT JOIN') emit(pk, l.v, null, rec.ts);
        else withdraw(pk, rec.ts);
      }
      continue;
    }
    const old = left.get(k);
    if (rec.value === null) {
      if (!old) continue;
      left.delete(k);
      const r = old.fk === null ? undefined : right.get(old.fk);
      withdraw(k, r ? Math.max(rec.ts, r.ts) : rec.ts);
      continue;
    }
    const fk = rec.value.FK as string | null;
    left.set(k, { fk, v: rec.value.V, ts: rec.ts });
    const r = fk === null ? undefined : right.get(fk);
    const ts = r ? Math.max(rec.ts, r.ts) : rec.ts;
    if (r) emit(k, rec.value.V, r.w, ts);
    else if (s.type === 'LEFT JOIN') emit(k, rec.value.V, null, ts);
    else if (old && old.fk !== null && old.fk !== fk) withdraw(k, ts);
  }
  return out;
}

test(`a foreign-key table-table join from earliest equals the one-at-a-time reference (${SEEDS * 2} seeds, INNER and LEFT)`, { timeout: 240_000 }, async () => {
  for (let seed = 1; seed <= SEEDS * 2; seed++) {
    const s = foreignKeyScenario(seed * 15485863);
    const env = await makeEnv({
      'ksql.streams.max.poll.records': s.maxPollRecords,
      'ksql.streams.buffered.records.per.partition': s.bufferedPerPartition,
    });
    try {
      await register(env, source('L', 'TABLE', [col('ID', STRING, 'KEY'), col('FK', STRING), col('V', STRING)]), s.leftParts);
      await register(env, source('R', 'TABLE', [col('ID', STRING, 'KEY'), col('W', STRING)]), s.rightParts);
      await writeInterleaved(env, s.records, random(seed * 29 + 11));
      const sql = `CREATE TABLE OUT WITH (PARTITIONS=1) AS SELECT L.ID AS ID, L.V AS V, R.W AS W FROM L ${s.type} R ON L.FK = R.ID;`;
      run(env, sql, `CTAS_OUT_${seed}`);
      await env.service.drain();
      const got = (await readJson(env, 'OUT')).map((r) => {
        const v = r.value as Record<string, unknown> | null;
        return JSON.stringify(v === null ? [r.key, null, r.timestamp] : [r.key, v.V ?? null, v.W ?? null, r.timestamp]);
      });
      assert.deepEqual(got, foreignKeyReference(s), `seed ${seed}: ${sql} (L ${s.leftParts} / R ${s.rightParts} partitions, max.poll.records ${s.maxPollRecords})`);
    } finally {
      await env.close();
      removeDir(env.dir);
    }
  }
});
