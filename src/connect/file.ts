// File source and sink (Kafka Connect's FileStreamSourceConnector / FileStreamSinkConnector:
// file, topic / topics, batch.size), one record per line. With format=json (Eddy's setting)
// the source checks each line is a JSON value (others go to the processing log) and the sink
// writes each record as a JSON object of its decoded columns (the formats of the stream or
// table over the topic); the default, format=lines, moves the bytes as they are. The source
// keeps its byte position with the records (source-offsets.ts) and follows the file as it grows.

import { TopicSinkTask } from './topic-sink-task.js';
import { appendFile, open, stat } from 'node:fs/promises';
import type { ConnectorConfig } from './config.js';
import type { ConnectorHost, ConnectorPlugin, ConnectorTask, TaskReporter } from './contract.js';
import { sleep } from './abort.js';
import { SourceOffsets, ensureOutputTopic, type OutRecord } from './source-offsets.js';
import { TopicDecoder, sourceOfTopic } from './topic-records.js';
import { commitGroupOffsets, loadGroupOffsets, samePositions } from './sink-offsets.js';
import { stringifyJson, toJsonValue } from '../serde/index.js';

const POLL_MS = 200;

function sourceSettings(config: ConnectorConfig) {
  return {
    file: config.string('file'),
    topic: config.string('topic'),
    batchSize: config.int('batch.size', 2000, 1),
    json: config.choice('format', ['lines', 'json'], 'lines') === 'json',
    partitions: config.int('topic.creation.default.partitions', 1, 1),
  };
}

class FileSourceTask implements ConnectorTask {
  constructor(
    private readonly config: ConnectorConfig,
    private readonly s: ReturnType<typeof sourceSettings>,
    private readonly host: ConnectorHost,
    private readonly reporter: TaskReporter,
  ) {}

  topics(): string[] {
    return [this.s.topic];
  }

  async run(signal: AbortSignal): Promise<void> {
    await ensureOutputTopic(this.host.log, this.s.topic, this.s.partitions);
    const offsets = new SourceOffsets(this.host.log, this.config.connector);
    let position = (((await offsets.load()) as { position?: number } | undefined)?.position ?? 0) as number;
    this.reporter.running();
    while (!signal.aborted) {
      const size = await stat(this.s.file).then(
        (st) => st.size,
        (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return -1;
          throw e;
        },
      );
      if (size < position) position = 0; // truncated or replaced: read it again from the start
      if (size <= position) {
        await sleep(POLL_MS, signal);
        continue;
      }
      const chunk = await readRange(this.s.file, position, Math.min(size - position, 8 << 20));
      const lastNewline = chunk.lastIndexOf(0x0a);
      if (lastNewline < 0) {
        await sleep(POLL_MS, signal); // a line still being written
        continue;
      }
      const records: OutRecord[] = [];
      let start = 0;
      let consumed = position;
      while (start <= lastNewline && records.length < this.s.batchSize) {
        const end = chunk.indexOf(0x0a, start);
        const line = chunk.subarray(start, end > 0 && chunk[end - 1] === 0x0d ? end - 1 : end);
        consumed = position + end + 1;
        start = end + 1;
        if (line.length === 0) continue;
        if (this.s.json && !isJson(line)) {
          this.reporter.recordError(new Error(`line at byte ${consumed - line.length - 1} of ${this.s.file} is not JSON; skipped`), line.toString().slice(0, 200));
          continue;
        }
        records.push({ topic: this.s.topic, key: null, value: Buffer.from(line) });
      }
      await offsets.commit(records, { position: consumed });
      position = consumed;
    }
  }
}

function isJson(line: Buffer): boolean {
  try {
    JSON.parse(line.toString());
    return true;
  } catch {
    return false;
  }
}

async function readRange(file: string, from: number, length: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, from);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function sinkSettings(config: ConnectorConfig) {
  const topics = config.list('topics');
  if (topics.length === 0) config.string('topics');
  return { file: config.string('file'), topics, json: config.choice('format', ['lines', 'json'], 'lines') === 'json', batchSize: config.int('batch.size', 2000, 1) };
}

class FileSinkTask extends TopicSinkTask {
  constructor(
    private readonly config: ConnectorConfig,
    private readonly s: ReturnType<typeof sinkSettings>,
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
    const decoders = new Map(this.s.json ? this.s.topics.map((t) => [t, new TopicDecoder(sourceOfTopic(this.host.catalog, name, t))]) : []);
    const reader = await this.openReader(this.host.log, name, this.s.topics, await loadGroupOffsets(this.host.log, name, this.s.topics));
    this.reporter.running();
    while (!signal.aborted) {
      const records = await reader.poll(this.s.batchSize, POLL_MS);
      if (signal.aborted) break;
      const positions = reader.snapshot();
      if (records.length === 0 && samePositions(positions, this.committed)) continue;
      const lines: string[] = [];
      for (const r of records) {
        if (r.value === null) continue;
        const decoder = decoders.get(r.topic);
        if (!decoder) {
          lines.push(r.value.toString());
          continue;
        }
        const d = decoder.decode(r);
        const obj: Record<string, unknown> = {};
        for (const c of decoder.keyColumns) obj[c.name] = toJsonValue(d.key?.[c.name] ?? null, c.type);
        for (const c of decoder.valueColumns) obj[c.name] = toJsonValue(d.value?.[c.name] ?? null, c.type);
        lines.push(stringifyJson(obj));
      }
      if (lines.length > 0) await appendFile(this.s.file, lines.join('\n') + '\n');
      await commitGroupOffsets(this.host.log, name, positions);
      this.committed = positions;
    }
  }
}

export const fileSourcePlugin: ConnectorPlugin = {
  className: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
  aliases: ['FileStreamSourceConnector', 'FileStreamSource', 'file-source'],
  type: 'SOURCE',
  validate(config) {
    sourceSettings(config);
  },
  createTask(config, host, reporter) {
    return new FileSourceTask(config, sourceSettings(config), host, reporter);
  },
};

export const fileSinkPlugin: ConnectorPlugin = {
  className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  aliases: ['FileStreamSinkConnector', 'FileStreamSink', 'file-sink'],
  type: 'SINK',
  validate(config) {
    sinkSettings(config);
  },
  createTask(config, host, reporter) {
    return new FileSinkTask(config, sinkSettings(config), host, reporter);
  },
};
