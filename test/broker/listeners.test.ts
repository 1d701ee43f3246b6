// Where the broker says it is (advertised.listeners), how it logs a request version it
// does not serve, and the loopback default of `eddy server` for both listeners.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Reader, Writer } from '../../src/kafka-protocol/io.js';
import { readStruct, writeStruct } from '../../src/kafka-protocol/schema.js';
import * as M from '../../src/kafka-protocol/messages.js';
import { parseAdvertisedListeners } from '../../src/broker/listeners.js';
import { exposureWarning } from '../../src/server/server.js';
import { startTestBroker, stopChild } from './helpers.js';

/** Sends one frame and resolves with the answer frame, or null when the broker closes the connection. */
function roundTrip(port: number, payload: Buffer): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => (s.destroy(), resolve(null)), 10_000);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        clearTimeout(timer);
        s.destroy();
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    });
    s.on('close', () => (clearTimeout(timer), resolve(null)));
    s.on('error', () => {});
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    s.write(Buffer.concat([size, payload]));
  });
}

function metadataV12(topics: string[]): Buffer {
  const w = new Writer();
  w.int16(M.Metadata.apiKey);
  w.int16(12);
  w.int32(5);
  w.nullableString('listeners-test');
  w.uvarint(0);
  writeStruct(M.Metadata.request, 12, true, w, { topics: topics.map((name) => ({ topicId: Buffer.alloc(16), name })), allowAutoTopicCreation: true });
  return Buffer.concat(w.finish());
}

test('advertised.listeners picks the PLAINTEXT listener and rejects malformed entries', () => {
  assert.deepEqual(parseAdvertisedListeners('PLAINTEXT://kafka.example.com:19092'), { host: 'kafka.example.com', port: 19092 });
  assert.deepEqual(parseAdvertisedListeners('INTERNAL://10.0.0.5:9093, PLAINTEXT://[::1]:9092'), { host: '::1', port: 9092 });
  assert.throws(() => parseAdvertisedListeners('kafka.example.com:9092'), /NAME:\/\/host:port/);
});

test('Metadata v12 (flexible) gives the advertised address and a topic id', { timeout: 30_000 }, async () => {
  const tb = await startTestBroker({ advertisedHost: 'kafka.example.com', advertisedPort: 19092 });
  try {
    assert.equal(tb.broker.address, 'kafka.example.com:19092');
    assert.equal(tb.broker.listenAddress, `127.0.0.1:${tb.broker.port}`);
    const answer = await roundTrip(tb.broker.port, metadataV12(['adv-topic']));
    assert.ok(answer, 'Metadata v12 is answered');
    const r = new Reader(answer);
    assert.equal(r.int32(), 5);
    r.uvarint(); // response header tagged fields
    const body = readStruct(M.Metadata.response, 12, true, r);
    assert.deepEqual(body.brokers.map((b: { host: string; port: number }) => [b.host, b.port]), [['kafka.example.com', 19092]]);
    assert.equal(body.topics[0].name, 'adv-topic');
    assert.equal(body.topics[0].errorCode, 0);
    assert.notDeepEqual([...body.topics[0].topicId], new Array(16).fill(0), 'a non-zero topic id');
  } finally {
    await tb.close();
  }
});

test('a version the broker does not serve closes the connection and is logged', { timeout: 30_000 }, async () => {
  const lines: string[] = [];
  const tb = await startTestBroker({ logger: (l) => lines.push(l) });
  try {
    const w = new Writer();
    w.int16(M.ListOffsets.apiKey);
    w.int16(0); // ListOffsets v0: removed in Kafka 4.0, not served here either
    w.int32(9);
    w.nullableString('old-client');
    w.int32(-1);
    w.int32(0);
    assert.equal(await roundTrip(tb.broker.port, Buffer.concat(w.finish())), null);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      lines.some((l) => /unsupported version 0 of ListOffsets \(this broker serves versions 1-\d+; client 'old-client'\)/.test(l)),
      `log lines: ${lines.join(' | ')}`,
    );
  } finally {
    await tb.close();
  }
});

test('with no --host, eddy server binds the REST API and the broker to 127.0.0.1 and says so', { timeout: 90_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-listen-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/eddy.ts', 'server', '--port', '0', '--broker-port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  try {
    const started = Date.now();
    while (!/Embedded Kafka broker listening on/.test(out) && Date.now() - started < 60_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /listening on http:\/\/127\.0\.0\.1:\d+ /, out + err);
    assert.match(out, /Embedded Kafka broker listening on 127\.0\.0\.1:\d+ \(bootstrap\.servers=127\.0\.0\.1:\d+\)/, out + err);
    assert.doesNotMatch(err, /WARNING/);
  } finally {
    await stopChild(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a listener open beyond this machine without authentication gets a warning; loopback does not', () => {
  assert.equal(exposureWarning('The REST API', '127.0.0.1', 8088), undefined);
  assert.equal(exposureWarning('The REST API', '::1', 8088), undefined);
  assert.match(exposureWarning('The REST API', '0.0.0.0', 8088)!, /^WARNING: The REST API listens on 0\.0\.0\.0:8088 with no authentication/);
  assert.match(exposureWarning('The embedded Kafka broker', '::', 9092)!, /listens on \[::\]:9092/);
});
