// The pull bench's baseline server, run as its own process: a fastify route that answers
// /query with a fixed row from a Map, framed as Eddy frames a pull query's answer.
import Fastify from 'fastify';

const rows = new Map<string, unknown[]>([['k42', ['k42', 42, 'name-42']]]);
const app = Fastify({ logger: false });
app.post('/query', async (_request, reply) => {
  const row = rows.get('k42');
  reply.header('content-type', 'application/vnd.ksql.v1+json');
  return `[{"header":{"queryId":"transient_T_1","schema":"\`K\` STRING KEY, \`V\` BIGINT, \`NAME\` STRING"}},\n{"row":{"columns":${JSON.stringify(row)}}}]\n`;
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`baseline listening on ${address}`);
