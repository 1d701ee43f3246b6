// WINDOW COUNT against a reference computed by brute force: per key, record number i (in
// offset order) belongs to window j when j * ADVANCE <= i < j * ADVANCE + SIZE. EMIT CHANGES
// emits every window a record lands in (after a tombstone of the window's previous bounds
// when they moved); EMIT FINAL emits a window once, when its last record arrives. Several
// keys interleave; timestamps go back and forth (bounds are the first and last record's
// time, so a window may end before it starts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import { deserializeWindowedKey } from '../../src/serde/windowed.js';
import { INTEGER, STRING, col, collect, makeEnv, parse, produce, readAll, register, removeDir, run, source } from './helpers.js';

interface In {
  key: string;
  ts: number;
  v: number;
}

type Out = [key: string, start: number, end: number, value: { N: number; L: number[]; SEQ: number } | null];

function input(): In[] {
  const keys = ['a', 'b', 'a', 'c', 'a', 'b', 'a', 'a', 'b', 'c', 'a', 'b', 'b', 'a', 'c', 'c', 'a', 'b'];
  return keys.map((key, i) => ({ key, ts: 1000 + ((i * 37) % 23) * 10, v: i }));
}

function reference(records: In[], size: number, advance: number): { changes: Out[]; finals: Out[] } {
  const seen = new Map<string, In[]>();
  const changes: Out[] = [];
  const finals: Out[] = [];
  const bounds = (rs: In[]) => [rs[0]!.ts, rs.at(-1)!.ts] as const;
  for (const r of records) {
    const mine = seen.get(r.key) ?? [];
    mine.push(r);
    seen.set(r.key, mine);
    const i = mine.length - 1;
    for (let j = 0; j * advance <= i; j++) {
      if (i >= j * advance + size) continue;
      const members = mine.slice(j * advance, i + 1);
      const [start, end] = bounds(members);
      const value = { N: members.length, L: members.map((m) => m.v), SEQ: j };
      if (members.length > 1) {
        const [ps, pe] = bounds(members.slice(0, -1));
        if (ps !== start || pe !== end) changes.push([r.key, ps, pe, null]);
      }
      changes.push([r.key, start, end, value]);
      if (members.length === size) finals.push([r.key, start, end, value]);
    }
  }
  return { changes, finals };
}

function decode(recs: Awaited<ReturnType<typeof readAll>>): Out[] {
  return recs.map((r) => {
    const { key, window } = deserializeWindowedKey(r.key!, 'COUNT');
    return [key.toString(), window.start, window.end, r.value === null ? null : JSON.parse(r.value.toString())];
  });
}

for (const [size, advance] of [
  [3, 3],
  [4, 2],
  [3, 1],
]) {
  test(`count windows of ${size} records advancing by ${advance} match the brute-force reference`, async () => {
    const env = await makeEnv();
    try {
      await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
      const window = advance === size ? `COUNT (SIZE ${size})` : `COUNT (SIZE ${size}, ADVANCE ${advance})`;
      const select = `SELECT ID, COUNT(*) AS N, COLLECT_LIST(V) AS L, WINDOWSEQ AS SEQ FROM S WINDOW ${window} GROUP BY ID`;
      const changes = run(env, `CREATE TABLE CH AS ${select} EMIT CHANGES;`, 'CTAS_CH_0');
      run(env, `CREATE TABLE FI AS ${select} EMIT FINAL;`, 'CTAS_FI_0');
      assert.deepEqual(changes.plan.sink.keyFormat.window, { type: 'COUNT' });
      const records = input();
      await produce(env, 's', records.map((r) => ({ key: r.key, value: { V: r.v }, timestamp: r.ts })));
      await env.service.drain();
      const expected = reference(records, size, advance);
      assert.deepEqual(decode(await readAll(env, 'CH')), expected.changes);
      assert.deepEqual(decode(await readAll(env, 'FI')), expected.finals);

      // The materialized table holds each window once, with its current bounds.
      const pull = await env.service.runTransient(parse<SelectStatement>("SELECT WINDOWSTART, WINDOWEND, SEQ, N FROM CH WHERE ID = 'a';"), env.ctx);
      const rows = (await collect(pull.items)).filter((i): i is { row: unknown[] } => 'row' in i).map((r) => r.row);
      const latest = new Map<number, Out>();
      for (const c of expected.changes) if (c[0] === 'a' && c[3]) latest.set(c[3].SEQ, c);
      const want = [...latest.values()].map((c) => [c[1], c[2], c[3]!.SEQ, c[3]!.N]);
      const order = (x: unknown[], y: unknown[]) => (x[0] as number) - (y[0] as number) || (x[2] as number) - (y[2] as number);
      assert.deepEqual(rows.sort(order), want.sort(order));
    } finally {
      await env.close();
      removeDir(env.dir);
    }
  });
}

test('COUNT windows refuse a bad size, advance or grace period', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    const plan = (w: string) => env.service.planPersistent(parse(`CREATE TABLE X AS SELECT ID, COUNT(*) AS N FROM S WINDOW ${w} GROUP BY ID;`), 'CTAS_X_0', env.ctx);
    assert.throws(() => plan('COUNT (SIZE 0)'), /COUNT window size must be a positive number of records, got 0/);
    assert.throws(() => plan('COUNT (SIZE 2, ADVANCE 3)'), /COUNT window advance must be between 1 and the window size \(2\), got 3/);
    assert.throws(() => plan('COUNT (SIZE 2, GRACE PERIOD 1 SECOND)'), /Syntax error at or near 'GRACE'/);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});

test('WINDOWSEQ exists for COUNT windows only; no window aggregates a table', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    await register(env, source('T', 'TABLE', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    for (const w of ['TUMBLING (SIZE 1 SECOND)', 'SLIDING (SIZE 1 SECOND)', 'COUNT (SIZE 2)']) {
      assert.throws(
        () => env.service.planPersistent(parse(`CREATE TABLE X AS SELECT V, COUNT(*) AS N FROM T WINDOW ${w} GROUP BY V;`), 'CTAS_X_0', env.ctx),
        /Windowing not supported for table aggregations/,
      );
    }
    assert.throws(
      () => env.service.planPersistent(parse('CREATE TABLE X AS SELECT ID, WINDOWSEQ AS Q, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID;'), 'CTAS_X_0', env.ctx),
      /WINDOWSEQ/,
    );
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
