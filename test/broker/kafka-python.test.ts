// kafka-python 2.0.2 (Debian python3-kafka, run with /usr/bin/python3) against the
// embedded broker. Install: apt-get install -y python3-kafka (.ci/run does).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON, missingTool, runPython, startTestBroker, type TestBroker } from './helpers.js';

const missing = missingTool(PYTHON, ['-c', 'import kafka'], 'apt-get install -y python3-kafka');
if (missing) console.log(`# skipping kafka-python tests: ${missing}`);

let tb: TestBroker;
const python = (script: string) => runPython(script, tb.broker.address);
before(async () => {
  if (!missing) tb = await startTestBroker();
});
after(async () => {
  await tb?.close();
});

test('kafka-python: admin, producer with headers, group consumer with commit, assign and seek', { skip: missing }, async () => {
  const result = (await python(`
import json, sys
from kafka import KafkaProducer, KafkaConsumer, KafkaAdminClient, TopicPartition
from kafka.structs import OffsetAndMetadata
from kafka.admin import NewTopic
B = sys.argv[1]
out = {}
adm = KafkaAdminClient(bootstrap_servers=B)
adm.create_topics([NewTopic("py-conf", num_partitions=3, replication_factor=1)])
out["topics"] = sorted(adm.list_topics())

p = KafkaProducer(bootstrap_servers=B, acks="all")
offs = []
for i in range(3):
    md = p.send("py-conf", key=b"k%d" % i, value=b"v%d" % i, partition=0, headers=[("h1", b"x"), ("n", str(i).encode())]).get(timeout=10)
    offs.append(md.offset)
p.send("py-conf", key=b"other", value=b"p1", partition=1).get(timeout=10)
p.flush(); p.close()
out["produced"] = offs

c = KafkaConsumer(bootstrap_servers=B, group_id="py-group", enable_auto_commit=False,
                  auto_offset_reset="earliest", consumer_timeout_ms=4000)
c.subscribe(["py-conf"])
msgs = []
for m in c:
    msgs.append([m.partition, m.offset, m.key.decode(), m.value.decode(), [[k, v.decode()] for k, v in m.headers], m.timestamp > 0])
    if len(msgs) == 4:
        break
c.commit()
tp = TopicPartition("py-conf", 0)
out["committed_after_poll"] = c.committed(tp)
c.commit({tp: OffsetAndMetadata(1, "meta")})
out["committed_explicit"] = c.committed(tp)
c.close()
out["messages"] = sorted(msgs)

out["group_offsets"] = sorted([[tp.topic, tp.partition, om.offset] for tp, om in adm.list_consumer_group_offsets("py-group").items()])

c2 = KafkaConsumer(bootstrap_servers=B, enable_auto_commit=False, consumer_timeout_ms=3000)
c2.assign([tp])
c2.seek_to_beginning(tp)
out["begin_pos"] = c2.position(tp)
c2.seek_to_end(tp)
out["end_pos"] = c2.position(tp)
c2.seek(tp, 1)
m = next(c2)
out["seek_offset"] = m.offset
out["end_offsets"] = c2.end_offsets([tp])[tp]
out["beginning_offsets"] = c2.beginning_offsets([tp])[tp]
c2.close()
adm.delete_topics(["py-conf"])
out["after_delete"] = "py-conf" in adm.list_topics()
adm.close()
print(json.dumps(out))
`)) as Record<string, unknown>;
  assert.ok((result.topics as string[]).includes('py-conf'));
  assert.deepEqual(result.produced, [0, 1, 2]);
  assert.deepEqual(result.messages, [
    [0, 0, 'k0', 'v0', [['h1', 'x'], ['n', '0']], true],
    [0, 1, 'k1', 'v1', [['h1', 'x'], ['n', '1']], true],
    [0, 2, 'k2', 'v2', [['h1', 'x'], ['n', '2']], true],
    [1, 0, 'other', 'p1', [], true],
  ]);
  assert.equal(result.committed_after_poll, 3);
  assert.equal(result.committed_explicit, 1);
  assert.deepEqual(result.group_offsets, [
    ['py-conf', 0, 1],
    ['py-conf', 1, 1],
    ['py-conf', 2, 0],
  ]);
  assert.equal(result.begin_pos, 0);
  assert.equal(result.end_pos, 3);
  assert.equal(result.seek_offset, 1);
  assert.equal(result.end_offsets, 3);
  assert.equal(result.beginning_offsets, 0);
  assert.equal(result.after_delete, false);
});
