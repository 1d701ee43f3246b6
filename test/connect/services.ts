// The external services connector tests use: PostgreSQL and RabbitMQ from scripts/postgres and
// scripts/rabbitmq (or already running ones named by EDDY_POSTGRES_URL / EDDY_RABBITMQ_URL, as
// .ci/run sets them). Absent services skip the tests with how to get them, unless CI=true,
// where they fail.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');

export interface Service {
  /** Set when the service is missing and the tests should skip. */
  skip?: string;
  url: string;
  env: Record<string, string>;
  stop(): void;
}

function startScript(script: 'postgres' | 'rabbitmq', urlVar: string, install: string): Service {
  if (process.env[urlVar]) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('EDDY_'))) as Record<string, string>;
    return { url: process.env[urlVar]!, env, stop: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), `eddy-${script}-`));
  const dirVar = script === 'postgres' ? 'EDDY_POSTGRES_DIR' : 'EDDY_RABBITMQ_DIR';
  const run = (cmd: string) => spawnSync(join(repoRoot, 'scripts', script), [cmd], { env: { ...process.env, [dirVar]: dir }, encoding: 'utf8', timeout: 120_000 });
  const started = run('start');
  if (started.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const why = `${script} is not available (${started.stderr.trim().split('\n').pop() ?? 'scripts/' + script + ' failed'}); install it with: ${install}`;
    if (process.env.CI === 'true') throw new Error(why);
    return { skip: why, url: '', env: {}, stop: () => undefined };
  }
  const env: Record<string, string> = {};
  for (const m of started.stdout.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  return {
    url: env[urlVar]!,
    env,
    stop: () => {
      run('stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresService(): Service {
  return startScript('postgres', 'EDDY_POSTGRES_URL', 'apt-get install -y postgresql (or run .ci/run)');
}

export function rabbitmqService(): Service {
  return startScript('rabbitmq', 'EDDY_RABBITMQ_URL', 'apt-get install -y rabbitmq-server (or run .ci/run)');
}

/** Polls until `check` returns a value other than undefined, or fails after `ms` with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A new, empty database on the service's server (tests sharing one PostgreSQL never meet). */
export async function freshDatabase(url: string): Promise<{ url: string; jdbc: string; user: string }> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `eddy_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url.replace(/^postgres(ql)?:/, 'http:'));
  return { url: url.replace(/\/[^/?]*(\?.*)?$/, `/${name}`), jdbc: `jdbc:postgresql://${u.host}/${name}`, user: decodeURIComponent(u.username) };
}
