// HTTP sink (settings of Confluent's HttpSinkConnector: http.api.url, request.method,
// headers, batch.max.size, batch.prefix/suffix/separator, request.body.format string|json,
// max.retries, retry.backoff.ms, behavior.on.error fail|ignore, and a dead-letter topic in
// reporter.error.topic.name or errors.deadletterqueue.topic.name). Each batch of record
// values is one request; a failing endpoint is retried with exponential backoff, and after
// max.retries the batch goes to the dead-letter topic with the error in its headers.

import { TopicSinkTask } from './topic-sink-task.js';
import { ConnectorConfigError, type ConnectorConfig } from './config.js';
import type { ConnectorHost, ConnectorPlugin, TaskReporter } from './contract.js';
import type { LogRecord } from '../log/topic-log.js';
import { sleep } from './abort.js';
import { ensureOutputTopic } from './source-offsets.js';
import { commitGroupOffsets, loadGroupOffsets, samePositions } from './sink-offsets.js';

const MAX_BACKOFF_MS = 60_000;

function settingsOf(config: ConnectorConfig) {
  const topics = config.list('topics');
  if (topics.length === 0) config.string('topics');
  const url = config.string('http.api.url');
  try {
    new URL(url);
  } catch {
    throw new ConnectorConfigError(`Connector ${config.connector}: invalid value for 'http.api.url': '${url}' is not a URL`);
  }
  const headers: Record<string, string> = {};
  for (const h of (config.optional('headers') ?? '').split(config.string('header.separator', '|'))) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return {
    topics,
    url,
    method: config.choice('request.method', ['POST', 'PUT', 'PATCH'], 'POST'),
    headers,
    batchSize: config.int('batch.max.size', 1, 1),
    prefix: config.string('batch.prefix', ''),
    suffix: config.string('batch.suffix', ''),
    separator: config.string('batch.separator', ','),
    json: config.choice('request.body.format', ['string', 'json'], 'string') === 'json',
    maxRetries: config.int('max.retries', 10, 0),
    backoffMs: config.int('retry.backoff.ms', 3000, 0),
    timeoutMs: config.int('request.timeout.ms', 30_000, 1),
    onError: config.choice('behavior.on.error', ['fail', 'ignore', 'log'], 'fail'),
    deadLetter: config.optional('reporter.error.topic.name') ?? config.optional('errors.deadletterqueue.topic.name'),
  };
}

type Settings = ReturnType<typeof settingsOf>;

class HttpSinkTask extends TopicSinkTask {
  constructor(
    private readonly config: ConnectorConfig,
    private readonly s: Settings,
    private readonly host: ConnectorHost,
    private readonly reporter: TaskReporter,
  ) {
    super();
  }

  topics(): string[] {
    return this.s.topics;
  }

  async run(signal: AbortSignal): Promise<void> {
    const name = this.config.connector;
    const reader = await this.openReader(this.host.log, name, this.s.topics, await loadGroupOffsets(this.host.log, name, this.s.topics));
    if (this.s.deadLetter) await ensureOutputTopic(this.host.log, this.s.deadLetter, 1);
    this.reporter.running();
    while (!signal.aborted) {
      const records = (await reader.poll(this.s.batchSize, 200)).filter((r) => r.value !== null);
      if (signal.aborted) break;
      const positions = reader.snapshot();
      if (records.length === 0 && samePositions(positions, this.committed)) continue;
      for (let i = 0; i < records.length; i += this.s.batchSize) {
        await this.deliver(records.slice(i, i + this.s.batchSize), signal);
        if (signal.aborted) return;
      }
      await commitGroupOffsets(this.host.log, name, positions);
      this.committed = positions;
    }
  }

  private body(records: LogRecord[]): string {
    if (this.s.json) {
      return JSON.stringify(
        records.map((r) => {
          const text = r.value!.toString();
          try {
            return JSON.parse(text);
          } catch {
            return text;
          }
        }),
      );
    }
    return this.s.prefix + records.map((r) => r.value!.toString()).join(this.s.separator) + this.s.suffix;
  }

  /** One request with retries; then the dead-letter topic, or the configured behaviour on error. */
  private async deliver(records: LogRecord[], signal: AbortSignal): Promise<void> {
    const body = this.body(records);
    let lastError = '';
    for (let attempt = 0; attempt <= this.s.maxRetries && !signal.aborted; attempt++) {
      if (attempt > 0) await sleep(Math.min(this.s.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS), signal);
      try {
        const res = await fetch(this.s.url, {
          method: this.s.method,
          headers: { 'content-type': this.s.json ? 'application/json' : 'text/plain', ...this.s.headers },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.s.timeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.reporter.running();
          return;
        }
        lastError = `HTTP ${res.status} ${res.statusText} from ${this.s.method} ${this.s.url}`;
      } catch (e) {
        if (signal.aborted) return;
        lastError = `${this.s.method} ${this.s.url} failed: ${(e as Error).message}`;
      }
      this.reporter.recordError(new Error(`attempt ${attempt + 1} of ${this.s.maxRetries + 1}: ${lastError}`));
    }
    if (signal.aborted) return;
    const where = records.map((r) => `${r.topic}[${r.partition}]@${r.offset}`).join(', ');
    if (this.s.deadLetter) {
      await this.host.log.produce(
        this.s.deadLetter,
        records.map((r) => ({
          key: r.key,
          value: r.value,
          headers: [
            ...r.headers,
            { key: '__connect.errors.topic', value: Buffer.from(r.topic) },
            { key: '__connect.errors.partition', value: Buffer.from(String(r.partition)) },
            { key: '__connect.errors.offset', value: Buffer.from(String(r.offset)) },
            { key: '__connect.errors.exception.message', value: Buffer.from(lastError) },
          ],
        })),
      );
      this.reporter.recordError(new Error(`gave up after ${this.s.maxRetries + 1} attempts (${lastError}); records ${where} sent to dead-letter topic ${this.s.deadLetter}`), where);
      return;
    }
    if (this.s.onError === 'fail') {
      throw new Error(`gave up after ${this.s.maxRetries + 1} attempts: ${lastError}. Set 'reporter.error.topic.name' to dead-letter such records, or 'behavior.on.error'='ignore'.`);
    }
    this.reporter.recordError(new Error(`gave up after ${this.s.maxRetries + 1} attempts (${lastError}); records ${where} skipped`), where);
  }
}

export const httpSinkPlugin: ConnectorPlugin = {
  className: 'io.confluent.connect.http.HttpSinkConnector',
  aliases: ['HttpSinkConnector', 'HttpSink', 'http-sink'],
  type: 'SINK',
  validate(config) {
    settingsOf(config);
  },
  createTask(config, host, reporter) {
    return new HttpSinkTask(config, settingsOf(config), host, reporter);
  },
};
