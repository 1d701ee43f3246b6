import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { FormatGuesser, formatRowtime } from '../../src/engine/print.js';
import { ProcessingLogWriter, processingLogTopic } from '../../src/engine/processing-log.js';

const ctx = { properties: {}, variables: {} };

test('format guesses narrow across records and report MIXED on disagreement', () => {
  const g = new FormatGuesser();
  g.observe(Buffer.from('{"a":1}'));
  assert.equal(g.describe(), 'JSON or KAFKA_STRING');
  g.observe(Buffer.from('plain'));
  assert.equal(g.describe(), 'KAFKA_STRING');
  const i = new FormatGuesser();
  const four = Buffer.alloc(4);
  four.writeInt32BE(-7);
  i.observe(four);
  assert.equal(i.describe(), 'KAFKA_INT');
  i.observe(Buffer.alloc(8));
  assert.equal(i.describe(), 'MIXED');
  assert.equal(formatRowtime(Date.UTC(2022, 2, 18, 15, 53, 22, 989)), '2022/03/18 15:53:22.989 Z');
});

test('PRINT FROM BEGINNING with INTERVAL and LIMIT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-print-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.log.createTopic('Events', { partitions: 1 });
    const records = [1, 2, 3, 4, 5].map((n) => ({ key: Buffer.from(`k${n}`), value: Buffer.from(JSON.stringify({ n })), timestamp: Date.UTC(2022, 0, 1, 0, 0, n) }));
    await e.log.produce('Events', records);
    const stream = await e.query(`PRINT 'Events' FROM BEGINNING INTERVAL 2 LIMIT 2;`, ctx);
    assert.equal(stream.kind, 'print');
    const lines: string[] = [];
    for await (const item of stream.items) if ('row' in item) lines.push(item.row[0] as string);
    assert.deepEqual(lines, [
      'Key format: KAFKA_STRING',
      'Value format: JSON or KAFKA_STRING',
      'rowtime: 2022/01/01 00:00:01.000 Z, key: k1, value: {"n":1}, partition: 0',
      'rowtime: 2022/01/01 00:00:03.000 Z, key: k3, value: {"n":3}, partition: 0',
    ]);
    assert.equal(await stream.finalMessage, 'Limit Reached');
    await assert.rejects(e.query(`PRINT 'nope';`, ctx), /Could not find topic 'nope'/);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the processing log topic and KSQL_PROCESSING_LOG stream exist and take entries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-plog-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    const topic = processingLogTopic(e.config);
    assert.equal(topic, 'default_ksql_processing_log');
    assert.ok(await e.log.describeTopic(topic));
    const s = e.catalog.getSource('KSQL_PROCESSING_LOG')!;
    assert.equal(s.topic, topic);
    assert.equal(s.valueFormat.format, 'JSON');
    assert.deepEqual(s.schema.value.map((c) => c.name), ['LOGGER', 'LEVEL', 'TIME', 'MESSAGE']);
    const writer = new ProcessingLogWriter(e.log, topic);
    writer.write({
      logger: 'processing.CSAS_X_1.KsqlTopic.Source',
      time: 5,
      message: { type: 0, deserializationError: { target: 'value', errorMessage: 'bad', recordB64: null, cause: ['x'], topic: 't' } },
    });
    await writer.flush();
    const [rec] = await e.log.fetch([{ topic, partition: 0, offset: 0 }], { maxWaitMs: 0 });
    const json = JSON.parse(rec!.value!.toString());
    assert.equal(json.LOGGER, 'processing.CSAS_X_1.KsqlTopic.Source');
    assert.equal(json.TIME, 5);
    assert.equal(json.MESSAGE.TYPE, 0);
    assert.equal(json.MESSAGE.DESERIALIZATIONERROR.ERRORMESSAGE, 'bad');
    assert.equal(json.MESSAGE.RECORDPROCESSINGERROR, null);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
