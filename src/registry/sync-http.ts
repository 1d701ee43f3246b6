// Blocking HTTP for the registry client: serdes are synchronous, so a request runs on a
// worker thread while the caller waits on a shared flag (Atomics.wait), and its answer is
// taken off a message port. Results are cached by the client, so this blocks rarely: once
// per new schema id or registration.

import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

export interface SyncRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
}

export type SyncResponse = { status: number; body: string } | { error: string; code?: string };

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
parentPort.on('message', ({ req, port, flag }) => {
  const done = (msg) => {
    port.postMessage(msg);
    port.close();
    const a = new Int32Array(flag);
    Atomics.store(a, 0, 1);
    Atomics.notify(a, 0);
  };
  let finished = false;
  const once = (msg) => { if (!finished) { finished = true; done(msg); } };
  try {
    const u = new URL(req.url);
    const mod = u.protocol === 'https:' ? https : http;
    const r = mod.request(u, { method: req.method, headers: req.headers, timeout: req.timeoutMs, ...(req.tls || {}) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => once({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => once({ error: e.message, code: e.code }));
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error('no answer within ' + req.timeoutMs + ' ms'), { code: 'ETIMEDOUT' })));
    r.on('error', (e) => once({ error: e.message || String(e), code: e.code }));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  } catch (e) {
    once({ error: e.message, code: e.code });
  }
});
`;

let worker: Worker | undefined;

function theWorker(): Worker {
  if (!worker) {
    worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('error', () => {
      worker = undefined;
    });
    worker.on('exit', () => {
      worker = undefined;
    });
  }
  return worker;
}

export function syncHttp(req: SyncRequest): SyncResponse {
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  theWorker().postMessage({ req, port: port2, flag }, [port2]);
  const waited = Atomics.wait(new Int32Array(flag), 0, 0, req.timeoutMs + 2000);
  const msg = receiveMessageOnPort(port1);
  port1.close();
  if (!msg) return { error: waited === 'timed-out' ? `no answer within ${req.timeoutMs} ms` : 'the request was lost', code: 'ETIMEDOUT' };
  return msg.message as SyncResponse;
}
