// Writes a running QueryStream to a raw HTTP response with a given framing, honouring
// back-pressure, and stops the query when the client goes away. The header goes out at
// once; a client that asked for progress (X-Eddy-Progress) gets progress items every
// PROGRESS_EVERY_MS until the first row.

import type { ServerResponse } from 'node:http';
import type { QueryStream } from '../engine/api.js';
import type { Framer } from './framing.js';

export const PROGRESS_EVERY_MS = 250;

/** Resolves when the response has ended (normally or because the client disconnected). */
export async function streamQuery(
  res: ServerResponse,
  query: QueryStream,
  framer: Framer,
  contentType: string,
  options: { progress?: boolean } = {},
): Promise<void> {
  if (query.answered) return writeAnswered(res, query, framer, contentType);
  let clientGone = false;
  const onClose = () => {
    if (!res.writableFinished) {
      clientGone = true;
      query.close();
    }
  };
  res.on('close', onClose);
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', 'x-query-id': query.header.queryId });
  res.flushHeaders();

  const write = async (chunk: string): Promise<void> => {
    if (chunk === '' || clientGone) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };

  let progressTimer: NodeJS.Timeout | undefined;
  const stopProgress = () => clearInterval(progressTimer);
  try {
    await write(framer.begin(query.header));
    const progressOf = query.progress?.bind(query);
    if (options.progress && framer.progress && progressOf) {
      const frame = framer.progress.bind(framer);
      progressTimer = setInterval(() => {
        if (!clientGone && res.writableLength === 0) res.write(frame(progressOf()));
      }, PROGRESS_EVERY_MS);
    }
    for await (const item of query.items) {
      stopProgress();
      if (clientGone) break;
      if ('errorMessage' in item) await write(framer.error(item.errorMessage));
      else await write(framer.row(item.row, item.tombstone === true));
    }
    stopProgress();
    if (clientGone) return;
    const finalMessage = await query.finalMessage;
    if (!clientGone) res.end(framer.end(query.omitFinalMessage ? undefined : finalMessage));
  } catch (err) {
    if (!clientGone) {
      const message = err instanceof Error ? err.message : String(err);
      await write(framer.error({ '@type': 'generic_error', error_code: 50000, message }));
      res.end(framer.end(undefined));
    }
  } finally {
    stopProgress();
    res.off('close', onClose);
    query.close();
  }
}

/** An answer computed at once: header and body in a single write. */
function writeAnswered(res: ServerResponse, query: QueryStream, framer: Framer, contentType: string): void {
  const { items, finalMessage } = query.answered!;
  let body = framer.begin(query.header);
  for (const item of items) body += 'errorMessage' in item ? framer.error(item.errorMessage) : framer.row(item.row, item.tombstone === true);
  body += framer.end(query.omitFinalMessage ? undefined : finalMessage);
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', 'x-query-id': query.header.queryId, 'content-length': Buffer.byteLength(body) });
  res.end(body);
  query.close();
}
