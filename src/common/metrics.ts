// The one Prometheus registry (prom-client) that the REST API serves at GET /metrics; the
// broker, the runtime and the server each register their own metrics in it.

import { Registry } from 'prom-client';

export const metricsRegistry = new Registry();
