// The web console: `GET /` gives browsers (Accept: text/html) the console page and every
// other client the redirect to /info it always had; the page's files are served from
// /console/, and its JSON from /console/api/. Every route sits behind the server's
// authentication hooks like the REST API (src/server/auth.ts).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { EngineApi } from '../../engine/api.js';
import { toErrorReply } from '../errors.js';
import { consoleAssetsDir, NOT_BUILT_PAGE } from './assets.js';
import { consoleBackend } from './backend.js';
import { listTopics, tailTopic } from './topics.js';
import { listConnectors } from './connectors.js';
import { listSchemas } from './schemas.js';
import { queryDetail } from './query-graph.js';
import { healthReport } from './health.js';
import { Sampler } from './sampler.js';

export interface ConsoleOptions {
  /** How often the plots' sampler reads offsets; default 2000 ms (`eddy.console.sample.interval.ms`). */
  sampleIntervalMs?: number;
}

/** True when the client prefers a page to JSON: browsers list text/html first. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '');
  return /(^|,)\s*text\/html/i.test(accept);
}

function intParam(value: unknown, fallback: number, max: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
}

export function registerConsole(app: FastifyInstance, engine: EngineApi, config: Record<string, unknown>, options: ConsoleOptions = {}): void {
  const backend = consoleBackend(engine, config);
  const sampler = new Sampler(backend, options.sampleIntervalMs ?? intParam(config['eddy.console.sample.interval.ms'], 2000, 60_000));
  app.addHook('onClose', async () => sampler.stop());
  const assets = consoleAssetsDir();

  const page = (reply: FastifyReply): FastifyReply =>
    assets ? reply.header('cache-control', 'no-cache').sendFile('index.html') : reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);

  app.get('/', async (request, reply) => (wantsHtml(request) ? page(reply) : reply.redirect('/info', 307)));

  if (assets) {
    void app.register(fastifyStatic, { root: assets, prefix: '/console/', index: ['index.html'] });
  } else {
    app.get('/console/*', async (_request, reply) => page(reply));
  }

  /** A JSON endpoint: errors in the REST API's error shape. */
  const api = <P>(path: string, handler: (request: FastifyRequest<{ Params: P; Querystring: Record<string, string> }>) => Promise<unknown>): void => {
    app.get<{ Params: P; Querystring: Record<string, string> }>(`/console/api/${path}`, async (request, reply) => {
      sampler.start();
      try {
        const body = await handler(request);
        return reply.code(200).header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
      } catch (err) {
        const error = toErrorReply(err);
        return reply.code(error.status).header('content-type', 'application/json').send(JSON.stringify(error.body));
      }
    });
  };

  api('topics', async (r) => ({ topics: await listTopics(backend, r.query.all === 'true') }));
  api<{ name: string }>('topics/:name/records', async (r) =>
    tailTopic(backend, r.params.name, {
      from: r.query.from,
      positions: r.query.positions ? r.query.positions.split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 0) : undefined,
      waitMs: intParam(r.query.wait, 0, 5000),
      max: Math.max(1, intParam(r.query.max, 100, 1000)),
    }),
  );
  api<{ id: string }>('queries/:id', async (r) => queryDetail(backend, sampler, r.params.id));
  api('connectors', async () => listConnectors(backend));
  api('schemas', async () => listSchemas(backend));
  api('metrics', async () => sampler.series());
  api('health', async () => healthReport(backend));
}
