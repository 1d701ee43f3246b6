import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import type { LogRecord, TopicLog } from '../../src/log/topic-log.js';
import { TableStore } from '../../src/runtime/table-store.js';
import { AggregateStateStore } from '../../src/runtime/aggregate/state-store.js';
import { JoinStore, LEFT } from '../../src/runtime/join/join-store.js';
import { createOutputCommitter, processingGuarantee } from '../../src/runtime/exactly-once.js';
import { BIGINT, STRING } from '../../src/common/types.js';

const child = join(import.meta.dirname, 'fixtures', 'eos-child.ts');
const TOTAL = 3000;

/** Runs the child until its output contains `until`, then SIGKILLs it. */
function runUntil(dataDir: string, until: (out: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, String(TOTAL), process.env.EOS_TEST_GUARANTEE ?? 'exactly_once_v2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
      if (!killed && until(out)) {
        killed = true;
        p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL' && killed) resolve();
      else reject(new Error(`child exited before the kill point: ${err}`));
    });
  });
}

function producedAtLeast(n: number): (out: string) => boolean {
  return (out) => {
    const m = [...out.matchAll(/PRODUCED (\d+)/g)].pop();
    return m !== undefined && Number(m[1]) >= n;
  };
}

async function readAll(log: TopicLog, topic: string, readCommitted: boolean): Promise<LogRecord[]> {
  const partitions = (await log.describeTopic(topic))!.partitions;
  const out: LogRecord[] = [];
  for (let p = 0; p < partitions; p++) {
    let offset = 0;
    for (;;) {
      const batch = await log.fetch([{ topic, partition: p, offset }], { maxRecords: 10_000, readCommitted });
      if (batch.length === 0) break;
      out.push(...batch);
      offset = batch[batch.length - 1]!.offset + 1;
    }
  }
  return out;
}

test('exactly_once_v2: a CSAS and a GROUP BY SIGKILLed mid-stream neither lose nor repeat outputs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-eos-'));
  try {
    await runUntil(dir, producedAtLeast(1500));
    await runUntil(dir, (out) => out.includes('CAUGHT_UP'));

    const log = await EmbeddedLog.open(dir, { maintenanceIntervalMs: 0 });
    try {
      const inputs = await readAll(log, 'eos_in', true);
      const outputs = await readAll(log, 'EOS_OUT', true);
      assert.equal(inputs.length, TOTAL);
      const seen = new Map<string, number>();
      for (const r of outputs) {
        const v = JSON.parse(r.value!.toString()) as { ID: number; SRC_P: number; SRC_O: number };
        const k = `${v.SRC_P}:${v.SRC_O}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      const missing = inputs.filter((r) => !seen.has(`${r.partition}:${r.offset}`)).length;
      const duplicates = [...seen.values()].reduce((a, n) => a + n - 1, 0);
      assert.deepEqual({ outputs: outputs.length, missing, duplicates }, { outputs: TOTAL, missing: 0, duplicates: 0 });
      for (const r of outputs) {
        const v = JSON.parse(r.value!.toString()) as { ID: number; SRC_P: number; SRC_O: number };
        const input = inputs.find((i) => i.partition === v.SRC_P && i.offset === v.SRC_O);
        assert.equal(JSON.parse(input!.value!.toString()).ID, v.ID);
      }
      // The aggregation counted every input once: the last count per key adds up to the total.
      const counts = new Map<string, number>();
      for (const r of await readAll(log, 'EOS_COUNTS', true)) counts.set(String(r.key), (JSON.parse(String(r.value)) as { N: number }).N);
      assert.equal(counts.size, 7);
      assert.equal([...counts.values()].reduce((a, b) => a + b, 0), TOTAL);
      const uncommitted = (await readAll(log, 'EOS_OUT', false)).length - outputs.length;
      t.diagnostic(`aborted output records (invisible to read_committed): ${uncommitted}`);
    } finally {
      await log.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state commit whose log transaction never completed is undone at the next start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-eos-undo-'));
  const storeFile = join(dir, 'state.db');
  const record = (s: string) => ({ key: null, value: Buffer.from(s) });
  try {
    let log = await EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
    await log.createTopic('in', { partitions: 1 });
    await log.createTopic('out', { partitions: 1 });
    let store = new TableStore(storeFile, [BIGINT], [STRING]);
    // Aggregation state lives in the same database and commits with the rows.
    let agg = new AggregateStateStore(store.database);
    store.onCommit(() => agg.flush());
    agg.put({ key: ['x'], start: 0, end: 0, states: [1], rowtime: 1 });
    const committer = createOutputCommitter('exactly_once_v2', log, 'g', [store]);
    assert.deepEqual(await committer.startOffsets(['in']), new Map([['in', new Map()]]));
    store.put({ key: [1n], values: ['a'], rowtime: 1, partition: 0 });
    await committer.produce('out', [record('a')]);
    await committer.commit([{ topic: 'in', partition: 0, offset: 1 }]);

    // The second cycle gets as far as the state commit, then the process dies.
    store.put({ key: [1n], values: ['b'], rowtime: 2, partition: 0 });
    store.put({ key: [2n], values: ['c'], rowtime: 2, partition: 0 });
    agg.put({ key: ['x'], start: 0, end: 0, states: [3], rowtime: 2 });
    agg.put({ key: ['y'], start: 0, end: 0, states: [1], rowtime: 2 });
    const txn = await log.beginTransaction('g');
    await txn.produce('out', [record('b'), record('c')]);
    await txn.commitOffsets('g', [{ topic: 'in', partition: 0, offset: 3 }]);
    store.commit([{ topic: 'in', partition: 0, offset: 3 }], { undoable: true });
    store.close();
    await log.close();

    log = await EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
    store = new TableStore(storeFile, [BIGINT], [STRING]);
    agg = new AggregateStateStore(store.database);
    store.onCommit(() => agg.flush());
    const restarted = createOutputCommitter('exactly_once_v2', log, 'g', [store]);
    assert.deepEqual(await restarted.startOffsets(['in']), new Map([['in', new Map([[0, 1]])]]));
    assert.deepEqual(store.lookup([1n])?.values, ['a']);
    assert.equal(store.lookup([2n]), undefined);
    assert.deepEqual(agg.get(['x'])?.states, [1]);
    assert.equal(agg.get(['y']), undefined);
    assert.deepEqual((await readAll(log, 'out', true)).map((r) => r.value!.toString()), ['a']);

    // A completed cycle is kept across a restart.
    store.put({ key: [2n], values: ['d'], rowtime: 3, partition: 0 });
    await restarted.produce('out', [record('d')]);
    await restarted.commit([{ topic: 'in', partition: 0, offset: 4 }]);
    store.close();
    await log.close();
    log = await EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
    store = new TableStore(storeFile, [BIGINT], [STRING]);
    const again = createOutputCommitter('exactly_once_v2', log, 'g', [store]);
    assert.deepEqual(await again.startOffsets(['in']), new Map([['in', new Map([[0, 4]])]]));
    assert.deepEqual(store.lookup([2n])?.values, ['d']);
    assert.deepEqual((await readAll(log, 'out', true)).map((r) => r.value!.toString()), ['a', 'd']);
    store.close();
    await log.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('processing.guarantee accepts at_least_once and exactly_once_v2 under any of its names', () => {
  assert.equal(processingGuarantee({}), 'at_least_once');
  assert.equal(processingGuarantee({ 'ksql.streams.processing.guarantee': 'at_least_once' }), 'at_least_once');
  assert.equal(processingGuarantee({ 'processing.guarantee': 'exactly_once_v2' }), 'exactly_once_v2');
  assert.equal(processingGuarantee({ 'ksql.streams.processing.guarantee': 'EXACTLY_ONCE' }), 'exactly_once_v2');
  assert.throws(() => processingGuarantee({ 'processing.guarantee': 'twice' }), /Invalid value 'twice' for configuration processing.guarantee/);
});

test('join state under exactly-once: the last commit can be taken back after a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-eos-join-'));
  const file = join(dir, 'join.db');
  try {
    let store = new JoinStore(file, [STRING]);
    store.enableUndo();
    store.tablePut(0, LEFT, 'k1', 1, ['a']);
    store.windowPut(0, LEFT, 'w', 1, ['w1']);
    store.setNumber('time', 1);
    store.commit([{ topic: 'in', partition: 0, offset: 1 }]);
    store.tablePut(0, LEFT, 'k1', 2, ['b']);
    store.tablePut(0, LEFT, 'k2', 2, ['c']);
    store.windowPut(0, LEFT, 'w', 2, ['w2']);
    store.setNumber('time', 2);
    store.commit([{ topic: 'in', partition: 0, offset: 3 }]);
    store.close();

    store = new JoinStore(file, [STRING]);
    store.enableUndo();
    assert.deepEqual(store.undoOffsets(), [{ topic: 'in', partition: 0, offset: 1 }]);
    store.undoLastCommit();
    assert.deepEqual([...store.committedOffsets('in')], [[0, 1]]);
    assert.deepEqual(store.tableGet(0, LEFT, 'k1')?.row, ['a']);
    assert.equal(store.tableGet(0, LEFT, 'k2'), undefined);
    assert.deepEqual(store.windowFetch(0, LEFT, 'w', 0, 10).map((r) => r.row), [['w1']]);
    assert.equal(store.getNumber('time', -1), 1);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
