// Apache Kafka's own Java client (kafka-clients 4.x from Maven Central) against the embedded
// broker: AdminClient topics, configs (describe, incremental alter), transactions, groups and offsets, a transactional producer and a
// classic-protocol group consumer reading committed records only. Driven by
// test/broker/java/Interop.java; `.ci/run` resolves the artefacts into ~/.m2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startTestBroker } from './helpers.js';
import { JAVA_DIR, classpath, run } from './java-harness.js';

test('kafka-clients 4.x: admin topics, configs and transactions, transactional producer, classic group consumer, list and delete offsets', { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-java-'));
  try {
    const { cp, why } = classpath(dir);
    if (!cp) {
      if (process.env.CI === 'true') assert.fail(why);
      return t.skip(why);
    }
    const javac = spawnSync('javac', ['-d', dir, '-cp', cp, path.join(JAVA_DIR, 'Interop.java')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(javac.status, 0, javac.stderr);

    const tb = await startTestBroker();
    try {
      const r = await run('java', ['-cp', `${dir}${path.delimiter}${cp}`, 'Interop', `127.0.0.1:${tb.broker.port}`], 240_000);
      assert.equal(r.code, 0, `java exited with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const steps = new Map<string, Record<string, unknown>>();
      for (const line of r.stdout.split('\n').filter((l) => l.startsWith('{'))) {
        const o = JSON.parse(line) as Record<string, unknown>;
        steps.set(String(o.step), o);
      }
      const topic = steps.get('describeTopics')!;
      assert.equal(topic.name, 'java-interop');
      assert.equal(topic.partitions, 2);
      assert.notEqual(topic.topicId, 'AAAAAAAAAAAAAAAAAAAAAA', 'a real topic id');
      assert.equal(steps.get('listTopics')!.hasTopic, true);
      const configs = steps.get('configs')!;
      assert.equal(configs.retentionBefore, '604800000');
      assert.equal(configs.retentionAfter, '3600000');
      assert.equal(configs.retentionSource, 'DYNAMIC_TOPIC_CONFIG');
      assert.equal(configs.cleanupAfter, 'delete,compact', 'APPEND adds to the list');
      assert.equal(configs.retentionReset, '604800000', 'DELETE brings the default back');
      assert.equal(configs.resetIsDefault, true);
      assert.equal(configs.badValue, 'InvalidConfigurationException');
      const txnAdmin = steps.get('txnAdmin')!;
      assert.equal(txnAdmin.listedOngoing, true, 'listTransactions shows the open transaction');
      assert.equal(txnAdmin.state, 'Ongoing');
      assert.equal(txnAdmin.partitions, 1);
      assert.ok(Number(txnAdmin.producerId) >= 0);
      assert.equal(txnAdmin.producerOpenOnPartition, true, 'describeProducers shows the open transaction on partition 0');
      assert.deepEqual(steps.get('transactions'), { step: 'transactions', committed: 10, aborted: 5 });
      const values = steps.get('consume')!.values as string[];
      assert.deepEqual(values, Array.from({ length: 10 }, (_, i) => `committed-${i}`).sort(), 'read_committed sees the committed transaction only');
      const groups = steps.get('groups')!;
      assert.equal(groups.listed, true);
      assert.equal(groups.members, 1);
      assert.equal(groups.state, 'Stable');
      const offsets = steps.get('offsets')!;
      // 10 committed records over 2 partitions plus the markers of two transactions each
      assert.equal(offsets.earliest1, 0);
      assert.ok(Number(offsets.latest0) >= 5, `latest offset of partition 0: ${offsets.latest0}`);
      assert.ok(Number(offsets.committedSum) >= 10, `committed offsets sum ${offsets.committedSum}`);
      assert.equal(steps.get('offsetDeleteLive')!.result, 'GroupSubscribedToTopicException', 'offsets of a topic the live group reads stay');
      assert.equal(steps.get('offsetDelete')!.left, '[java-interop-1]', 'deleteConsumerGroupOffsets removed partition 0 only');
      const logDirs = steps.get('logDirs')!;
      assert.equal(logDirs.dirs, 1);
      assert.ok(Number(logDirs.partition0Bytes) > 0, `partition 0 has bytes on disk: ${logDirs.partition0Bytes}`);
      assert.equal(logDirs.space, true, 'total and usable bytes are reported');
    } finally {
      await tb.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
