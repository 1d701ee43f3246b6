import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import { murmur2, partitionForKey } from '../../src/log/partitioner.js';
import { crc32c } from '../../src/log/crc32c.js';
import type { LogRecord } from '../../src/log/topic-log.js';
import { topicLogContract } from './contract.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-log-'));
}

topicLogContract('EmbeddedLog', async () => {
  const dir = tmpDir();
  const log = await EmbeddedLog.open(dir);
  return {
    log,
    close: async () => {
      await log.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('crc32c matches the Castagnoli check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(0)), 0);
});

test('murmur2 matches Kafka test vectors and the kafkajs default partitioner', () => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [s, h] of vectors) assert.equal(murmur2(Buffer.from(s)), h, s);
  const require = createRequire(import.meta.url);
  const { Partitioners } = require('kafkajs') as {
    Partitioners: { DefaultPartitioner: () => (a: { topic: string; partitionMetadata: { partitionId: number; leader: number }[]; message: { key: Buffer } }) => number };
  };
  const kafkajs = Partitioners.DefaultPartitioner();
  for (const n of [1, 3, 7, 12]) {
    const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0 }));
    for (let i = 0; i < 300; i++) {
      const key = Buffer.from(i % 3 === 0 ? `k${i}` : i % 3 === 1 ? `{"id":${i * 7919}}` : '\u00e9\u4e2d' + i);
      assert.equal(partitionForKey(key, n), kafkajs({ topic: 't', partitionMetadata, message: { key } }), `key ${key} n=${n}`);
    }
  }
});

test('data, configs, offsets and transactions survive a reopen', async () => {
  const dir = tmpDir();
  try {
    let log = await EmbeddedLog.open(dir, { segmentBytes: 4096 });
    await log.createTopic('t', { partitions: 2, configs: { 'cleanup.policy': 'compact' } });
    for (let i = 0; i < 200; i++) await log.produce('t', [{ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`.repeat(10)), timestamp: 1000 + i }]);
    await log.commitOffsets('g', [{ topic: 't', partition: 1, offset: 42 }]);
    const tx = await log.beginTransaction('tx1');
    await tx.produce('t', [{ key: Buffer.from('tk'), value: Buffer.from('committed') }]);
    await tx.commitOffsets('g', [{ topic: 't', partition: 0, offset: 7 }]);
    await tx.commit();
    const open = await log.beginTransaction('tx2');
    await open.produce('t', [{ key: Buffer.from('tk'), value: Buffer.from('left open') }]);
    const before = await log.endOffsets('t');
    await log.close();

    log = await EmbeddedLog.open(dir, { segmentBytes: 4096 });
    const d = await log.describeTopic('t');
    assert.equal(d?.partitions, 2);
    assert.equal(d?.configs['cleanup.policy'], 'compact');
    assert.ok(fs.readdirSync(path.join(dir, 'topics', 't', '0')).filter((f) => f.endsWith('.log')).length > 1, 'segments rolled');
    const recs: LogRecord[] = [];
    for (let p = 0; p < 2; p++) {
      let off = 0;
      for (;;) {
        const got = await log.fetch([{ topic: 't', partition: p, offset: off }]);
        if (got.length === 0) break;
        recs.push(...got);
        off = got[got.length - 1].offset + 1;
      }
    }
    assert.equal(recs.length, 201);
    assert.ok(recs.some((r) => r.value?.toString() === 'committed'));
    assert.ok(!recs.some((r) => r.value?.toString() === 'left open'), 'a transaction open at shutdown is aborted at open');
    assert.deepEqual([...(await log.committedOffsets('g', 't'))].sort(), [
      [0, 7],
      [1, 42],
    ]);
    const after = await log.endOffsets('t');
    assert.ok(after[0] >= before[0] && after[1] >= before[1]);
    assert.deepEqual(await log.offsetsForTimestamp('t', 1100), await log.offsetsForTimestamp('t', 1100));
    // the old producer session of tx2 is fenced after restart too
    const tx2b = await log.beginTransaction('tx2');
    await tx2b.produce('t', [{ key: null, value: Buffer.from('after restart') }]);
    await tx2b.commit();
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn or corrupt tail is truncated at open', async () => {
  const dir = tmpDir();
  try {
    let log = await EmbeddedLog.open(dir);
    await log.createTopic('t', { partitions: 1 });
    await log.produce('t', [{ key: null, value: Buffer.from('one') }]);
    await log.produce('t', [{ key: null, value: Buffer.from('two') }]);
    await log.close();
    const seg = path.join(dir, 'topics', 't', '0', '00000000000000000000.log');
    const size = fs.statSync(seg).size;
    fs.truncateSync(seg, size - 5); // torn second batch
    log = await EmbeddedLog.open(dir);
    assert.deepEqual(await log.endOffsets('t'), [1]);
    await log.produce('t', [{ key: null, value: Buffer.from('three') }]);
    await log.close();
    // flip a byte inside the last batch: its CRC no longer matches
    const buf = fs.readFileSync(seg);
    buf[buf.length - 3] ^= 0xff;
    fs.writeFileSync(seg, buf);
    log = await EmbeddedLog.open(dir);
    const recs = await log.fetch([{ topic: 't', partition: 0, offset: 0 }]);
    assert.deepEqual(recs.map((r) => r.value?.toString()), ['one']);
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('appends that resolved survive SIGKILL', async () => {
  const dir = tmpDir();
  try {
    const script = `
      import { EmbeddedLog } from ${JSON.stringify(path.resolve('src/log/embedded/index.ts'))};
      const log = await EmbeddedLog.open(process.argv[1]);
      await log.createTopic('t', { partitions: 3 });
      for (let i = 0; ; i++) {
        const recs = Array.from({ length: 50 }, (_, j) => ({ key: Buffer.from('k' + (i * 50 + j)), value: Buffer.from('v' + i) }));
        const res = await log.produce('t', recs);
        await log.commitOffsets('g', [{ topic: 't', partition: 0, offset: i }]);
        process.stdout.write(JSON.stringify({ i, res }) + '\\n');
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 40) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const lines = out.split('\n').filter((l) => l.endsWith('}'));
    const acked = lines.map((l) => JSON.parse(l) as { i: number; res: { partition: number; offset: number }[] });
    const log = await EmbeddedLog.open(dir);
    const end = await log.endOffsets('t');
    for (const a of acked) for (const r of a.res) assert.ok(r.offset < end[r.partition], `acked offset ${r.partition}@${r.offset} is on disk`);
    const committed = (await log.committedOffsets('g', 't')).get(0)!;
    assert.ok(committed >= acked[acked.length - 1].i);
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('onAppend sees records in append order; transactional ones at commit', async () => {
  const dir = tmpDir();
  try {
    const log = await EmbeddedLog.open(dir);
    await log.createTopic('a', { partitions: 2 });
    await log.createTopic('b', { partitions: 1 });
    const seen: string[] = [];
    const off = log.onAppend((topic, recs) => {
      for (const r of recs) seen.push(`${topic}:${r.value}`);
    });
    await log.produce('a', [{ key: null, value: Buffer.from('1') }]);
    const tx = await log.beginTransaction('t');
    await tx.produce('b', [{ key: null, value: Buffer.from('tx') }]);
    await log.produce('b', [{ key: null, value: Buffer.from('2') }]);
    await tx.commit();
    const tx2 = await log.beginTransaction('t');
    await tx2.produce('b', [{ key: null, value: Buffer.from('dropped') }]);
    await tx2.abort();
    await log.produce('a', [
      { key: null, value: Buffer.from('3'), partition: 1 },
      { key: null, value: Buffer.from('4'), partition: 0 },
    ]);
    off();
    await log.produce('a', [{ key: null, value: Buffer.from('unseen') }]);
    // One produce call across partitions is seen in the order it was produced.
    assert.deepEqual(seen, ['a:1', 'b:2', 'b:tx', 'a:3', 'a:4']);
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('retention deletes old segments; deleteRecords moves the log start', async () => {
  const dir = tmpDir();
  try {
    const log = await EmbeddedLog.open(dir, { segmentBytes: 2048, maintenanceIntervalMs: 0, retentionCheckIntervalMs: 0 });
    await log.createTopic('r', { partitions: 1, configs: { 'retention.ms': '60000' } });
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 50; i++) await log.produce('r', [{ key: null, value: Buffer.alloc(100, 97), timestamp: old }]);
    for (let i = 0; i < 5; i++) await log.produce('r', [{ key: null, value: Buffer.from('fresh' + i) }]);
    (log as unknown as { maintenance(now: number): void }).maintenance(Date.now());
    const [start] = await log.beginningOffsets('r');
    assert.ok(start > 0 && start <= 50, `log start ${start}`);
    const recs = await log.fetch([{ topic: 'r', partition: 0, offset: 0 }], { maxRecords: 1000 });
    assert.equal(recs[0].offset, start);
    assert.equal(recs.filter((r) => r.value?.toString().startsWith('fresh')).length, 5);
    log.deleteRecords('r', 0, 53);
    assert.deepEqual(await log.beginningOffsets('r'), [53]);
    const rest = await log.fetch([{ topic: 'r', partition: 0, offset: 0 }]);
    assert.deepEqual(rest.map((r) => r.value?.toString()), ['fresh3', 'fresh4']);
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('retention waits a check interval after opening: old-timestamped records are not deleted at once', async () => {
  const dir = tmpDir();
  try {
    let log = await EmbeddedLog.open(dir, { maintenanceIntervalMs: 0 });
    await log.createTopic('backfill', { partitions: 1, configs: { 'retention.ms': '60000' } });
    await log.produce('backfill', [{ key: null, value: Buffer.from('1970'), timestamp: 1000 }]);
    const maintain = (l: EmbeddedLog, now: number) => (l as unknown as { maintenance(now: number): void }).maintenance(now);
    maintain(log, Date.now());
    await log.close();
    log = await EmbeddedLog.open(dir, { maintenanceIntervalMs: 0 });
    assert.deepEqual(await log.beginningOffsets('backfill'), [0]);
    maintain(log, Date.now() + 300_000);
    assert.deepEqual(await log.beginningOffsets('backfill'), [1], 'deleted once a retention check is due');
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
