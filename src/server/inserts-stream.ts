// POST /inserts-stream: the first body line names the target, each further line is one
// row as a JSON object; every row is acknowledged with {"status":"ok","seq":n} or an
// error ack, as delimited lines (default) or one JSON array (application/json).

import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import type { EngineApi } from '../engine/api.js';
import { genericError, toErrorReply } from './errors.js';
import { KsqlError } from '../common/errors.js';
import { DELIMITED, JSON_TYPE, KSQL_V1_JSON, negotiate } from './media-types.js';

async function* lines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line !== '') yield line;
    }
  }
  if (pending.trim() !== '') yield pending.trim();
}

export function registerInsertsStream(app: FastifyInstance, engine: EngineApi): void {
  app.register(async (scope) => {
    // The body is read line by line as it arrives, never parsed as a whole.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

    scope.post('/inserts-stream', async (request, reply) => {
      const contentType = negotiate(request.headers.accept, [DELIMITED, JSON_TYPE]);
      if (contentType === null) {
        const e = genericError(40600, `Unsupported Accept type '${request.headers.accept}'`);
        return reply.code(e.status).type(KSQL_V1_JSON).send(e.body);
      }
      const body = (request.body as Readable | undefined) ?? request.raw;
      const input = lines(body)[Symbol.asyncIterator]();
      const first = await input.next();
      let target: string | undefined;
      try {
        const parsed = first.done ? undefined : (JSON.parse(first.value) as unknown);
        const t = parsed && typeof parsed === 'object' ? (parsed as { target?: unknown }).target : undefined;
        if (typeof t === 'string' && t !== '') target = t;
      } catch {
        // reported below
      }
      if (target === undefined) {
        const e = genericError(40000, 'The first line of an /inserts-stream body must be {"target":"<stream>","properties":{}}');
        return reply.code(e.status).type(KSQL_V1_JSON).send(e.body);
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': contentType });
      const asArray = contentType === JSON_TYPE;
      let written = 0;
      const emit = (ack: Record<string, unknown>) => {
        const text = JSON.stringify(ack);
        res.write(asArray ? (written === 0 ? '[' : ',') + text : text + '\n');
        written++;
      };
      let seq = 0;
      for (let next = await input.next(); !next.done; next = await input.next()) {
        const n = seq++;
        try {
          const row = JSON.parse(next.value) as unknown;
          if (!row || typeof row !== 'object' || Array.isArray(row)) {
            throw new KsqlError(`Row ${n} is not a JSON object: ${next.value}`, 40000);
          }
          await engine.insertRow(target, row as Record<string, unknown>);
          emit({ status: 'ok', seq: n });
        } catch (err) {
          const e = err instanceof SyntaxError ? genericError(40000, `Row ${n} is not valid JSON: ${err.message}`) : toErrorReply(err);
          emit({ status: 'error', seq: n, error_code: e.body.error_code, message: e.body.message });
        }
        if (res.destroyed) break;
      }
      res.end(asArray ? (written === 0 ? '[]' : ']') : '');
      return reply;
    });
  });
}
