// EMIT FINAL over TUMBLING and HOPPING windows against a reference computed by brute force
// over the same records, for Eddy's default (every window once) and for ksqlDB's rule
// (ksql.suppress.emit.expired.windows=false).
//
// ksqlDB (since 7.3) emits final results from the window store (Kafka Streams' emit on
// window close), and the store returns a window only while its start is no more than the
// retention behind the latest window start it holds (strict retention, KAFKA-12960). So,
// after each record, the reference recomputes from scratch: the windows of every accepted
// record (a record is accepted into each of its windows whose end is after stream time
// minus grace), the latest window start among them, and which windows have closed (end at
// or before stream time minus grace); every window closing for the first time is emitted,
// in window order, when its start is at least the latest window start minus the retention,
// and otherwise counted as expired. By default every window is emitted.
// The records are keyed, interleaved and out of order, inside and beyond the grace period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserializeWindowedKey } from '../../src/serde/windowed.js';
import { INTEGER, STRING, col, makeEnv, produce, readAll, register, removeDir, run, source } from './helpers.js';

interface In {
  key: string;
  ts: number;
  v: number;
}

interface Shape {
  size: number;
  advance: number;
  grace: number;
  retention?: number;
}

type Out = [key: string, start: number, n: number, list: number[]];

function windowsOf(ts: number, s: Shape): number[] {
  const starts: number[] = [];
  for (let start = 0; start <= ts; start += s.advance) if (start + s.size > ts) starts.push(start);
  return starts;
}

function reference(records: In[], s: Shape, emitExpired: boolean): { emitted: Out[]; expired: number; late: number } {
  const retention = s.retention ?? s.size + s.grace;
  const accepted: { r: In; start: number }[] = [];
  const done = new Set<string>();
  const emitted: Out[] = [];
  let expired = 0;
  let late = 0;
  let streamTime = -Infinity;
  for (const r of records) {
    streamTime = Math.max(streamTime, r.ts);
    let missed = false;
    for (const start of windowsOf(r.ts, s)) {
      if (start + s.size > streamTime - s.grace) accepted.push({ r, start });
      else missed = true;
    }
    if (missed) late++;
    const latestStart = Math.max(...accepted.map((a) => a.start));
    const closing = [...new Set(accepted.map((a) => `${a.start}|${a.r.key}`))]
      .filter((id) => !done.has(id))
      .map((id) => ({ id, start: Number(id.split('|')[0]), key: id.split('|')[1]! }))
      .filter((w) => w.start + s.size <= streamTime - s.grace)
      .sort((a, b) => a.start - b.start);
    for (const w of closing) {
      done.add(w.id);
      if (!emitExpired && w.start < latestStart - retention) {
        expired++;
        continue;
      }
      const members = accepted.filter((a) => a.start === w.start && a.r.key === w.key).map((a) => a.r.v);
      emitted.push([w.key, w.start, members.length, members]);
    }
  }
  return { emitted, expired, late };
}

function records(seed: number, count: number, spread: number): In[] {
  // mulberry32: small, seedable, even in its low bits.
  let x = seed;
  const next = () => {
    x = (x + 0x6d2b79f5) | 0;
    let y = Math.imul(x ^ (x >>> 15), 1 | x);
    y = (y + Math.imul(y ^ (y >>> 7), 61 | y)) ^ y;
    return (y ^ (y >>> 14)) >>> 0;
  };
  const out: In[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    // Mostly forward, with jumps ahead and records from well before stream time.
    const step = next() % 10;
    if (step < 6) t += next() % (spread / 4);
    else if (step < 8) t += spread + (next() % (6 * spread));
    const ts = step === 9 ? Math.max(0, t - (next() % (2 * spread))) : t;
    out.push({ key: ['a', 'b', 'c'][next() % 3]!, ts, v: i });
  }
  return out;
}

function decode(recs: Awaited<ReturnType<typeof readAll>>, size: number): Out[] {
  return recs.map((r) => {
    const { key, window } = deserializeWindowedKey(r.key!, 'HOPPING', size);
    const value = JSON.parse(r.value!.toString()) as { N: number; L: number[] };
    return [key.toString(), window.start, value.N, value.L];
  });
}

/** Same windows in the same window order; within one window start, keys in any order. */
function sorted(out: Out[]): Out[] {
  return [...out].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function windowClause(s: Shape): string {
  const ms = (n: number) => `${n} MILLISECONDS`;
  const hop = s.advance === s.size ? `TUMBLING (SIZE ${ms(s.size)}` : `HOPPING (SIZE ${ms(s.size)}, ADVANCE BY ${ms(s.advance)}`;
  return `${hop}${s.retention !== undefined ? `, RETENTION ${ms(s.retention)}` : ''}, GRACE PERIOD ${ms(s.grace)})`;
}

async function runBoth(records: In[], s: Shape): Promise<{ ksql: Out[]; all: Out[] }> {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    const select = `SELECT ID, COUNT(*) AS N, COLLECT_LIST(V) AS L FROM S WINDOW ${windowClause(s)} GROUP BY ID EMIT FINAL`;
    run(env, `CREATE TABLE ALLW AS ${select};`, 'CTAS_ALLW_0');
    env.ctx.properties = { ...env.ctx.properties, 'ksql.suppress.emit.expired.windows': false };
    run(env, `CREATE TABLE KS AS ${select};`, 'CTAS_KS_0');
    await produce(env, 's', records.map((r) => ({ key: r.key, value: { V: r.v }, timestamp: r.ts })));
    await env.service.drain();
    return { ksql: decode(await readAll(env, 'KS'), s.size), all: decode(await readAll(env, 'ALLW'), s.size) };
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

const shapes: Shape[] = [
  { size: 100, advance: 100, grace: 0 },
  { size: 100, advance: 100, grace: 30 },
  { size: 100, advance: 40, grace: 20 },
  { size: 100, advance: 25, grace: 0 },
  { size: 100, advance: 100, grace: 10, retention: 400 },
  { size: 100, advance: 50, grace: 10, retention: 250 },
];

for (const [i, s] of shapes.entries()) {
  test(`EMIT FINAL ${windowClause(s)} matches the brute-force reference, with and without emit.expired.windows`, async () => {
    const input = records(17 + i, 160, s.size);
    const ksql = reference(input, s, false);
    const all = reference(input, s, true);
    assert.ok(ksql.expired > 0 && ksql.emitted.length > 0 && all.late > 0, `the records exercise expiry and lateness (${ksql.expired} expired, ${all.late} late)`);
    const got = await runBoth(input, s);
    assert.deepEqual(sorted(got.ksql), sorted(ksql.emitted));
    assert.deepEqual(sorted(got.all), sorted(all.emitted));
    assert.equal(got.all.length, ksql.emitted.length + ksql.expired);
  });
}

// ksqlDB's own expected outputs for cases of its suppress.json (the hopping one and the
// late record after the jump are not among the conformance runner's cases).
const ksqlCases: { name: string; shape: Shape; ts: number[]; want: [start: number, n: number][] }[] = [
  { name: 'final results for hopping windows', shape: { size: 5, advance: 2, grace: 1 }, ts: [0, 1, 2, 1, 6, 5, 10], want: [[0, 4], [4, 2]] },
  { name: 'drop out of order event after window end plus grace', shape: { size: 2, advance: 2, grace: 1 }, ts: [0, 1, 2, 1, 0, 5, 0], want: [[2, 1]] },
  { name: 'tumbling windows with large jump', shape: { size: 2, advance: 2, grace: 2 }, ts: [0, 1, 2, 0, 3, 0, 10, 0, 30], want: [] },
  { name: 'final result at window end with zero grace', shape: { size: 2, advance: 2, grace: 0 }, ts: [0, 1, 2], want: [[0, 2]] },
];

for (const c of ksqlCases) {
  test(`ksqlDB's suppress case: ${c.name}`, async () => {
    const input = c.ts.map((ts, v) => ({ key: 'k1', ts, v }));
    const got = await runBoth(input, c.shape);
    assert.deepEqual(got.ksql.map(([, start, n]) => [start, n]), c.want);
    assert.deepEqual(sorted(got.all), sorted(reference(input, c.shape, true).emitted));
  });
}

test('RETENTION must be no smaller than the window size plus the grace period', async () => {
  const env = await makeEnv();
  try {
    await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
    assert.throws(
      () => run(env, 'CREATE TABLE T AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 MINUTE, RETENTION 50 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY ID EMIT FINAL;', 'CTAS_T_0'),
      /RETENTION \(50000 ms\) must be no smaller than its size plus the grace period \(60000 \+ 0 ms\): give a RETENTION of at least 60000 ms/,
    );
  } finally {
    await env.close();
    removeDir(env.dir);
  }
});
