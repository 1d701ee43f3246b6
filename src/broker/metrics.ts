// The embedded broker's Prometheus counters: requests by API and version outcome, bytes in
// and out. They live in the one registry the REST API's /metrics serves.

import { Counter } from 'prom-client';
import { metricsRegistry } from '../common/metrics.js';

export { metricsRegistry };

export const brokerRequests = new Counter({
  name: 'eddy_broker_requests_total',
  help: 'Kafka protocol requests the embedded broker handled, by API name and outcome (ok, or unsupported: an API or version it does not serve)',
  labelNames: ['api', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const brokerBytes = new Counter({
  name: 'eddy_broker_bytes_total',
  help: 'Bytes of Kafka protocol frames received (in) and sent (out) by the embedded broker',
  labelNames: ['direction'] as const,
  registers: [metricsRegistry],
});
