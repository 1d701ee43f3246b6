import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../broker/helpers.js';
import { KafkaLog } from '../../src/log/kafka/index.js';
import { startBroker, type Broker } from '../../src/broker/index.js';
import { ProducerFencedError } from '../../src/log/topic-log.js';
import { topicLogContract } from './contract.js';

topicLogContract('KafkaLog against the embedded broker', async () => {
  const broker = await startTestBroker();
  const log = await KafkaLog.connect({ brokers: [broker.broker.address] });
  return {
    log,
    close: async () => {
      await log.close();
      await broker.close();
    },
  };
});

describe('KafkaLog specifics', () => {
  let broker: TestBroker;
  let log: KafkaLog;
  before(async () => {
    broker = await startTestBroker();
    log = await KafkaLog.connect({ brokers: [broker.broker.address] });
  });
  after(async () => {
    await log.close();
    await broker.close();
  });

  test('records keep zero timestamps, header order, repeated and numeric header keys', async () => {
    await log.createTopic('exact', { partitions: 1 });
    const headers = [
      { key: 'b', value: Buffer.from('1') },
      { key: '7', value: null },
      { key: 'b', value: Buffer.from('2') },
      { key: 'a', value: Buffer.alloc(0) },
    ];
    await log.produce('exact', [{ key: null, value: Buffer.from('v'), timestamp: 0, headers }]);
    const [r] = await log.fetch([{ topic: 'exact', partition: 0, offset: 0 }]);
    assert.equal(r!.timestamp, 0);
    assert.deepEqual(
      r!.headers.map((h) => [h.key, h.value === null ? null : h.value.toString()]),
      [
        ['b', '1'],
        ['7', null],
        ['b', '2'],
        ['a', ''],
      ],
    );
    // what the embedded log behind the broker stored is the same
    const [stored] = await broker.log.fetch([{ topic: 'exact', partition: 0, offset: 0 }]);
    assert.deepEqual(stored!.headers, r!.headers);
  });

  test('read-committed fetches skip aborted batches between committed ones', async () => {
    await log.createTopic('mixed', { partitions: 1 });
    await log.produce('mixed', [{ key: null, value: Buffer.from('plain-1') }]);
    const aborted = await log.beginTransaction('mixed-tx');
    await aborted.produce('mixed', [{ key: null, value: Buffer.from('aborted-1') }, { key: null, value: Buffer.from('aborted-2') }]);
    await aborted.abort();
    const committed = await log.beginTransaction('mixed-tx');
    await committed.produce('mixed', [{ key: null, value: Buffer.from('committed') }]);
    await committed.commit();
    await log.produce('mixed', [{ key: null, value: Buffer.from('plain-2') }]);
    const read = async (readCommitted: boolean) =>
      (await log.fetch([{ topic: 'mixed', partition: 0, offset: 0 }], { readCommitted })).map((r) => r.value!.toString());
    assert.deepEqual(await read(true), ['plain-1', 'committed', 'plain-2']);
    assert.deepEqual(await read(false), ['plain-1', 'aborted-1', 'aborted-2', 'committed', 'plain-2']);
    // fetching from inside the aborted range still skips it
    const offsets = (await log.fetch([{ topic: 'mixed', partition: 0, offset: 2 }])).map((r) => r.value!.toString());
    assert.deepEqual(offsets, ['committed', 'plain-2']);
  });

  test('a transaction of another client with the same id is fenced by the broker', async () => {
    await log.createTopic('fenced', { partitions: 1 });
    const other = await KafkaLog.connect({ brokers: [broker.broker.address] });
    try {
      const zombie = await other.beginTransaction('shared-tx');
      await zombie.produce('fenced', [{ key: null, value: Buffer.from('zombie') }]);
      const fresh = await log.beginTransaction('shared-tx');
      await assert.rejects(zombie.produce('fenced', [{ key: null, value: Buffer.from('zombie-2') }]), ProducerFencedError);
      await assert.rejects(zombie.commit(), ProducerFencedError);
      await fresh.produce('fenced', [{ key: null, value: Buffer.from('fresh') }]);
      await fresh.commit();
      const values = (await log.fetch([{ topic: 'fenced', partition: 0, offset: 0 }])).map((r) => r.value!.toString());
      assert.deepEqual(values, ['fresh']);
    } finally {
      await other.close();
    }
  });

  test('fetches from before the log start read from the start; partition counts are cached', async () => {
    await log.createTopic('trimmed', { partitions: 3 });
    assert.equal(log.partitionCount('trimmed'), 3);
    await log.produce('trimmed', [0, 1, 2, 3].map((i) => ({ key: null, value: Buffer.from(String(i)), partition: 0 })));
    broker.log.deleteRecords('trimmed', 0, 2);
    assert.deepEqual(await log.beginningOffsets('trimmed'), [2, 0, 0]);
    const recs = await log.fetch([{ topic: 'trimmed', partition: 0, offset: 0 }]);
    assert.deepEqual(recs.map((r) => r.offset), [2, 3]);
  });

  test('requests after a broker restart reconnect', async () => {
    const own = await startTestBroker();
    const client = await KafkaLog.connect({ brokers: [own.broker.address] });
    let restarted: Broker | undefined;
    try {
      await client.createTopic('restarts', { partitions: 1 });
      await client.produce('restarts', [{ key: null, value: Buffer.from('before') }]);
      await client.commitOffsets('g', [{ topic: 'restarts', partition: 0, offset: 1 }]);
      const port = own.broker.port;
      await own.broker.close();
      restarted = await startBroker({ log: own.log, port, host: '127.0.0.1' });
      await client.produce('restarts', [{ key: null, value: Buffer.from('after') }]);
      const values = (await client.fetch([{ topic: 'restarts', partition: 0, offset: 0 }])).map((r) => r.value!.toString());
      assert.deepEqual(values, ['before', 'after']);
      assert.deepEqual([...(await client.committedOffsets('g', 'restarts'))], [[0, 1]]);
    } finally {
      await client.close();
      await restarted?.close();
      await own.close();
    }
  });

  test('an unreachable cluster is reported when connecting', async () => {
    await assert.rejects(KafkaLog.connect({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 500 }));
  });
});
