// WINDOW SLIDING against a reference computed by brute force over the same records: after
// every record, the set of windows (the left window [t - SIZE, t] of every accepted record
// time t, and the right window [t + 1, t + 1 + SIZE] of every t with a later record inside
// it) and each window's records are computed from scratch. EMIT CHANGES must emit, per
// record, exactly the windows that are new or contain it, in window order, with the
// aggregate over their records; EMIT FINAL every window once, after it closes, in window-end
// order. The records come out of order, inside and beyond the grace period: a record too
// late for its own window still goes into the later windows that are open (as in Kafka
// Streams), and is dropped whole once even its right window is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { deserializeWindowedKey } from '../../src/serde/windowed.js';
import { INTEGER, STRING, col, collect, makeEnv, parse, produce, readAll, register, removeDir, run, source } from './helpers.js';

const SIZE = 10;
const GRACE = 5;

interface In {
  key: string;
  ts: number;
  v: number;
}

interface Out {
  key: string;
  start: number;
  end: number;
  n: number;
  list: number[];
  rowtime: number;
}

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function records(seed: number, count: number): In[] {
  const rnd = random(seed);
  const out: In[] = [];
  let time = 100;
  for (let i = 0; i < count; i++) {
    time += Math.floor(rnd() * 6);
    // Mostly in order; some a little late (inside grace), some far behind (beyond it).
    const r = rnd();
    const ts = r < 0.15 ? time - Math.floor(rnd() * GRACE) : r < 0.25 ? time - GRACE - 1 - Math.floor(rnd() * 20) : time;
    out.push({ key: rnd() < 0.5 ? 'a' : 'b', ts, v: i });
  }
  return out;
}

/** The windows of a key's accepted records, by start: each with its records in arrival order. */
function windowsOf(accepted: In[]): Map<number, In[]> {
  const starts = new Set<number>();
  for (const r of accepted) {
    starts.add(r.ts - SIZE);
    if (accepted.some((u) => u.ts > r.ts && u.ts <= r.ts + 1 + SIZE)) starts.add(r.ts + 1);
  }
  const out = new Map<number, In[]>();
  for (const s of [...starts].sort((a, b) => a - b)) out.set(s, accepted.filter((r) => r.ts >= s && r.ts <= s + SIZE));
  return out;
}

function windowOrder(x: Out, y: Out): number {
  return x.end - y.end || x.start - y.start || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
}

function result(key: string, start: number, rs: In[]): Out {
  return { key, start, end: start + SIZE, n: rs.length, list: rs.map((r) => r.v), rowtime: Math.max(...rs.map((r) => r.ts)) };
}

function reference(input: In[]): { changes: Out[]; finals: Out[]; late: In[]; dropped: In[] } {
  const accepted = new Map<string, In[]>();
  /** The windows that exist, by key and start, with the records they got. */
  const windows = new Map<string, Map<number, In[]>>();
  const changes: Out[] = [];
  const finals: Out[] = [];
  const late: In[] = [];
  const dropped: In[] = [];
  const emitted = new Set<string>();
  let streamTime = -Infinity;
  const open = (start: number) => start + SIZE + GRACE >= streamTime;
  const closeWindows = (): void => {
    const closed: Out[] = [];
    for (const [key, ws] of windows) {
      for (const [start, members] of ws) {
        const id = `${key}|${start}`;
        if (!emitted.has(id) && !open(start)) {
          emitted.add(id);
          closed.push(result(key, start, members));
        }
      }
    }
    finals.push(...closed.sort(windowOrder));
  };
  for (const r of input) {
    streamTime = Math.max(streamTime, r.ts);
    // Late for its own window (the left one): it misses that one at least.
    if (r.ts + GRACE < streamTime) late.push(r);
    // Even its right window is closed: dropped whole.
    if (!open(r.ts + 1)) {
      dropped.push(r);
      closeWindows();
      continue;
    }
    const mine = accepted.get(r.key) ?? [];
    mine.push(r);
    accepted.set(r.key, mine);
    const ws = windows.get(r.key) ?? new Map<number, In[]>();
    windows.set(r.key, ws);
    for (const [start, members] of windowsOf(mine)) {
      const existing = ws.get(start);
      const holds = r.ts >= start && r.ts <= start + SIZE;
      // An existing window changes when it holds the record, a missing one is created; but
      // a closed window takes no record and is never created.
      if ((existing && !holds) || !open(start)) continue;
      const content = existing ? [...existing, r] : members;
      ws.set(start, content);
      changes.push(result(r.key, start, content));
    }
    closeWindows();
  }
  return { changes, finals, late, dropped };
}

function decode(recs: Awaited<ReturnType<typeof readAll>>): Out[] {
  return recs.map((r) => {
    const { key, window } = deserializeWindowedKey(r.key!, 'SLIDING', SIZE);
    const v = JSON.parse(r.value!.toString()) as { N: number; L: number[]; WS: number; WE: number };
    assert.equal(v.WS, window.start, 'WINDOWSTART matches the key');
    assert.equal(v.WE, window.end, 'WINDOWEND matches the key');
    return { key: key.toString(), start: window.start, end: window.end, n: v.N, list: v.L, rowtime: r.timestamp };
  });
}

for (const seed of [1, 2, 3]) {
  test(`sliding windows match the brute-force reference (seed ${seed}): EMIT CHANGES, EMIT FINAL, late records`, async () => {
    const env = await makeEnv();
    try {
      await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
      const select = `SELECT ID, COUNT(*) AS N, COLLECT_LIST(V) AS L, WINDOWSTART AS WS, WINDOWEND AS WE FROM S WINDOW SLIDING (SIZE ${SIZE} MILLISECONDS, GRACE PERIOD ${GRACE} MILLISECONDS) GROUP BY ID`;
      const changes = run(env, `CREATE TABLE CH AS ${select} EMIT CHANGES;`, 'CTAS_CH_0');
      const finals = run(env, `CREATE TABLE FI AS ${select} EMIT FINAL;`, 'CTAS_FI_0');
      assert.deepEqual(changes.plan.sink.keyFormat.window, { type: 'SLIDING', sizeMs: SIZE });
      const input = records(seed, 120);
      await produce(env, 's', input.map((r) => ({ key: r.key, value: { V: r.v }, timestamp: r.ts })));
      await env.service.drain();
      const expected = reference(input);
      assert.ok(expected.dropped.length > 0, 'some records are dropped whole');
      assert.ok(expected.late.length > expected.dropped.length, 'some late records still go into later windows');
      assert.ok(expected.changes.length > input.length, 'windows overlap');
      assert.deepEqual(decode(await readAll(env, 'CH')), expected.changes);
      const gotFinals = decode(await readAll(env, 'FI'));
      for (let i = 1; i < gotFinals.length; i++) assert.ok(gotFinals[i]!.end >= gotFinals[i - 1]!.end, 'EMIT FINAL emits in window order');
      // Windows of different keys with the same bounds close together, in either order.
      assert.deepEqual(gotFinals.sort(windowOrder), expected.finals);
      assert.equal(changes.running.statistics?.()['late-records'], expected.late.length);
      assert.equal(finals.running.statistics?.()['late-records'], expected.late.length);

      // Pull queries read the sliding windows of the materialized table.
      const last = expected.changes.filter((c) => c.key === 'a').at(-1)!;
      const pull = await env.service.runTransient(parse<SelectStatement>(`SELECT N, L FROM CH WHERE ID = 'a' AND WINDOWSTART = ${last.start};`), env.ctx);
      const rows = (await collect(pull.items)).filter((i): i is { row: unknown[] } => 'row' in i);
      assert.deepEqual(rows.map((r) => r.row), [[last.n, last.list]]);
    } finally {
      await env.close();
      removeDir(env.dir);
    }
  });
}

test('sliding windows: a right window opens when a record arrives out of order', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    run(env, 'CREATE TABLE W AS SELECT ID, SUM(V) AS T FROM S WINDOW SLIDING (SIZE 10 MILLISECONDS, GRACE PERIOD 100 MILLISECONDS) GROUP BY ID;', 'CTAS_W_0');
    await produce(env, 's', [
      { key: 'k', value: { V: 1 }, timestamp: 20 },
      { key: 'k', value: { V: 2 }, timestamp: 15 },
    ]);
    await env.service.drain();
    const out = (await readAll(env, 'W')).map((r) => [deserializeWindowedKey(r.key!, 'SLIDING', 10).window.start, JSON.parse(r.value!.toString()).T]);
    // 20: its left window [10, 20]. 15: joins [10, 20], gets its left window [5, 15] and its
    // right window [16, 26], which holds the record at 20 only.
    assert.deepEqual(out, [[10, 1], [5, 2], [10, 3], [16, 1]]);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('push queries over sliding windows: EMIT CHANGES follows the reference; EMIT FINAL closes the last window once the input is idle', async () => {
  const env = await makeEnv({ 'ksql.suppress.idle.close.ms': 300 });
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    const input = records(7, 40);
    await produce(env, 's', input.map((r) => ({ key: r.key, value: { V: r.v }, timestamp: r.ts })));
    const expected = reference(input);
    const select = `SELECT ID, WINDOWSTART, WINDOWEND, COUNT(*) AS N, COLLECT_LIST(V) AS L FROM S WINDOW SLIDING (SIZE ${SIZE} MILLISECONDS, GRACE PERIOD ${GRACE} MILLISECONDS) GROUP BY ID`;
    const rows = async (sql: string) => {
      const q = await env.service.runTransient(parse<SelectStatement>(sql), env.ctx);
      return (await collect(q.items)).filter((i): i is { row: unknown[] } => 'row' in i).map((i) => i.row);
    };
    const asRows = (outs: Out[]) => outs.map((o) => [o.key, o.start, o.end, o.n, o.list]);
    assert.deepEqual(await rows(`${select} EMIT CHANGES LIMIT ${expected.changes.length};`), asRows(expected.changes));
    // Stream time stops at the last record: the reference leaves its windows open, the idle
    // timeout moves stream time to the wall clock and closes them too.
    const emitted = new Set(expected.finals.map((f) => `${f.key}|${f.start}`));
    const stillOpen: Out[] = [];
    for (const key of ['a', 'b']) {
      for (const [start, members] of windowsOf(input.filter((r) => !expected.late.includes(r) && r.key === key))) {
        if (!emitted.has(`${key}|${start}`)) stillOpen.push(result(key, start, members));
      }
    }
    assert.ok(stillOpen.length > 0, 'some windows are open when the input ends');
    const all = await rows(`${select} EMIT FINAL LIMIT ${expected.finals.length + stillOpen.length};`);
    const byWindow = (x: unknown[], y: unknown[]) => String(x).localeCompare(String(y));
    assert.deepEqual(all.slice(0, expected.finals.length).sort(byWindow), asRows(expected.finals).sort(byWindow));
    assert.deepEqual(all.slice(expected.finals.length).sort(byWindow), asRows(stillOpen).sort(byWindow));
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('sliding and count windows resume after a restart from their committed state', async () => {
  const first = await makeEnv();
  const dir = first.dir;
  const input = records(11, 80);
  const half = input.length / 2;
  const sliding = `CREATE TABLE CH AS SELECT ID, COUNT(*) AS N, COLLECT_LIST(V) AS L, WINDOWSTART AS WS, WINDOWEND AS WE FROM S WINDOW SLIDING (SIZE ${SIZE} MILLISECONDS, GRACE PERIOD ${GRACE} MILLISECONDS) GROUP BY ID EMIT CHANGES;`;
  const counting = 'CREATE TABLE CO AS SELECT ID, COUNT(*) AS N FROM S WINDOW COUNT (SIZE 4, ADVANCE 2) GROUP BY ID EMIT FINAL;';
  const start = async (env: Awaited<ReturnType<typeof makeEnv>>) => {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    run(env, sliding, 'CTAS_CH_0');
    run(env, counting, 'CTAS_CO_0');
  };
  try {
    await start(first);
    await produce(first, 's', input.slice(0, half).map((r) => ({ key: r.key, value: { V: r.v }, timestamp: r.ts })));
    await first.service.drain();
  } finally {
    await first.close();
  }
  const second = await makeEnv({}, dir);
  try {
    await start(second);
    await produce(second, 's', input.slice(half).map((r) => ({ key: r.key, value: { V: r.v }, timestamp: r.ts })));
    await second.service.drain();
    assert.deepEqual(decode(await readAll(second, 'CH')), reference(input).changes);
    const perKey = new Map<string, number>();
    for (const r of input) perKey.set(r.key, (perKey.get(r.key) ?? 0) + 1);
    const windowsDone = [...perKey.values()].reduce((n, c) => n + (c >= 4 ? Math.floor((c - 4) / 2) + 1 : 0), 0);
    const counts = (await readAll(second, 'CO')).map((r) => JSON.parse(r.value!.toString()).N);
    assert.deepEqual(counts, new Array(windowsDone).fill(4));
  } finally {
    await second.close();
    removeDir(dir);
  }
});
