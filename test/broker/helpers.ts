// Starts an embedded broker on a free loopback port over a fresh data directory.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import { startBroker, type Broker, type BrokerOptions } from '../../src/broker/index.js';

export interface TestBroker {
  log: EmbeddedLog;
  broker: Broker;
  dir: string;
  close(): Promise<void>;
}

export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-broker-'));
  const log = await EmbeddedLog.open(dir);
  const broker = await startBroker({ log, port: 0, ...options });
  return {
    log,
    broker,
    dir,
    async close() {
      await broker.close();
      await log.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why a command-line tool cannot be used, or undefined when it works. */
export function missingTool(command: string, args: string[], install: string): string | undefined {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `${command} is not installed or not working; install it with: ${install}`;
  return undefined;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kcat against a bootstrap address, with stdin from `input`; rejects when it runs past the timeout. */
export function runKcat(bootstrap: string, args: string[], input = '', timeoutMs = 30_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // kcat -L never reads its stdin and may exit before the write lands (EPIPE)
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Debian's Python, which sees python3-kafka (the default python3 may not). */
export const PYTHON = '/usr/bin/python3';

/** Runs a kafka-python script (bootstrap address in sys.argv[1]) and parses the JSON on its last output line. */
export function runPython(script: string, bootstrap: string, timeoutMs = 40_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script, bootstrap], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`python timed out; stderr: ${err}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`python exited with ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>);
      } catch {
        reject(new Error(`unexpected python output: ${out} ${err}`));
      }
    });
  });
}

export interface KcatGroupMember {
  child: ChildProcess;
  out: () => string;
  err: () => string;
}

/** A kcat balanced-consumer member of `group`, printing `partition:value` lines, committing every 100 ms. */
export function startKcatGroupMember(bootstrap: string, group: string, topic: string): KcatGroupMember {
  const child = spawn('kcat', ['-b', bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-X', 'heartbeat.interval.ms=200', '-X', 'auto.commit.interval.ms=100', '-f', '%p:%s\\n', topic], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return { child, out: () => out, err: () => err };
}

/** The partitions of kcat's last rebalance line in its stderr, when that line is an assignment. */
export function lastAssignment(stderr: string): number[] | undefined {
  const lines = stderr.split('\n').filter((l) => /rebalanced .*: (assigned|revoked)/.test(l));
  const last = lines[lines.length - 1];
  if (!last || !last.includes('assigned:')) return undefined;
  return [...last.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])).sort();
}

/** SIGTERMs a child and waits for it to exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Polls `cond` every 100 ms until it holds; fails naming `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
