// One cleartext port for HTTP/1.1 and HTTP/2 with prior knowledge (RFC 9113 §3.3), as
// ksqlDB's Vert.x listener offers: each new connection is sniffed for the HTTP/2 client
// preface and handed to an HTTP/2 or an HTTP/1.1 server, both calling the same handler.
// The returned http.Server is the one that listens; closing it also ends HTTP/2 sessions.
// Over TLS the choice is ALPN's (h2 or http/1.1) on one HTTP/2 secure server instead.

import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import type tls from 'node:tls';

/** Fastify's request handler; it serves HTTP/2 compat requests as well (see reply.js). */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n": no HTTP/1.x request line starts like this. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** Enough of the preface to tell: HTTP/1 methods never begin with "PRI ". */
const SNIFF_BYTES = 4;

/** Bytes queued by oneFramePerWrite before write() asks the caller to wait for 'drain'. */
const QUEUE_HIGH_WATER = 64 * 1024;

type WriteCallback = (err?: Error | null) => void;

/**
 * Makes an HTTP/2 response send each write() as its own DATA frames, in order, the way
 * ksqlDB's Vert.x server does: clients such as the npm ksqldb-client parse one JSON row
 * per frame, while Node would gather a burst of writes into one frame. A write goes out
 * once the one before it has been sent. Strings become Buffers first: Node 20's HTTP/2
 * streams send garbage for string chunks gathered into one writev.
 */
function oneFramePerWrite(res: http2.Http2ServerResponse): void {
  const write = res.write.bind(res) as (chunk: Buffer, callback: WriteCallback) => boolean;
  const end = res.end.bind(res) as (callback?: () => void) => http2.Http2ServerResponse;
  const queue: { chunk: Buffer; callback?: WriteCallback }[] = [];
  let queuedBytes = 0;
  let inFlight = false;
  let needDrain = false;
  let ending: { callback?: () => void } | undefined;

  const pump = (): void => {
    if (inFlight) return;
    const next = queue.shift();
    if (next) {
      queuedBytes -= next.chunk.length;
      inFlight = true;
      write(next.chunk, (err) => {
        inFlight = false;
        next.callback?.(err);
        if (err) return;
        pump();
      });
      return;
    }
    if (needDrain) {
      needDrain = false;
      res.emit('drain');
    }
    if (ending) {
      const { callback } = ending;
      ending = undefined;
      if (callback) end(callback);
      else end();
    }
  };
  const enqueue = (chunk: unknown, encoding: unknown, callback?: WriteCallback): void => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    if (buffer.length === 0 && !callback) return;
    queue.push({ chunk: buffer, callback });
    queuedBytes += buffer.length;
  };

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const cb = (typeof encoding === 'function' ? encoding : callback) as WriteCallback | undefined;
    enqueue(chunk, encoding, cb);
    pump();
    if (queuedBytes < QUEUE_HIGH_WATER) return true;
    needDrain = true;
    return false;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    if (typeof chunk === 'function') ending = { callback: chunk as () => void };
    else {
      if (chunk !== undefined && chunk !== null) enqueue(chunk, encoding, undefined);
      const cb = typeof encoding === 'function' ? encoding : typeof callback === 'function' ? callback : undefined;
      ending = { callback: cb as (() => void) | undefined };
    }
    pump();
    return res;
  }) as typeof res.end;
}

export function createDualProtocolServer(handler: Handler): http.Server {
  const h1 = http.createServer(handler);
  const h2 = http2.createServer({}, (req, res) => {
    oneFramePerWrite(res);
    (handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void)(req, res);
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });

  const h1Listeners = h1.listeners('connection') as ((socket: net.Socket) => void)[];
  h1.removeAllListeners('connection');
  const toHttp1 = (socket: net.Socket) => {
    for (const l of h1Listeners) l.call(h1, socket);
  };

  const sniffing = new Set<net.Socket>();
  h1.on('connection', (socket: net.Socket) => {
    sniffing.add(socket);
    socket.once('close', () => sniffing.delete(socket));
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, SNIFF_BYTES);
      const http2Preface = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (http2Preface && seen.length < SNIFF_BYTES) return;
      socket.off('data', onData);
      socket.off('error', onEarlyError);
      sniffing.delete(socket);
      // Give the bytes back: HTTP/2 sessions replay a socket's buffered data on the next
      // tick (and must not see it flow past first), HTTP/1's parser reads it once resumed.
      socket.pause();
      socket.unshift(seen);
      if (http2Preface) return void h2.emit('connection', socket);
      toHttp1(socket);
      socket.resume();
    };
    const onEarlyError = () => socket.destroy();
    socket.on('data', onData);
    socket.on('error', onEarlyError);
  });

  const endOthers = () => {
    for (const s of sessions) s.destroy();
    for (const s of sniffing) s.destroy();
  };
  const closeHttp1 = h1.close.bind(h1);
  h1.close = ((callback?: (err?: Error) => void) => {
    endOthers();
    return closeHttp1(callback);
  }) as typeof h1.close;
  const closeAllHttp1 = h1.closeAllConnections.bind(h1);
  h1.closeAllConnections = () => {
    endOthers();
    closeAllHttp1();
  };
  return h1;
}

/** HTTPS with ALPN: HTTP/2 for clients that offer h2, HTTP/1.1 for the others, on one port. */
export function createSecureDualProtocolServer(handler: Handler, tlsOptions: tls.TlsOptions): http.Server {
  const server = http2.createSecureServer({ ...tlsOptions, allowHTTP1: true }, (req, res) => {
    if (req.httpVersionMajor === 2) oneFramePerWrite(res);
    (handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void)(req, res);
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<tls.TLSSocket>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const endAll = () => {
    for (const s of sessions) s.destroy();
    for (const s of sockets) s.destroy();
  };
  const close = server.close.bind(server);
  server.close = ((callback?: (err?: Error) => void) => {
    endAll();
    return close(callback);
  }) as typeof server.close;
  // Fastify's forceCloseConnections calls these on the server it was given.
  const patched = server as unknown as { closeAllConnections(): void; closeIdleConnections(): void };
  patched.closeAllConnections = endAll;
  patched.closeIdleConnections = () => {};
  return server as unknown as http.Server;
}
