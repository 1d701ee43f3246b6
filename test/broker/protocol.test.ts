import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Reader, Writer } from '../../src/kafka-protocol/io.js';
import { readStruct, writeStruct, type Field, type MessageSchema } from '../../src/kafka-protocol/schema.js';
import * as M from '../../src/kafka-protocol/messages.js';
import { encodeBatch } from '../../src/log/record-batch.js';
import { startTestBroker, type TestBroker } from './helpers.js';

const SHARED = [path.resolve('../shared/kafka-protocol'), path.resolve('../../shared/kafka-protocol')].find((p) => fs.existsSync(p)) ?? path.resolve('../shared/kafka-protocol');

interface JsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  fields?: JsonField[];
}

function inRange(spec: string | undefined, v: number): boolean {
  if (!spec || spec === 'none') return false;
  if (spec.endsWith('+')) return v >= Number(spec.slice(0, -1));
  const [a, b] = spec.split('-').map(Number);
  return b === undefined ? v === a : v >= a && v <= b;
}

function loadJson(file: string): { fields: JsonField[]; commonStructs?: { name: string; fields: JsonField[] }[] } {
  const text = fs
    .readFileSync(path.join(SHARED, file), 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(text);
}

/** The wire layout of a message version: types in order, nullability, nesting; tagged fields left out. */
function layoutFromJson(fields: JsonField[], v: number, common: Map<string, JsonField[]>): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (!inRange(f.versions, v) || f.taggedVersions) continue;
    const nullable = inRange(f.nullableVersions, v) ? '?' : '';
    const isArray = f.type.startsWith('[]');
    const base = isArray ? f.type.slice(2) : f.type;
    const children = f.fields ?? common.get(base);
    if (children) out.push(`${isArray ? '[]' : ''}{${layoutFromJson(children, v, common).join(',')}}${nullable}`);
    else out.push(`${isArray ? '[]' : ''}${base}${nullable}`);
  }
  return out;
}

function layoutFromSchema(fields: Field[], v: number): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (v < f.vmin || v > f.vmax || f.tag >= 0) continue;
    const nullable = v >= f.nmin && v <= f.nmax ? '?' : '';
    if (f.type === 'struct') out.push(`${f.array ? '[]' : ''}{${layoutFromSchema(f.children, v).join(',')}}${nullable}`);
    else out.push(`${f.array ? '[]' : ''}${f.type}${nullable}`);
  }
  return out;
}

test('schema tables match the Kafka message definitions for every advertised version', { skip: !fs.existsSync(SHARED) && `no ${SHARED}` }, () => {
  let checked = 0;
  for (const schema of M.MESSAGES) {
    const reqFile = `${schema.name}Request.json`;
    if (!fs.existsSync(path.join(SHARED, reqFile))) continue; // DeleteGroups is not in the snapshot
    const [min, max] = M.ADVERTISED[schema.apiKey];
    for (const [kind, fields] of [
      ['Request', schema.request],
      ['Response', schema.response],
    ] as const) {
      const json = loadJson(`${schema.name}${kind}.json`);
      const common = new Map((json.commonStructs ?? []).map((s) => [s.name, s.fields]));
      for (let v = min; v <= max; v++) {
        assert.deepEqual(layoutFromSchema(fields, v), layoutFromJson(json.fields, v, common), `${schema.name}${kind} v${v}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `checked ${checked} layouts`);
});

function encodeRequest(schema: MessageSchema, version: number, body: Record<string, unknown>, correlationId: number): Buffer {
  const flexible = version >= schema.flexibleFrom;
  const w = new Writer();
  w.int16(schema.apiKey);
  w.int16(version);
  w.int32(correlationId);
  w.nullableString('protocol-test');
  if (flexible) w.uvarint(0);
  writeStruct(schema.request, version, flexible, w, body);
  const payload = Buffer.concat(w.finish());
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: ((b: Buffer) => void)[] = [];
  private ready: Buffer[] = [];
  closed = false;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        if (this.buf.length < 4) break;
        const n = this.buf.readInt32BE(0);
        if (this.buf.length < 4 + n) break;
        const frame = this.buf.subarray(4, 4 + n);
        this.buf = this.buf.subarray(4 + n);
        const waiter = this.waiters.shift();
        if (waiter) waiter(frame);
        else this.ready.push(frame);
      }
    });
    socket.on('close', () => (this.closed = true));
  }
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
    });
  }
  next(): Promise<Buffer> {
    const frame = this.ready.shift();
    if (frame) return Promise.resolve(frame);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  close(): void {
    this.socket.destroy();
  }
}

let tb: TestBroker;
before(async () => {
  tb = await startTestBroker();
});
after(async () => {
  await tb.close();
});

test('ApiVersions v3 (flexible request, header v0 response) lists every advertised API', async () => {
  const c = await RawClient.connect(tb.broker.port);
  c.socket.write(encodeRequest(M.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' }, 42));
  const frame = await c.next();
  const r = new Reader(frame);
  assert.equal(r.int32(), 42);
  const body = readStruct(M.ApiVersions.response, 3, true, r);
  assert.equal(body.errorCode, 0);
  const keys = new Map((body.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]).map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
  assert.deepEqual(keys.get(18), [0, 4]);
  assert.deepEqual(keys.get(0), [3, 11]);
  assert.deepEqual(keys.get(1), [4, 17]);
  assert.deepEqual(keys.get(3), [0, 12]);
  assert.deepEqual(keys.get(11), [0, 9]);
  assert.equal(r.remaining, 0);
  c.close();
});

test('ApiVersions above the supported version gets the KIP-511 v0-format answer', async () => {
  const c = await RawClient.connect(tb.broker.port);
  const h = Buffer.alloc(14);
  h.writeInt32BE(10, 0);
  h.writeInt16BE(18, 4);
  h.writeInt16BE(9, 6);
  h.writeInt32BE(77, 8);
  h.writeUInt16BE(0xffff, 12); // garbage the broker must not parse
  c.socket.write(h);
  const frame = await c.next();
  assert.deepEqual([...frame], [0, 0, 0, 77, 0, 35, 0, 0, 0, 1, 0, 18, 0, 0, 0, 4]);
  c.close();
});

test('pipelined requests are answered in order; Produce with acks=0 gets no answer', async () => {
  await tb.log.createTopic('pipe', { partitions: 1 });
  const c = await RawClient.connect(tb.broker.port);
  const batch = encodeBatch([{ key: null, value: Buffer.from('fire and forget') }], 0, Date.now());
  c.socket.write(
    Buffer.concat([
      encodeRequest(M.Metadata, 0, { topics: [] }, 1),
      encodeRequest(M.Produce, 7, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'pipe', partitionData: [{ index: 0, records: batch }] }] }, 2),
      encodeRequest(M.ListOffsets, 1, { replicaId: -1, topics: [{ name: 'pipe', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] }, 3),
    ]),
  );
  const first = await c.next();
  const second = await c.next();
  assert.equal(first.readInt32BE(0), 1);
  assert.equal(second.readInt32BE(0), 3);
  const r = new Reader(second, 4);
  const lo = readStruct(M.ListOffsets.response, 1, false, r);
  assert.equal(lo.topics[0].partitions[0].offset, 1, 'the acks=0 record was appended');
  c.close();
});

test('a Fetch long poll returns when data arrives', async () => {
  await tb.log.createTopic('poll', { partitions: 1 });
  const c = await RawClient.connect(tb.broker.port);
  c.socket.write(
    encodeRequest(
      M.Fetch,
      11,
      { maxWaitMs: 60_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, topics: [{ topic: 'poll', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [] },
      5,
    ),
  );
  const answer = c.next();
  setTimeout(() => void tb.log.produce('poll', [{ key: null, value: Buffer.from('wake up') }]), 50);
  const frame = await answer;
  const body = readStruct(M.Fetch.response, 11, false, new Reader(frame, 4));
  const p = body.responses[0].partitions[0];
  assert.equal(p.errorCode, 0);
  assert.equal(p.highWatermark, 1);
  assert.ok((p.records as Buffer).length > 61);
  c.close();
});
