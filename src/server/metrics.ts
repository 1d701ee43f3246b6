// Prometheus metrics (prom-client): REST requests by endpoint and status here, Kafka
// protocol requests by API from the embedded broker (src/broker/metrics.ts), and Node's
// process metrics, all in one registry served as text at GET /metrics.

import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../broker/metrics.js';

let defaultsCollected = false;

const restRequests = new Counter({
  name: 'eddy_rest_requests_total',
  help: 'REST API requests by endpoint (route pattern), method and HTTP status',
  labelNames: ['endpoint', 'method', 'status'] as const,
  registers: [metricsRegistry],
});

const restDuration = new Histogram({
  name: 'eddy_rest_request_duration_seconds',
  help: 'Time to the end of a REST API response, by endpoint (streams last as long as their query)',
  labelNames: ['endpoint'] as const,
  buckets: [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
  registers: [metricsRegistry],
});

export function registerMetrics(app: FastifyInstance): void {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: metricsRegistry, prefix: 'eddy_' });
    // prom-client names these gauges *_total, which Prometheus keeps for counters (promtool
    // check metrics refuses them); the process metrics above already say the same.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      metricsRegistry.removeSingleMetric(`eddy_${name}`);
    }
    defaultsCollected = true;
  }
  app.addHook('onResponse', async (request, reply) => {
    // Unknown paths share one label so scanners cannot grow the label set without bound.
    const endpoint = request.routeOptions.url ?? 'unmatched';
    restRequests.inc({ endpoint, method: request.method, status: String(reply.statusCode) });
    restDuration.observe({ endpoint }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.code(200).header('content-type', metricsRegistry.contentType).send(text);
  });
}
