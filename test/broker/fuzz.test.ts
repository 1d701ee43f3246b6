// 10,000 random, truncated and mutated frames over several connections while a kafkajs
// client keeps producing and consuming on its own connections.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { Writer } from '../../src/kafka-protocol/io.js';
import { writeStruct, type MessageSchema } from '../../src/kafka-protocol/schema.js';
import * as M from '../../src/kafka-protocol/messages.js';
import { encodeBatch } from '../../src/log/record-batch.js';
import { startTestBroker } from './helpers.js';

const FRAMES = 10_000;
const WORKERS = 16;

// deterministic PRNG (mulberry32) so a failure can be reproduced
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function encodeRequest(schema: MessageSchema, version: number, body: Record<string, unknown>, correlationId = 1): Buffer {
  const flexible = version >= schema.flexibleFrom;
  const w = new Writer();
  w.int16(schema.apiKey);
  w.int16(version);
  w.int32(correlationId);
  w.nullableString('fuzz');
  if (flexible) w.uvarint(0);
  writeStruct(schema.request, version, flexible, w, body);
  return Buffer.concat(w.finish());
}

function frame(payload: Buffer, size = payload.length): Buffer {
  const b = Buffer.allocUnsafe(4 + payload.length);
  b.writeInt32BE(size, 0);
  payload.copy(b, 4);
  return b;
}

type Kind = 'bad-size' | 'unknown-api' | 'bad-version' | 'short-body' | 'random-body' | 'mutated' | 'truncated';
/** Kinds the broker must answer by closing the connection. */
const MUST_CLOSE = new Set<Kind>(['bad-size', 'unknown-api', 'bad-version', 'short-body']);

test('fuzzed frames close their own connection and never disturb other clients', async () => {
  const tb = await startTestBroker();
  const rand = rng(12345);
  const int = (n: number) => Math.floor(rand() * n);
  const randomBytes = (n: number) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  await tb.log.createTopic('fuzz', { partitions: 2 });
  const batch = encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('fuzz value') }], 0, Date.now());
  const templates: Buffer[] = [
    encodeRequest(M.Metadata, 1, { topics: [{ name: 'fuzz' }] }),
    encodeRequest(M.ApiVersions, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    encodeRequest(M.Produce, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'fuzz', partitionData: [{ index: 0, records: batch }] }] }),
    encodeRequest(M.Fetch, 11, { maxWaitMs: 10, minBytes: 1, maxBytes: 100000, isolationLevel: 1, topics: [{ topic: 'fuzz', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 100000 }] }], forgottenTopicsData: [] }),
    encodeRequest(M.ListOffsets, 2, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 1, timestamp: -1 }] }] }),
    encodeRequest(M.FindCoordinator, 2, { key: 'g', keyType: 0 }),
    encodeRequest(M.Heartbeat, 3, { groupId: 'g', generationId: 1, memberId: 'm' }),
    encodeRequest(M.OffsetFetch, 5, { groupId: 'g', topics: null }),
    encodeRequest(M.DescribeConfigs, 2, { resources: [{ resourceType: 2, resourceName: 'fuzz', configurationKeys: null }] }),
    // flexible versions (KIP-482): compact strings and arrays, tagged fields
    encodeRequest(M.Metadata, 12, { topics: [{ topicId: Buffer.alloc(16), name: 'fuzz' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
    encodeRequest(M.Produce, 11, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'fuzz', partitionData: [{ index: 1, records: batch }] }] }),
    encodeRequest(M.Fetch, 12, { maxWaitMs: 10, minBytes: 1, maxBytes: 100000, isolationLevel: 0, topics: [{ topic: 'fuzz', partitions: [{ partition: 1, fetchOffset: 0, partitionMaxBytes: 100000 }] }], forgottenTopicsData: [], rackId: '' }),
    encodeRequest(M.Fetch, 17, { maxWaitMs: 10, minBytes: 1, maxBytes: 100000, topics: [{ topicId: Buffer.alloc(16, 7), partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 100000 }] }], forgottenTopicsData: [], rackId: '' }),
    encodeRequest(M.ListOffsets, 9, { replicaId: -1, isolationLevel: 1, topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 0, timestamp: -2 }] }] }),
    encodeRequest(M.FindCoordinator, 6, { keyType: 0, coordinatorKeys: ['g', 'h'] }),
    encodeRequest(M.JoinGroup, 9, { groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(4) }], reason: null }),
    encodeRequest(M.OffsetFetch, 9, { groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }], requireStable: true }),
    encodeRequest(M.OffsetCommit, 9, { groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }] }] }),
    encodeRequest(M.ListGroups, 5, { statesFilter: ['Stable'], typesFilter: [] }),
    encodeRequest(M.DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: false }),
    encodeRequest(M.CreateTopics, 7, { topics: [{ name: 'fuzz-made', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: true }),
    encodeRequest(M.InitProducerId, 5, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 }),
    encodeRequest(M.DeleteGroups, 2, { groupsNames: ['nope'] }),
    // admin APIs of Kafka 4.x clients: configs, transactions, producers, offsets, log dirs
    encodeRequest(M.IncrementalAlterConfigs, 1, { resources: [{ resourceType: 2, resourceName: 'fuzz', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }], validateOnly: true }),
    encodeRequest(M.ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1 }),
    encodeRequest(M.DescribeTransactions, 0, { transactionalIds: ['nope'] }),
    encodeRequest(M.DescribeProducers, 0, { topics: [{ name: 'fuzz', partitionIndexes: [0, 1] }] }),
    encodeRequest(M.OffsetDelete, 0, { groupId: 'g', topics: [{ name: 'fuzz', partitions: [{ partitionIndex: 0 }] }] }),
    encodeRequest(M.DescribeLogDirs, 4, { topics: null }),
  ];
  const apiKeys = Object.keys(M.ADVERTISED).map(Number);

  // Every template, flexible versions included, is a well-formed request the broker answers.
  for (const [i, t] of templates.entries()) {
    const answered = await new Promise<boolean>((resolve) => {
      const s = net.connect(tb.broker.port, '127.0.0.1');
      const timer = setTimeout(() => (s.destroy(), resolve(false)), 5000);
      s.on('data', () => (clearTimeout(timer), s.destroy(), resolve(true)));
      s.on('close', () => (clearTimeout(timer), resolve(false)));
      s.on('error', () => {});
      s.write(frame(t));
    });
    assert.ok(answered, `template ${i} (api ${t.readInt16BE(0)} v${t.readInt16BE(2)}) gets an answer`);
  }

  function makeFrame(): { kind: Kind; bytes: Buffer } {
    const k = int(7);
    switch (k) {
      case 0: {
        const sizes = [-1, -2147483648, 0, 3, 7, 200 << 20, 0x7fffffff];
        return { kind: 'bad-size', bytes: frame(randomBytes(8), sizes[int(sizes.length)]) };
      }
      case 1: {
        const h = Buffer.alloc(12);
        h.writeInt16BE([999, 4, 5, 6, 7, 100, -1][int(7)], 0);
        h.writeInt16BE(0, 2);
        h.writeInt32BE(7, 4);
        h.writeInt16BE(-1, 8);
        return { kind: 'unknown-api', bytes: frame(Buffer.concat([h, randomBytes(int(20))])) };
      }
      case 2: {
        const key = apiKeys.filter((x) => x !== M.ApiVersions.apiKey)[int(apiKeys.length - 1)];
        const [, max] = M.ADVERTISED[key];
        const h = Buffer.alloc(10);
        h.writeInt16BE(key, 0);
        h.writeInt16BE(max + 1 + int(50), 2);
        h.writeInt32BE(9, 4);
        h.writeInt16BE(-1, 8);
        return { kind: 'bad-version', bytes: frame(Buffer.concat([h, randomBytes(int(30))])) };
      }
      case 3: {
        // Metadata v1 needs a 4-byte array length: give it fewer bytes
        const h = Buffer.alloc(10 + int(4));
        h.writeInt16BE(M.Metadata.apiKey, 0);
        h.writeInt16BE(1, 2);
        h.writeInt32BE(11, 4);
        h.writeInt16BE(-1, 8);
        return { kind: 'short-body', bytes: frame(h) };
      }
      case 4: {
        const key = apiKeys[int(apiKeys.length)];
        const [min, max] = M.ADVERTISED[key];
        const h = Buffer.alloc(10);
        h.writeInt16BE(key, 0);
        h.writeInt16BE(min + int(max - min + 1), 2);
        h.writeInt32BE(13, 4);
        h.writeInt16BE(-1, 8);
        return { kind: 'random-body', bytes: frame(Buffer.concat([h, randomBytes(int(64))])) };
      }
      case 5: {
        const t = Buffer.from(templates[int(templates.length)]);
        const flips = 1 + int(4);
        for (let i = 0; i < flips; i++) {
          const at = 8 + int(t.length - 8); // keep api key and version
          t[at] = int(256);
        }
        return { kind: 'mutated', bytes: frame(t) };
      }
      default: {
        const t = templates[int(templates.length)];
        return { kind: 'truncated', bytes: frame(t.subarray(0, 4 + int(t.length - 4))) };
      }
    }
  }

  const kafka = new Kafka({ brokers: [tb.broker.address], logLevel: logLevel.NOTHING, clientId: 'fuzz-witness' });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'fuzz-witness', maxWaitTimeInMs: 50 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: 'witness', fromBeginning: true });
  const received = new Set<string>();
  await consumer.run({ eachMessage: async ({ message }) => void received.add(message.value!.toString()) });
  let produced = 0;
  let fuzzing = true;
  const witness = (async () => {
    while (fuzzing) {
      await producer.send({ topic: 'witness', messages: [{ key: String(produced), value: `w${produced}` }] });
      produced++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  const stats: Record<string, { closed: number; answered: number; held: number }> = {};
  let next = 0;
  async function worker(): Promise<void> {
    while (next < FRAMES) {
      next++;
      const { kind, bytes } = makeFrame();
      const outcome = await new Promise<'closed' | 'answered' | 'held'>((resolve) => {
        const s = net.connect(tb.broker.port, '127.0.0.1');
        let answered = false;
        // bad frames are closed at once; the bound only matters for requests that parse and wait
        const timer = setTimeout(() => {
          s.destroy();
          resolve(answered ? 'answered' : 'held');
        }, MUST_CLOSE.has(kind) ? 10_000 : 1000);
        s.on('data', () => {
          answered = true;
          clearTimeout(timer);
          s.destroy();
          resolve('answered');
        });
        s.on('close', () => {
          clearTimeout(timer);
          resolve(answered ? 'answered' : 'closed');
        });
        s.on('error', () => {});
        s.write(bytes);
      });
      const st = (stats[kind] ??= { closed: 0, answered: 0, held: 0 });
      st[outcome]++;
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker));
  fuzzing = false;
  await witness;
  const deadline = Date.now() + 10_000;
  while (received.size < produced && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await consumer.disconnect();
  await producer.disconnect();
  console.log(`# fuzz outcomes by kind: ${JSON.stringify(stats)}; witness produced ${produced}, consumed ${received.size}`);

  let total = 0;
  for (const [kind, st] of Object.entries(stats)) {
    total += st.closed + st.answered + st.held;
    if (MUST_CLOSE.has(kind as Kind)) assert.deepEqual([st.answered, st.held], [0, 0], `${kind} frames must close the connection`);
  }
  assert.equal(total, FRAMES);
  assert.ok(stats.truncated.closed > 0 && stats.mutated.closed + stats.mutated.answered > 0);
  assert.ok(produced > 10, 'the witness kept producing');
  assert.equal(received.size, produced, 'the witness consumed everything it produced');
  await tb.close();
});
