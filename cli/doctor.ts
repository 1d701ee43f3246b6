// `eddy doctor`: checks every part of an Eddy setup and prints what is wrong and how to fix
// it: the server (reachable, credentials, healthy), what the server sees of itself (its
// log or Kafka cluster, schema registry, persistent queries, connectors, disk: the
// console's /console/api/health), the Kafka broker and the schema registry as clients
// reach them, and the disk of a local data dir. Exit code 1 when anything is wrong, 3 when
// no server answers at all.

import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { diskHealth, type ComponentHealth } from '../src/server/console/health.js';
import { bootstrapServers, explainKafkaError, kafkaClient, withAdmin } from './topic-client.js';
import { EXIT } from './exit-codes.js';

export const DOCTOR_USAGE = `Usage: eddy doctor [url] [--user user:password] [--bootstrap-server host:port[,…]]
                   [--schema-registry url] [--data-dir dir] [--json]

  Checks the Eddy server at url (default http://localhost:8088) and everything it depends
  on, and says for each problem how to fix it. Exit code 0 when nothing is wrong (warnings
  allowed), 1 when something is, 3 when no server answers at url, 2 for a bad command line.
  --user                REST credentials when the server has authentication on ($EDDY_USER)
  --bootstrap-server    the Kafka broker clients use (default $EDDY_BOOTSTRAP_SERVERS or
                        localhost:9092, the embedded broker of eddy server)
  --schema-registry     the registry clients use (default $EDDY_SCHEMA_REGISTRY_URL or
                        http://127.0.0.1:8081, the embedded registry of eddy server)
  --data-dir            a local data dir whose disk to check (default ./eddy-data when present)
  --json                print the checks as JSON`;

export interface DoctorIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const TIMEOUT_MS = 5000;

async function fetchWithTimeout(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
}

function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string; name?: string };
  if (e.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

type Check = ComponentHealth & { unreachable?: boolean };

/** The server's own checks, or why they could not be had. */
async function serverChecks(url: string, headers: Record<string, string>): Promise<Check[]> {
  let info: Response;
  try {
    info = await fetchWithTimeout(`${url}/info`, { headers });
  } catch (err) {
    return [{ component: 'server', status: 'error', unreachable: true, message: `No Eddy server answers at ${url} (${causeOf(err)}).`, fix: `Start one with 'eddy server', or give its url: eddy doctor http://host:port` }];
  }
  if (info.status === 401) {
    return [{ component: 'server', status: 'error', message: `The server at ${url} wants credentials (authentication is on)${headers.authorization ? ' and refused the ones given' : ''}.`, fix: 'Pass --user user:password (or set EDDY_USER) with a user of its authentication.credentials.file.' }];
  }
  if (!info.ok) return [{ component: 'server', status: 'error', message: `GET ${url}/info answered ${info.status}: ${(await info.text()).slice(0, 200)}`, fix: 'Check that the url is an Eddy (or ksqlDB) server.' }];
  const health = await fetchWithTimeout(`${url}/console/api/health`, { headers }).catch(() => undefined);
  if (health?.ok) return ((await health.json()) as { components: ComponentHealth[] }).components.map((c) => (c.component === 'server' ? { ...c, message: `${c.message} at ${url}` } : c));
  // A server without the console's checks (ksqlDB, an older Eddy): its health check and queries.
  const out: ComponentHealth[] = [];
  const check = await fetchWithTimeout(`${url}/healthcheck`, { headers }).catch(() => undefined);
  const body = check ? ((await check.json().catch(() => ({}))) as { isHealthy?: boolean }) : {};
  out.push(body.isHealthy ? { component: 'server', status: 'ok', message: `healthy at ${url}` } : { component: 'server', status: 'error', message: `GET /healthcheck says the server at ${url} is not healthy.`, fix: 'See the server log.' });
  const queries = await fetchWithTimeout(`${url}/ksql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ ksql: 'SHOW QUERIES;' }) }).catch(() => undefined);
  if (queries?.ok) {
    const [entity] = (await queries.json()) as { queries?: { id: string; state?: string }[] }[];
    for (const q of entity?.queries ?? []) {
      if (q.state && q.state !== 'RUNNING') out.push({ component: `query ${q.id}`, status: q.state === 'PAUSED' ? 'warning' : 'error', message: `${q.id} is ${q.state}`, fix: q.state === 'PAUSED' ? `RESUME ${q.id};` : `DESCRIBE ${q.id} EXTENDED; shows why.` });
    }
  }
  return out;
}

async function brokerCheck(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<ComponentHealth> {
  const explicit = flag !== undefined || env.EDDY_BOOTSTRAP_SERVERS !== undefined;
  let brokers: string[];
  try {
    brokers = bootstrapServers(flag, env);
  } catch (err) {
    return { component: 'kafka clients', status: 'error', message: (err as Error).message };
  }
  try {
    const cluster = await withAdmin(kafkaClient(brokers), (admin) => admin.describeCluster());
    return { component: 'kafka clients', status: 'ok', message: `Kafka broker at ${brokers.join(',')} answers (cluster ${cluster.clusterId}, ${cluster.brokers.length} brokers)` };
  } catch (err) {
    const message = explainKafkaError(err, brokers).message;
    return explicit
      ? { component: 'kafka clients', status: 'error', message, fix: `Check that the broker at ${brokers.join(',')} runs, or pass the right --bootstrap-server.` }
      : { component: 'kafka clients', status: 'warning', message, fix: 'Fine if the server runs without its embedded broker (--no-broker, --kafka); else pass --bootstrap-server host:port.' };
  }
}

async function registryCheck(flag: string | undefined, env: NodeJS.ProcessEnv, headers: Record<string, string>): Promise<ComponentHealth> {
  const explicit = flag !== undefined || env.EDDY_SCHEMA_REGISTRY_URL !== undefined;
  const url = (flag ?? env.EDDY_SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081').replace(/\/+$/, '');
  try {
    const res = await fetchWithTimeout(`${url}/subjects`, { headers });
    if (!res.ok) throw new Error(`GET /subjects answered ${res.status}`);
    const subjects = (await res.json()) as unknown[];
    return { component: 'registry clients', status: 'ok', message: `Schema registry at ${url} answers (${subjects.length} subjects)` };
  } catch (err) {
    const message = `No schema registry answers at ${url} (${causeOf(err)}).`;
    return explicit
      ? { component: 'registry clients', status: 'error', message, fix: 'Check that the registry runs, or pass the right --schema-registry url.' }
      : { component: 'registry clients', status: 'warning', message, fix: 'Fine if the server runs without its embedded registry (--no-schema-registry); else pass --schema-registry url.' };
  }
}

const MARK: Record<ComponentHealth['status'], string> = { ok: '✔', warning: '!', error: '✖', unavailable: '-' };

export async function doctorCommand(argv: string[], io: DoctorIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        user: { type: 'string' },
        'bootstrap-server': { type: 'string', short: 'b' },
        'schema-registry': { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${DOCTOR_USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(DOCTOR_USAGE + '\n');
    return EXIT.OK;
  }
  const url = (positionals[0] ?? 'http://localhost:8088').replace(/\/+$/, '');
  const user = values.user ?? io.env.EDDY_USER;
  const headers: Record<string, string> = user ? { authorization: `Basic ${Buffer.from(user).toString('base64')}` } : {};
  const dataDir = values['data-dir'] ?? (existsSync(resolve(io.cwd, 'eddy-data')) ? 'eddy-data' : undefined);

  const checks: Check[] = [
    ...(await serverChecks(url, headers)),
    await brokerCheck(values['bootstrap-server'], io.env),
    await registryCheck(values['schema-registry'], io.env, {}),
    ...(dataDir !== undefined ? [{ ...diskHealth(resolve(io.cwd, dataDir)), component: 'local data dir' }] : []),
  ];
  const errors = checks.filter((c) => c.status === 'error').length;
  const warnings = checks.filter((c) => c.status === 'warning').length;
  if (values.json) {
    io.stdout.write(JSON.stringify({ healthy: errors === 0, checks: checks.map(({ unreachable: _, ...c }) => c) }, null, 2) + '\n');
  } else {
    const width = Math.max(...checks.map((c) => c.component.length));
    io.stdout.write(`eddy doctor: ${url}\n`);
    for (const c of checks) {
      io.stdout.write(`${MARK[c.status]} ${c.component.padEnd(width)}  ${c.message}\n`);
      if (c.fix && c.status !== 'ok') io.stdout.write(`  ${' '.repeat(width)}  fix: ${c.fix}\n`);
    }
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    io.stdout.write(errors === 0 ? `Nothing is wrong${warnings > 0 ? ` (${count(warnings, 'warning')})` : ''}.\n` : `${count(errors, 'problem')}${warnings > 0 ? `, ${count(warnings, 'warning')}` : ''}.\n`);
  }
  if (checks.some((c) => c.unreachable)) return EXIT.UNREACHABLE;
  return errors === 0 ? EXIT.OK : EXIT.STATEMENT_FAILED;
}
