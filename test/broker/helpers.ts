// Starts an embedded broker on a free loopback port over a fresh data directory.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
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
