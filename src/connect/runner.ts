// The built-in connector backend: connectors run inside this server. The engine adds them as
// their commands apply (at CREATE and on command-log replay) and starts them all once the
// replay is done. Each task runs in its own loop; a failure marks it FAILED with its trace,
// goes to the processing log, and the task is started again after a growing pause, so no
// connector can stop the server or another connector.

import { hostname } from 'node:os';
import type { ConnectorHost, ConnectorPlugin, ConnectorSpec, ConnectorState, ConnectorTask, PartitionLag, TaskReporter } from './contract.js';
import { ConnectorConfig } from './config.js';
import { pluginFor } from './plugins.js';
import { ProcessingLogType } from '../runtime/processing-log.js';
import { sleep, waitAborted } from './abort.js';

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export interface ConnectorStatus {
  spec: ConnectorSpec;
  className: string;
  state: ConnectorState;
  workerId: string;
  /** The last failure's stack, while the task is FAILED. */
  trace?: string;
  /** The last failure, kept after recovery, with when it happened. */
  lastError?: { message: string; time: number };
  topics: string[];
  lag: PartitionLag[];
}

class ConnectorRun {
  state: ConnectorState = 'UNASSIGNED';
  trace?: string;
  lastError?: { message: string; time: number };
  task?: ConnectorTask;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private backoff = FIRST_BACKOFF_MS;

  constructor(
    readonly spec: ConnectorSpec,
    readonly plugin: ConnectorPlugin,
    private readonly host: ConnectorHost,
  ) {}

  start(): void {
    if (this.loop) return;
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.state = 'UNASSIGNED';
  }

  private async runLoop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const config = new ConnectorConfig(this.spec.name, this.spec.config);
        this.task = this.plugin.createTask(config, this.host, this.reporter());
        if (this.state !== 'FAILED') this.state = 'RUNNING';
        await this.task.run(signal);
        if (!signal.aborted) {
          // A bounded task (e.g. a bulk load) finished: it stays RUNNING until dropped.
          this.state = 'RUNNING';
          await waitAborted(signal);
        }
      } catch (e) {
        if (signal.aborted) break;
        this.fail(e);
        await sleep(this.backoff, signal);
        this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private reporter(): TaskReporter {
    return {
      running: () => {
        this.state = 'RUNNING';
        this.trace = undefined;
        this.backoff = FIRST_BACKOFF_MS;
      },
      recordError: (error, record) => this.logError(error, record),
    };
  }

  private fail(e: unknown): void {
    this.state = 'FAILED';
    this.trace = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.logError(e);
  }

  private logError(e: unknown, record?: string): void {
    const message = e instanceof Error ? e.message : String(e);
    this.lastError = { message, time: Date.now() };
    this.host.processingLog.write({
      logger: `connect.${this.spec.name}`,
      level: 'ERROR',
      message: {
        type: ProcessingLogType.RECORD_PROCESSING_ERROR,
        recordProcessingError: { errorMessage: `Connector ${this.spec.name}: ${message}`, record: record ?? null, cause: causes(e) },
      },
    });
  }
}

export class BuiltInConnectors {
  private readonly runs = new Map<string, ConnectorRun>();
  private started = false;
  readonly workerId = `${hostname()}:built-in`;

  constructor(private readonly host: ConnectorHost) {}

  has(name: string): boolean {
    return this.runs.has(name);
  }

  /** Checks a definition without running it: a known class of the right type, a valid config. */
  validate(spec: ConnectorSpec): ConnectorPlugin {
    const plugin = pluginFor(spec);
    plugin.validate(new ConnectorConfig(spec.name, spec.config), this.host);
    return plugin;
  }

  /** Adds a connector; it runs at once when the server has started, else at startAll. */
  add(spec: ConnectorSpec): void {
    const run = new ConnectorRun(spec, pluginFor(spec), this.host);
    this.runs.set(spec.name, run);
    if (this.started) run.start();
  }

  async remove(name: string): Promise<boolean> {
    const run = this.runs.get(name);
    if (!run) return false;
    this.runs.delete(name);
    await run.stop();
    return true;
  }

  startAll(): void {
    this.started = true;
    for (const run of this.runs.values()) run.start();
  }

  names(): string[] {
    return [...this.runs.keys()].sort();
  }

  async status(name: string): Promise<ConnectorStatus | undefined> {
    const run = this.runs.get(name);
    if (!run) return undefined;
    let lag: PartitionLag[] = [];
    try {
      lag = (await run.task?.lag?.()) ?? [];
    } catch {
      // Lag is advisory: a task that cannot say (its topic is gone) shows none.
    }
    return {
      spec: run.spec,
      className: run.plugin.className,
      state: run.state,
      workerId: this.workerId,
      ...(run.trace !== undefined ? { trace: run.trace } : {}),
      ...(run.lastError ? { lastError: run.lastError } : {}),
      topics: run.task?.topics() ?? [],
      lag,
    };
  }

  async close(): Promise<void> {
    const runs = [...this.runs.values()];
    this.runs.clear();
    await Promise.all(runs.map((r) => r.stop()));
  }
}

function causes(e: unknown): string[] {
  const out: string[] = [];
  let c: unknown = e instanceof Error ? e.cause : undefined;
  while (c instanceof Error && out.length < 5) {
    out.push(c.message);
    c = c.cause;
  }
  return out;
}
