// Issue 3's kcat interop figures against `eddy server` run as a child process (the CLI a
// user runs), not a broker object: metadata, keyed gzip produce with headers, exact
// consume from the beginning, and a two-member consumer group that splits partitions and
// resumes from committed offsets. SQL (PRINT, SHOW TOPICS EXTENDED) sees the same data.
// kcat comes from Debian: apt-get install -y kcat (.ci/run installs it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { lastAssignment, missingTool, runKcat, startKcatGroupMember, stopChild } from '../broker/helpers.js';
import { startEddyServer, until, type EddyServerProcess } from './topic-server.js';

const missing = missingTool('kcat', ['-V'], 'apt-get install -y kcat');
if (missing) console.log(`# skipping kcat tests against eddy server: ${missing}`);

let eddy: EddyServerProcess;
const kcat = (args: string[], input?: string) => runKcat(eddy.broker, args, input);
before(async () => {
  if (!missing) eddy = await startEddyServer();
});
after(async () => {
  await eddy?.stop();
});

test('kcat -L against eddy server: one broker, the controller, topics created by SQL', { skip: missing }, async () => {
  await eddy.ksql("CREATE STREAM meta (k STRING KEY, v STRING) WITH (kafka_topic='meta', partitions=3, value_format='KAFKA');");
  const r = await kcat(['-L', '-J']);
  assert.equal(r.code, 0, r.stderr);
  const md = JSON.parse(r.stdout) as { controllerid: number; brokers: { id: number; name: string }[]; topics: { topic: string; partitions: unknown[] }[] };
  assert.deepEqual(md.brokers.map((b) => b.name), [eddy.broker]);
  assert.equal(md.controllerid, md.brokers[0]!.id);
  assert.equal(md.topics.find((t) => t.topic === 'meta')?.partitions.length, 3);
});

test('kcat keyed gzip produce with headers, then exact keys, values, headers and timestamps from the beginning', { skip: missing }, async () => {
  await eddy.ksql("CREATE STREAM kc (k STRING KEY, v INT) WITH (kafka_topic='kc', partitions=1, value_format='JSON');");
  const before = Date.now();
  const p = await kcat(['-P', '-t', 'kc', '-K:', '-H', 'trace=abc', '-H', 'h2=xyz', '-z', 'gzip'], 'k1:{"V":1}\nk2:{"V":2}\nk3:{"V":3}\n');
  const afterProduce = Date.now();
  assert.equal(p.code, 0, p.stderr);
  const c = await kcat(['-C', '-t', 'kc', '-o', 'beginning', '-e', '-q', '-f', 'p=%p o=%o k=%k v=%s ts=%T h=%h\\n']);
  assert.equal(c.code, 0, c.stderr);
  const lines = c.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  lines.forEach((line, i) => {
    const m = /^p=0 o=(\d+) k=(\S+) v=(\S+) ts=(\d+) h=(\S+)$/.exec(line);
    assert.ok(m, line);
    assert.deepEqual([Number(m[1]), m[2], m[3], m[5]], [i, `k${i + 1}`, `{"V":${i + 1}}`, 'trace=abc,h2=xyz']);
    const ts = Number(m[4]);
    assert.ok(ts >= before - 1000 && ts <= afterProduce + 1000, `timestamp ${ts} is the produce time`);
  });

  // The engine reads what kcat wrote: PRINT and a push query see the same records.
  const print = await eddy.query("PRINT 'kc' FROM BEGINNING LIMIT 3;");
  assert.match(print, /Key format: KAFKA_STRING/);
  assert.match(print, /Value format: JSON or KAFKA_STRING/);
  assert.match(print, /key: k1, value: \{"V":1\}, headers: \[\{"key":"trace","value":"YWJj"\},\{"key":"h2","value":"eHl6"\}\], partition: 0/);
  const rows = await eddy.query('SELECT k, v FROM kc EMIT CHANGES LIMIT 3;', { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(
    [...rows.matchAll(/"columns":\[([^\]]*)\]/g)].map((m) => m[1]),
    ['"k1",1', '"k2",2', '"k3",3'],
  );
});

test('two kcat group members split the partitions, SHOW TOPICS EXTENDED counts them, and a later run resumes from committed offsets', { skip: missing }, async () => {
  await eddy.ksql("CREATE STREAM kg (v STRING) WITH (kafka_topic='kg', partitions=4, value_format='KAFKA');");
  for (let p = 0; p < 4; p++) {
    const r = await kcat(['-P', '-t', 'kg', '-p', String(p)], `first-${p}\n`);
    assert.equal(r.code, 0, r.stderr);
  }
  const kafka = new Kafka({ clientId: 'interop-check', brokers: [eddy.broker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const committed = async () => (await admin.fetchOffsets({ groupId: 'kg-group', topics: ['kg'] }))[0]!.partitions.map((p) => Number(p.offset));
  const a = startKcatGroupMember(eddy.broker, 'kg-group', 'kg');
  const b = startKcatGroupMember(eddy.broker, 'kg-group', 'kg');
  try {
    await until(() => {
      const x = lastAssignment(a.err());
      const y = lastAssignment(b.err());
      return !!x && !!y && x.length === 2 && y.length === 2 && [...x, ...y].sort().join() === '0,1,2,3';
    }, `the two members to split 4 partitions (a: ${a.err()} b: ${b.err()})`);
    await until(async () => (await committed()).every((o) => o === 1), 'the group to commit past the four first records');
    const shown = (await eddy.ksql('SHOW TOPICS EXTENDED;'))[0] as { topics: { name: string; consumerCount: number; consumerGroupCount: number; consumerLag: number }[] };
    const kg = shown.topics.find((t) => t.name === 'kg')!;
    assert.deepEqual([kg.consumerCount, kg.consumerGroupCount, kg.consumerLag], [2, 1, 0]);
  } finally {
    await stopChild(a.child);
    await stopChild(b.child);
  }
  assert.deepEqual(await committed(), [1, 1, 1, 1]);

  const p = await kcat(['-P', '-t', 'kg', '-p', '2'], 'second\n');
  assert.equal(p.code, 0, p.stderr);
  const r = await kcat(['-G', 'kg-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%p:%s\\n', 'kg']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['2:second']);
  await admin.disconnect();
});
