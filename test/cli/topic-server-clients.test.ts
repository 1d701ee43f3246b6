// Issue 3's client interop figures against `eddy server` run as a child process:
// kafka-python producer and group consumer with commit and seek, and a kafkajs
// transactional producer whose aborted records no read-committed reader sees (kafkajs,
// `eddy topic consume`, and a push query of the engine).
// kafka-python comes from Debian: apt-get install -y python3-kafka (.ci/run installs it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { PYTHON, missingTool, runPython } from '../broker/helpers.js';
import { topicCommand } from '../../cli/topic.js';
import { startEddyServer, until, type EddyServerProcess } from './topic-server.js';

const noPython = missingTool(PYTHON, ['-c', 'import kafka'], 'apt-get install -y python3-kafka');
if (noPython) console.log(`# skipping kafka-python tests against eddy server: ${noPython}`);

let eddy: EddyServerProcess;
const python = (script: string) => runPython(script, eddy.broker);
before(async () => {
  eddy = await startEddyServer();
});
after(async () => {
  await eddy?.stop();
});

test('kafka-python producer and group consumer with commit and seek, against eddy server', { skip: noPython }, async () => {
  await eddy.ksql("CREATE STREAM py (k STRING KEY, v STRING) WITH (kafka_topic='py', partitions=2, value_format='KAFKA');");
  const out = await python(`
import json, sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
B = sys.argv[1]
out = {}
p = KafkaProducer(bootstrap_servers=B, acks="all")
for i in range(3):
    p.send("py", key=b"k%d" % i, value=b"v%d" % i, partition=0, timestamp_ms=1700000000000 + i, headers=[("h", b"x%d" % i)]).get(timeout=10)
p.send("py", key=b"other", value=b"p1", partition=1, timestamp_ms=1600000000000).get(timeout=10)
p.flush(); p.close()

c = KafkaConsumer(bootstrap_servers=B, group_id="py-group", enable_auto_commit=False, auto_offset_reset="earliest", consumer_timeout_ms=5000)
c.subscribe(["py"])
msgs = []
for m in c:
    msgs.append([m.partition, m.offset, m.key.decode(), m.value.decode(), [[k, v.decode()] for k, v in m.headers], m.timestamp])
    if len(msgs) == 4:
        break
c.commit()
tp0 = TopicPartition("py", 0)
out["committed"] = c.committed(tp0)
c.commit({tp0: OffsetAndMetadata(1, "rewind")})
out["rewound"] = c.committed(tp0)
c.close()
out["messages"] = sorted(msgs)

c2 = KafkaConsumer(bootstrap_servers=B, group_id="py-group", enable_auto_commit=False, auto_offset_reset="earliest", consumer_timeout_ms=5000)
c2.subscribe(["py"])
again = []
for m in c2:
    again.append([m.partition, m.offset])
    if len(again) == 2:
        break
c2.close()
out["resumed"] = sorted(again)

c3 = KafkaConsumer(bootstrap_servers=B, enable_auto_commit=False, consumer_timeout_ms=3000)
c3.assign([tp0])
c3.seek(tp0, 2)
out["seek"] = next(c3).value.decode()
c3.seek_to_beginning(tp0)
out["begin"] = c3.position(tp0)
c3.seek_to_end(tp0)
out["end"] = c3.position(tp0)
c3.close()
print(json.dumps(out))
`);
  assert.deepEqual(out.messages, [
    [0, 0, 'k0', 'v0', [['h', 'x0']], 1700000000000],
    [0, 1, 'k1', 'v1', [['h', 'x1']], 1700000000001],
    [0, 2, 'k2', 'v2', [['h', 'x2']], 1700000000002],
    [1, 0, 'other', 'p1', [], 1600000000000],
  ]);
  assert.equal(out.committed, 3);
  assert.equal(out.rewound, 1);
  assert.deepEqual(out.resumed, [[0, 1], [0, 2]], 'the group resumes from its committed offsets');
  assert.equal(out.seek, 'v2');
  assert.equal(out.begin, 0);
  assert.equal(out.end, 3);

  // SHOW TOPICS EXTENDED sees the group and its lag (partition 0 committed at 1 of 3).
  const shown = (await eddy.ksql('SHOW TOPICS EXTENDED;'))[0] as { topics: { name: string; consumerGroupCount: number; consumerLag: number }[] };
  const py = shown.topics.find((t) => t.name === 'py')!;
  assert.equal(py.consumerGroupCount, 1);
  assert.equal(py.consumerLag, 2);
});

async function eddyTopic(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await topicCommand([...args, '-b', eddy.broker], { stdout, stderr, stdin: Readable.from(['']), env: {} });
  assert.equal(code, 0, err);
  return out;
}

test('kafkajs transactions against eddy server: aborted records are invisible to read-committed readers', async () => {
  await eddy.ksql("CREATE STREAM tx (k STRING KEY, v STRING) WITH (kafka_topic='tx', partitions=2, value_format='KAFKA');");
  const kafka = new Kafka({ clientId: 'tx-interop', brokers: [eddy.broker], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: 'tx-interop-producer', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  const t1 = await producer.transaction();
  await t1.send({ topic: 'tx', messages: [{ key: 'a', value: 'committed-1' }, { key: 'b', value: 'committed-2' }] });
  await t1.commit();
  const t2 = await producer.transaction();
  await t2.send({ topic: 'tx', messages: [{ key: 'a', value: 'aborted-1' }, { key: 'c', value: 'aborted-2' }] });
  await t2.abort();
  const t3 = await producer.transaction();
  await t3.send({ topic: 'tx', messages: [{ key: 'b', value: 'committed-3' }] });
  await t3.commit();
  await producer.disconnect();

  const read = async (groupId: string, readUncommitted: boolean) => {
    const seen: string[] = [];
    const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted });
    await c.connect();
    await c.subscribe({ topic: 'tx', fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await until(() => seen.filter((s) => s.startsWith('committed')).length === 3, 'the committed records');
    await new Promise((r) => setTimeout(r, 300));
    await c.disconnect();
    return seen.sort();
  };
  assert.deepEqual(await read('tx-rc', false), ['committed-1', 'committed-2', 'committed-3']);
  assert.deepEqual(await read('tx-ru', true), ['aborted-1', 'aborted-2', 'committed-1', 'committed-2', 'committed-3']);

  const consumed = await eddyTopic(['consume', 'tx', '--from-beginning', '--exit']);
  assert.deepEqual(consumed.trim().split('\n').sort(), ['committed-1', 'committed-2', 'committed-3']);
  const rows = await eddy.query('SELECT v FROM tx EMIT CHANGES LIMIT 3;', { 'auto.offset.reset': 'earliest' });
  assert.deepEqual([...rows.matchAll(/"columns":\["([^"]*)"\]/g)].map((m) => m[1]).sort(), ['committed-1', 'committed-2', 'committed-3']);

  // The CLI as a user runs it: SHOW TOPICS EXTENDED as a table, PRINT of committed records only.
  const cli = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', eddy.url, '-e', "SHOW TOPICS EXTENDED; PRINT 'tx' FROM BEGINNING LIMIT 3;"], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /Kafka Topic +\| Partitions \| Partition Replicas \| Consumers \| ConsumerGroups \| Consumer Lag/);
  // Two groups (tx-rc, tx-ru), no member left; their lag depends on whether kafkajs committed past the last transaction marker.
  assert.match(cli.stdout, / tx +\| 2 +\| 1 1 +\| 0 +\| 2 +\| \d+ /);
  assert.match(cli.stdout, /Key format: KAFKA_STRING\nValue format: KAFKA_STRING\n/);
  const printed = [...cli.stdout.matchAll(/key: (\w), value: ([\w-]+), partition: \d/g)].map((m) => `${m[1]}=${m[2]}`).sort();
  assert.deepEqual(printed, ['a=committed-1', 'b=committed-2', 'b=committed-3']);
});
