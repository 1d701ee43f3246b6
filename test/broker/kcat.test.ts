// librdkafka (kcat) against the embedded broker. kcat comes from Debian: apt-get install kcat
// (.ci/run installs it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lastAssignment, missingTool, runKcat, startKcatGroupMember, stopChild, until, startTestBroker, type TestBroker } from './helpers.js';

const kcat = (args: string[], input?: string, timeoutMs = 20_000) => runKcat(tb.broker.address, args, input, timeoutMs);

const missing = missingTool('kcat', ['-V'], 'apt-get install -y kcat');
if (missing) console.log(`# skipping kcat tests: ${missing}`);

let tb: TestBroker;
before(async () => {
  if (!missing) tb = await startTestBroker();
});
after(async () => {
  await tb?.close();
});

test('kcat -L lists the broker as controller and the topics', { skip: missing }, async () => {
  await tb.log.createTopic('meta-topic', { partitions: 3 });
  const r = await kcat(['-L', '-J']);
  assert.equal(r.code, 0, r.stderr);
  const md = JSON.parse(r.stdout) as { controllerid: number; brokers: { id: number; name: string }[]; topics: { topic: string; partitions: unknown[] }[] };
  assert.equal(md.brokers.length, 1);
  assert.equal(md.brokers[0].name, tb.broker.address);
  assert.equal(md.controllerid, md.brokers[0].id);
  const t = md.topics.find((x) => x.topic === 'meta-topic');
  assert.equal(t?.partitions.length, 3);
});

test('kcat produces keyed gzip records with headers and consumes them back exactly', { skip: missing }, async () => {
  const p = await kcat(['-P', '-t', 'kc', '-K:', '-H', 'trace=abc', '-H', 'h2=xyz', '-z', 'gzip'], 'k1:v1\nk2:hello world\n:empty key\n');
  assert.equal(p.code, 0, p.stderr);
  const stored = await tb.log.fetch([{ topic: 'kc', partition: 0, offset: 0 }]);
  assert.deepEqual(stored.map((r) => [r.key?.toString(), r.value?.toString()]), [
    ['k1', 'v1'],
    ['k2', 'hello world'],
    ['', 'empty key'],
  ]);
  const c = await kcat(['-C', '-t', 'kc', '-o', 'beginning', '-e', '-q', '-f', 'p=%p o=%o k=%k v=%s ts=%T h=%h\\n']);
  assert.equal(c.code, 0, c.stderr);
  const expected = stored.map((r) => `p=0 o=${r.offset} k=${r.key} v=${r.value} ts=${r.timestamp} h=trace=abc,h2=xyz`);
  assert.deepEqual(c.stdout.trim().split('\n'), expected);
});

test('kcat produces with every compression codec; the log and kcat read the records back', { skip: missing }, async () => {
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    const topic = `codec-${codec}`;
    const p = await kcat(['-P', '-t', topic, '-K:', '-z', codec], Array.from({ length: 50 }, (_, i) => `k${i}:${codec} value ${i} ${'x'.repeat(i)}`).join('\n') + '\n');
    assert.equal(p.code, 0, p.stderr);
    const stored = await tb.log.fetch([{ topic, partition: 0, offset: 0 }]);
    assert.equal(stored.length, 50, codec);
    assert.equal(stored[49].value?.toString(), `${codec} value 49 ${'x'.repeat(49)}`);
    const c = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n']);
    assert.equal(c.code, 0, c.stderr);
    const lines = c.stdout.trim().split('\n');
    assert.equal(lines.length, 50);
    assert.equal(lines[7], `k7=${codec} value 7 ${'x'.repeat(7)}`);
  }
});

test('two kcat group members split the partitions and a later run resumes from committed offsets', { skip: missing }, async () => {
  await tb.log.createTopic('kg', { partitions: 4 });
  for (let p = 0; p < 4; p++) await tb.log.produce('kg', [{ key: null, value: Buffer.from(`first-${p}`), partition: p }]);
  const a = startKcatGroupMember(tb.broker.address, 'kg-group', 'kg');
  const b = startKcatGroupMember(tb.broker.address, 'kg-group', 'kg');
  try {
    await until(() => {
      const x = lastAssignment(a.err());
      const y = lastAssignment(b.err());
      return !!x && !!y && x.length === 2 && y.length === 2 && [...x, ...y].sort().join() === '0,1,2,3';
    }, `the two members to split 4 partitions (a: ${a.err()} b: ${b.err()})`);
    // kcat's stdout is block-buffered on a pipe: watch the committed offsets instead
    await until(() => {
      const m = tb.log.store.offsets.get('kg-group');
      return !!m && [...m.values()].filter((o) => o.topic === 'kg' && o.offset === 1).length === 4;
    }, 'the group to commit past the four first records');
  } finally {
    await stopChild(a.child);
    await stopChild(b.child);
  }
  const consumed = (a.out() + b.out()).trim().split('\n').sort();
  assert.deepEqual(consumed, ['0:first-0', '1:first-1', '2:first-2', '3:first-3']);
  const committed = await tb.log.committedOffsets('kg-group', 'kg');
  assert.deepEqual([...committed].sort(), [[0, 1], [1, 1], [2, 1], [3, 1]]);

  await tb.log.produce('kg', [{ key: null, value: Buffer.from('second'), partition: 2 }]);
  const r = await kcat(['-G', 'kg-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%p:%s\\n', 'kg']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['2:second']);
});

test('kcat -Q looks up offsets by time, earliest and latest', { skip: missing }, async () => {
  await tb.log.createTopic('kq', { partitions: 1 });
  // Recent timestamps: records from 1970 are older than the topic's retention and may be deleted.
  const base = Date.now() - 60_000;
  await tb.log.produce('kq', [1000, 2000, 3000].map((dt) => ({ key: null, value: Buffer.from(String(dt)), timestamp: base + dt })));
  const expectations: [string, number][] = [
    [String(base + 2500), 2],
    [String(base + 1000), 0],
    ['-1', 3],
    ['-2', 0],
  ];
  for (const [at, offset] of expectations) {
    const r = await kcat(['-Q', '-t', `kq:0:${at}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `kq [0] offset ${offset}`, `offset for ${at}`);
  }
});
