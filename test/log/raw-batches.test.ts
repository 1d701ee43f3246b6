// Raw batch reads decode to what a read-committed fetch returns, over a history of plain,
// gzip-compressed, committed and aborted transactional batches; raw appends (plain and in a
// transaction) become visible as produce's records do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import { compress } from '../../src/log/compression.js';
import { BATCH_HEADER_SIZE, CODEC_GZIP, encodeBatch } from '../../src/log/record-batch.js';
import { crc32c } from '../../src/log/crc32c.js';
import { decodeRawBatches, rawBatchLog } from '../../src/log/raw-batches.js';
import type { LogRecord, ProduceRecord } from '../../src/log/topic-log.js';

const rec = (i: number): ProduceRecord => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: 1000 + i, partition: 0 });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => rec(from + k));
const view = (r: LogRecord) => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp];

function gzipBatch(records: ProduceRecord[]): Buffer {
  const plain = encodeBatch(records, 0, Date.now());
  const body = compress(CODEC_GZIP, plain.subarray(BATCH_HEADER_SIZE));
  const out = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), body]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(out.readInt16BE(21) | CODEC_GZIP, 21);
  out.writeUInt32BE(crc32c(out, 21, out.length), 17);
  return out;
}

test('raw reads decode to the read-committed fetch, from any offset and in small reads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-raw-'));
  const log = await EmbeddedLog.open(join(dir, 'log'), { maintenanceIntervalMs: 0 });
  try {
    await log.createTopic('t', { partitions: 1 });
    await log.produce('t', range(0, 5));
    log.appendRawBatch('t', 0, gzipBatch(range(5, 9)));
    const aborted = await log.beginTransaction('p');
    await aborted.produce('t', range(100, 104));
    await aborted.abort();
    const committed = await log.beginTransaction('p');
    await committed.produce('t', range(9, 12));
    await committed.commit();
    const raw = rawBatchLog(log)!;
    const stable = (await log.endOffsets('t'))[0];
    const tx = await raw.beginTransaction('q');
    tx.appendRawBatch('t', 0, encodeBatch(range(12, 14), 0, Date.now()));
    assert.equal(raw.read('t', 0, 0, 1 << 20).endOffset, stable, 'the open transaction holds the end back');
    await tx.commit();
    raw.append('t', 0, encodeBatch(range(14, 16), 0, Date.now()));

    const expected = await log.fetch([{ topic: 't', partition: 0, offset: 0 }], { maxRecords: 1000 });
    assert.deepEqual(expected.map((r) => r.value?.toString()), range(0, 16).map((r) => r.value!.toString()));
    for (const from of [0, 3, 7, 10, 13]) {
      for (const maxBytes of [1, 1 << 20]) {
        const got: LogRecord[] = [];
        let offset = from;
        for (;;) {
          const read = raw.read('t', 0, offset, maxBytes);
          if (!read.bytes) {
            assert.ok(read.nextOffset >= read.endOffset);
            break;
          }
          decodeRawBatches(read.bytes, 't', 0, offset, read.aborted, got);
          offset = read.nextOffset;
        }
        assert.deepEqual(got.map(view), expected.filter((r) => r.offset >= from).map(view), `from ${from}, ${maxBytes} bytes a read`);
      }
    }
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
