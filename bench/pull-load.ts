// The pull bench's load generator, run as its own process: autocannon with keep-alive
// connections POSTing point lookups over `keys` keys to /query; prints one JSON line.
import autocannon from 'autocannon';

const [url, duration, connections, keys] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
let n = 0;
const result = await autocannon({
  url,
  connections,
  duration,
  pipelining: 1,
  requests: [
    {
      method: 'POST',
      path: '/query',
      headers: { 'content-type': 'application/json', accept: 'application/vnd.ksql.v1+json' },
      setupRequest: (req: Record<string, unknown>) => {
        // Keys spread over the table in a fixed pseudo-random walk (the same for both sides).
        n = (n + 7919) % keys;
        req.body = `{"ksql":"SELECT * FROM T WHERE K = 'k${n}';","streamsProperties":{}}`;
        return req;
      },
    },
  ],
});
console.log(JSON.stringify({ qps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, errors: result.errors, non2xx: result.non2xx, timeouts: result.timeouts }));
