// The health of every part of the server, each with what is wrong and how to fix it: the
// engine, the log (embedded, or the Kafka cluster), the schema registry, persistent queries,
// connectors and the data dir's disk. The console's Health view and `eddy doctor` show it.

import { accessSync, constants, statfsSync } from 'node:fs';
import { errorMessage, withTimeout, type ConsoleBackend } from './backend.js';
import { connectorFailed, listConnectors } from './connectors.js';
import { recentLogEntries } from './processing-log.js';

export type HealthStatus = 'ok' | 'warning' | 'error' | 'unavailable';

export interface ComponentHealth {
  component: string;
  status: HealthStatus;
  message: string;
  /** How to fix it, when the status is not ok. */
  fix?: string;
}

export interface HealthReport {
  healthy: boolean;
  components: ComponentHealth[];
}

const CHECK_TIMEOUT_MS = 5000;
const GIB = 1024 ** 3;

async function engineHealth(b: ConsoleBackend): Promise<ComponentHealth> {
  const info = b.engine.info();
  if (!b.engine.healthy()) return { component: 'server', status: 'error', message: `The engine is not healthy (${info.serverStatus}).`, fix: 'See the server output for the cause; restart it with eddy server.' };
  return { component: 'server', status: 'ok', message: `Eddy ${info.version}, service id ${info.ksqlServiceId}, ${info.serverStatus}` };
}

async function logHealth(b: ConsoleBackend): Promise<ComponentHealth> {
  const kafka = b.config['bootstrap.servers'] ? String(b.config['bootstrap.servers']) : undefined;
  const component = 'broker';
  if (!b.log) return { component, status: 'unavailable', message: 'The console cannot see this server\'s log.' };
  try {
    const topics = await withTimeout(b.log.listTopics(), CHECK_TIMEOUT_MS, kafka ? `The Kafka cluster at ${kafka}` : 'The embedded log');
    return { component, status: 'ok', message: `${kafka ? `Kafka cluster at ${kafka}` : 'Embedded log'}: ${topics.length} topics` };
  } catch (err) {
    return {
      component,
      status: 'error',
      message: errorMessage(err),
      fix: kafka ? `Check that the brokers of bootstrap.servers=${kafka} run and this machine reaches them.` : 'Check the data dir (disk full, permissions) and the server output.',
    };
  }
}

function registryHealth(b: ConsoleBackend): ComponentHealth {
  const component = 'schema registry';
  const url = String(b.config['ksql.schema.registry.url'] ?? '').trim();
  const registry = b.registry?.();
  if (!registry) return { component, status: 'unavailable', message: 'The engine has no schema registry.' };
  try {
    const subjects = registry.subjects();
    return { component, status: 'ok', message: `${url === '' ? 'Embedded registry' : `Registry at ${url}`}: ${subjects.length} subjects` };
  } catch (err) {
    return { component, status: 'error', message: errorMessage(err), fix: url ? `Check that the registry at ksql.schema.registry.url=${url} runs and answers GET /subjects.` : 'See the server output.' };
  }
}

async function queryHealth(b: ConsoleBackend): Promise<ComponentHealth[]> {
  let queries: { id: string; state?: string; queryType?: string }[];
  try {
    queries = ((await b.statement('SHOW QUERIES;')).queries as typeof queries) ?? [];
  } catch (err) {
    return [{ component: 'queries', status: 'error', message: `SHOW QUERIES failed: ${errorMessage(err)}`, fix: 'See the server output.' }];
  }
  const out: ComponentHealth[] = [];
  for (const q of queries.filter((x) => x.queryType === undefined || x.queryType === 'PERSISTENT')) {
    const state = q.state ?? 'UNKNOWN';
    if (state === 'RUNNING') continue;
    if (state === 'PAUSED') {
      out.push({ component: `query ${q.id}`, status: 'warning', message: `${q.id} is PAUSED: it reads nothing.`, fix: `RESUME ${q.id};` });
      continue;
    }
    let errors = '';
    try {
      const d = (await b.statement(`EXPLAIN ${q.id};`)).queryDescription as { queryErrors?: { errorMessage?: string }[] };
      errors = (d.queryErrors ?? []).map((e) => e.errorMessage ?? JSON.stringify(e)).join('; ');
    } catch {
      // The state alone says enough.
    }
    errors ||= (await recentLogEntries(b)).filter((e) => e.logger.includes(q.id)).at(-1)?.message ?? '';
    out.push({ component: `query ${q.id}`, status: 'error', message: `${q.id} is ${state}${errors ? `: ${errors}` : ''}`, fix: `See SELECT * FROM KSQL_PROCESSING_LOG EMIT CHANGES; for the failing records, fix the cause, then TERMINATE ${q.id}; and create the query again.` });
  }
  const running = queries.filter((x) => (x.queryType === undefined || x.queryType === 'PERSISTENT') && x.state === 'RUNNING').length;
  out.unshift({ component: 'queries', status: out.some((c) => c.status === 'error') ? 'error' : 'ok', message: `${running} persistent queries running, ${out.length} not running` });
  return out;
}

async function connectorHealth(b: ConsoleBackend): Promise<ComponentHealth[]> {
  const answer = await listConnectors(b);
  if (answer.unavailable !== undefined) return [{ component: 'connectors', status: 'unavailable', message: answer.unavailable }];
  const failed = answer.connectors.filter(connectorFailed);
  return [
    { component: 'connectors', status: failed.length > 0 ? 'error' : 'ok', message: `${answer.connectors.length} connectors, ${failed.length} failed` },
    ...failed.map((c): ComponentHealth => ({
      component: `connector ${c.name}`,
      status: 'error',
      message: `${c.name} is ${c.state || 'failing'}${c.lastError ? `: ${c.lastError.split('\n')[0]}` : ''}`,
      fix: `DESCRIBE CONNECTOR ${c.name}; shows the whole trace; fix its configuration, then DROP CONNECTOR ${c.name}; and create it again.`,
    })),
  ];
}

/** Free space of the disk holding `dir`, and whether the server can write there. */
export function diskHealth(dir: string | undefined): ComponentHealth {
  const component = 'disk';
  if (dir === undefined) return { component, status: 'unavailable', message: 'The engine has no local data dir.' };
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    return { component, status: 'error', message: `The data dir ${dir} is not writable: ${errorMessage(err)}`, fix: `Give the server's user write access to ${dir}, or start it with --data-dir pointing elsewhere.` };
  }
  const s = statfsSync(dir);
  const free = s.bavail * s.bsize;
  const share = s.blocks > 0 ? s.bavail / s.blocks : 1;
  const text = `${(free / GIB).toFixed(1)} GiB free (${(share * 100).toFixed(0)}%) for the data dir ${dir}`;
  if (free < GIB / 10) return { component, status: 'error', message: text, fix: 'Free disk space (old topics: eddy topic delete; retention.ms) or move the data dir (--data-dir).' };
  if (free < GIB || share < 0.05) return { component, status: 'warning', message: text, fix: 'Disk space is running out: free some or move the data dir (--data-dir).' };
  return { component, status: 'ok', message: text };
}

const RECENT_MS = 5 * 60_000;

/** Records the queries could not read, compute or write lately: failures that stop nothing, so are easy to miss. */
async function processingLogHealth(b: ConsoleBackend): Promise<ComponentHealth> {
  const component = 'processing log';
  let entries;
  try {
    entries = (await recentLogEntries(b)).filter((e) => e.time >= Date.now() - RECENT_MS);
  } catch (err) {
    return { component, status: 'unavailable', message: `The processing log cannot be read: ${errorMessage(err)}` };
  }
  if (entries.length === 0) return { component, status: 'ok', message: 'No record failed in the last 5 minutes' };
  const last = entries.at(-1)!;
  return {
    component,
    status: 'warning',
    message: `${entries.length} records failed in the last 5 minutes; the latest (${last.logger}): ${last.message}`,
    fix: 'SELECT * FROM KSQL_PROCESSING_LOG EMIT CHANGES; shows each one with the record: check the formats of the producers and of the stream (DESCRIBE).',
  };
}

export async function healthReport(b: ConsoleBackend): Promise<HealthReport> {
  const components = [await engineHealth(b), await logHealth(b), registryHealth(b), ...(await queryHealth(b)), await processingLogHealth(b), ...(await connectorHealth(b)), diskHealth(b.dataDir)];
  return { healthy: components.every((c) => c.status !== 'error'), components };
}
