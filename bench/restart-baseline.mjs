// The restart bench's baseline, run as its own process (plain JavaScript: no transpiling at start): opens a materialized table's SQLite
// file read-only and answers /query point lookups with fastify, framed as Eddy frames them.
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const [file, port] = [process.argv[2], Number(process.argv[3])];
const db = new Database(file, { readonly: true, fileMustExist: true });
const get = db.prepare('SELECT k0, v FROM rows WHERE k0 = ?').raw(true);
const app = Fastify({ logger: false });
app.post('/query', async (request, reply) => {
  const sql = String(request.body?.ksql ?? '');
  const key = /K = '([^']*)'/.exec(sql)?.[1] ?? '';
  const r = get.get(key);
  reply.header('content-type', 'application/vnd.ksql.v1+json');
  const header = '[{"header":{"queryId":"transient_T_1","schema":"`K` STRING KEY, `V` BIGINT, `NAME` STRING"}}';
  return r ? `${header},\n{"row":{"columns":${JSON.stringify([r[0], ...JSON.parse(r[1])])}}}]\n` : `${header}]\n`;
});
await app.listen({ host: '127.0.0.1', port });
console.log(`baseline listening on http://127.0.0.1:${port}`);
