// EMIT FINAL when stream time jumps and when a stream goes quiet, and late records made
// visible, on a real server (REST on 127.0.0.1, the embedded log):
//   - TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS) over events at 60 s, 130 s, 600 s and
//     900 s: by default every window is emitted once, in window order, and with an idle
//     timeout the last one closes too, within the timeout plus one commit interval; with
//     ksql.suppress.emit.expired.windows=false (ksqlDB's rule) the windows a jump passes by
//     more than their retention are not emitted, but counted and logged, unless a RETENTION
//     covers the jumps (an idle advance expires no window);
//   - a late record is counted in DESCRIBE ... EXTENDED and on /metrics, and written to the
//     late-record topic with its original key and value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';
import type { LogRecord, TopicLog } from '../../src/log/topic-log.js';
import { deserializeWindowedKey } from '../../src/serde/windowed.js';
import { ksql } from '../server/rest.js';

const COMMIT_MS = 200;

async function withServer(fn: (url: string, log: TopicLog) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-window-final-'));
  let server: EmbeddedServer | undefined;
  try {
    server = await startEmbedded({ dataDir: dir, port: 0, host: '127.0.0.1', config: { 'ksql.streams.commit.interval.ms': COMMIT_MS }, brokerPort: null });
    await fn(server.server.url, (server.engine as unknown as { log: TopicLog }).log);
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readTopic(log: TopicLog, topic: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let offset = 0; ; ) {
    const batch = await log.fetch([{ topic, partition: 0, offset }], { maxRecords: 1000 });
    if (batch.length === 0) return out;
    out.push(...batch);
    offset = batch.at(-1)!.offset + 1;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const EVENTS_S = [60, 130, 600, 900];

const WINDOW = 'TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS)';

async function setUp(url: string, log: TopicLog, table: string, extraWith = '', properties: Record<string, unknown> = {}, window = WINDOW): Promise<void> {
  await ksql(url, `CREATE STREAM ${table}_IN (ID STRING KEY, V INT) WITH (kafka_topic='${table.toLowerCase()}_in', partitions=1, value_format='JSON');`);
  await ksql(
    url,
    `CREATE TABLE ${table} WITH (kafka_topic='${table.toLowerCase()}'${extraWith}) AS SELECT ID, COUNT(*) AS N FROM ${table}_IN WINDOW ${window} GROUP BY ID EMIT FINAL;`,
    { 'auto.offset.reset': 'earliest', ...properties },
  );
  await log.produce(`${table.toLowerCase()}_in`, EVENTS_S.map((s) => ({ key: Buffer.from('k'), value: Buffer.from('{"V":1}'), timestamp: s * 1000 })));
}

function windowStarts(records: LogRecord[]): number[] {
  return records.map((r) => deserializeWindowedKey(r.key!, 'TUMBLING', 60_000).window.start / 1000);
}

async function statistics(url: string, table: string): Promise<string> {
  const [d] = (await ksql(url, `DESCRIBE ${table} EXTENDED;`)) as { sourceDescription: { statistics: string } }[];
  return d!.sourceDescription.statistics;
}

/** Waits for `count` windows on the sink, then for the last one after the stream went quiet. */
async function lastClosesWhenQuiet(t: { diagnostic(m: string): void }, log: TopicLog, topic: string, before: number, idleMs: number): Promise<LogRecord[]> {
  const first = await waitFor(`${before} windows`, 10_000, async () => {
    const out = await readTopic(log, topic);
    return out.length >= before ? out : undefined;
  });
  const quietSince = Date.now();
  const all = await waitFor('the last window', idleMs + COMMIT_MS + 5_000, async () => {
    const out = await readTopic(log, topic);
    return out.length > before ? out : undefined;
  });
  const took = Date.now() - quietSince;
  t.diagnostic(`${topic}: the last window came ${took} ms after the others (idle timeout ${idleMs} ms, commit interval ${COMMIT_MS} ms)`);
  assert.equal(first.length, before);
  assert.ok(took <= idleMs + COMMIT_MS + 500, `the last window came ${took} ms after the stream went quiet (timeout ${idleMs} ms + commit interval ${COMMIT_MS} ms)`);
  await new Promise((r) => setTimeout(r, idleMs + COMMIT_MS));
  const after = await readTopic(log, topic);
  assert.equal(after.length, all.length, 'each window is emitted once');
  return after;
}

test('EMIT FINAL after jumps of stream time: every window once by default; ksqlDB\'s rule counts the expired windows; RETENTION keeps them', { timeout: 60_000 }, async (t) => {
  await withServer(async (url, log) => {
    const idleMs = 1000;
    // Every window, once, in window order; the last one closes when the stream goes quiet.
    await setUp(url, log, 'ALL', `, SUPPRESS_IDLE_CLOSE_MS=${idleMs}`);
    const four = await lastClosesWhenQuiet(t, log, 'all', 3, idleMs);
    assert.deepEqual(windowStarts(four), [60, 120, 600, 900]);
    assert.deepEqual(four.map((r) => JSON.parse(r.value!.toString())), [{ N: 1 }, { N: 1 }, { N: 1 }, { N: 1 }]);
    assert.match(await statistics(url, 'ALL'), /expired-windows: 0/);

    // ksqlDB's rule: [120,180) and [600,660) expire before they close; both are counted.
    // The idle timeout still closes the last window: an idle advance puts no window, so it
    // leaves the retention where the last record put it.
    await setUp(url, log, 'STRICT', `, SUPPRESS_IDLE_CLOSE_MS=${idleMs}`, { 'ksql.suppress.emit.expired.windows': false });
    const stats = await waitFor('the expired windows in DESCRIBE', 10_000, async () => {
      const s = await statistics(url, 'STRICT');
      return /expired-windows: 2/.test(s) ? s : undefined;
    });
    assert.match(stats, /late-records: 0/);
    assert.match(stats, /stream-time-strict_in-0: 900000/);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /eddy_query_expired_windows_total\{query_id="CTAS_STRICT_\d+"\} 2/);
    assert.deepEqual(windowStarts(await lastClosesWhenQuiet(t, log, 'strict', 1, idleMs)), [60, 900]);
    assert.match(await statistics(url, 'STRICT'), /expired-windows: 2/);

    // ksqlDB's own way: a RETENTION longer than the jumps keeps the windows until they close.
    await setUp(url, log, 'RET', `, SUPPRESS_IDLE_CLOSE_MS=${idleMs}`, { 'ksql.suppress.emit.expired.windows': false }, 'TUMBLING (SIZE 1 MINUTE, RETENTION 1 HOUR, GRACE PERIOD 0 SECONDS)');
    assert.deepEqual(windowStarts(await lastClosesWhenQuiet(t, log, 'ret', 3, idleMs)), [60, 120, 600, 900]);
    assert.match(await statistics(url, 'RET'), /expired-windows: 0/);
  });
});

test('without an idle timeout the last window of a quiet stream stays open, and DESCRIBE shows it', { timeout: 30_000 }, async () => {
  await withServer(async (url, log) => {
    await setUp(url, log, 'OPEN');
    const stats = await waitFor('stream time 900 s in DESCRIBE', 10_000, async () => {
      const s = await statistics(url, 'OPEN');
      return /stream-time: 900000/.test(s) ? s : undefined;
    });
    assert.match(stats, /stream-time-open_in-0: 900000/);
    assert.match(stats, /open-windows: 1/);
    assert.match(stats, /oldest-open-window-start: 900000/);
    assert.match(stats, /expired-windows: 0/);
    await new Promise((r) => setTimeout(r, 3 * COMMIT_MS));
    assert.deepEqual(windowStarts(await readTopic(log, 'open')), [60, 120, 600]);
  });
});

test('a late record is counted in DESCRIBE and /metrics and written to the late-record topic', { timeout: 60_000 }, async () => {
  await withServer(async (url, log) => {
    await ksql(url, "CREATE STREAM CLICKS (USERID STRING KEY, PAGE STRING) WITH (kafka_topic='clicks', partitions=1, value_format='JSON');");
    await ksql(
      url,
      "CREATE TABLE PER_MINUTE WITH (LATE_RECORDS_TOPIC='clicks_late') AS SELECT USERID, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) GROUP BY USERID EMIT CHANGES;",
      { 'auto.offset.reset': 'earliest' },
    );
    const click = (user: string, page: string, s: number) => ({ key: Buffer.from(user), value: Buffer.from(JSON.stringify({ PAGE: page })), timestamp: s * 1000 });
    // At stream time 200 s the window [60 s, 120 s) closed at 130 s: the click at 90 s is late.
    await log.produce('clicks', [click('u1', 'home', 60), click('u1', 'cart', 200), click('u2', 'late-page', 90)]);
    const late = await waitFor('the late record', 10_000, async () => {
      const out = await readTopic(log, 'clicks_late');
      return out.length > 0 ? out : undefined;
    });
    assert.equal(late.length, 1);
    const [r] = late;
    assert.equal(r!.key!.toString(), 'u2');
    assert.deepEqual(JSON.parse(r!.value!.toString()), { PAGE: 'late-page' });
    assert.equal(r!.timestamp, 90_000);
    const headers = Object.fromEntries(r!.headers.map((h) => [h.key, h.value?.toString()]));
    assert.equal(headers['eddy.late.window.start'], '60000');
    assert.equal(headers['eddy.late.window.end'], '120000');
    assert.equal(headers['eddy.late.stream.time'], '200000');
    assert.equal(headers['eddy.late.source'], 'clicks/0/2');
    assert.match(await statistics(url, 'PER_MINUTE'), /late-records: 1/);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /eddy_query_late_records_total\{query_id="CTAS_PER_MINUTE_\d+"\} 1/);
  });
});
