// `eddy topic …`: list, create, delete, describe, produce to and consume from topics over
// the Kafka protocol, against the embedded broker of `eddy server` or any Kafka cluster.

import { parseArgs } from 'node:util';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import kafkajs, { type Admin, type IHeaders, type Kafka, type Message } from 'kafkajs';
import { renderDashedTable } from './render/table.js';
import { ProgressLine, produceProgressText } from './render/progress.js';
import { compileFormat, FormatError, type FormattableRecord } from './topic-format.js';
import { bootstrapServers, explainKafkaError, kafkaClient, requireTopic, UserError, withAdmin } from './topic-client.js';
import { kafkaSecurity, SECURITY_HELP, SECURITY_OPTIONS } from './topic-security.js';
import { adminConsumerGroups, topicConsumers } from '../src/engine/consumer-groups.js';

// kafkajs is CommonJS: its enums are read off the default export.
const { CompressionTypes, ConfigResourceTypes } = kafkajs;

const CONNECTION_HELP = `  -b, --bootstrap-server host:port[,…]  Kafka broker(s) to use (default: $EDDY_BOOTSTRAP_SERVERS,
                                        else localhost:9092, the embedded broker of \`eddy server\`)
${SECURITY_HELP}`;

const HELP: Record<string, string> = {
  topic: `Usage: eddy topic <command> [options]

See and change what is in Kafka topics, on the embedded broker of \`eddy server\` or on any
Kafka cluster.

Commands:
  list                 the topics, with partitions, replication and record counts
  create NAME          create a topic
  delete NAME          delete a topic and its records
  describe NAME        partitions, offsets, configs, consumer groups and their lag
  produce NAME         write records read as lines from stdin or a file
  consume NAME         print records with a format string

Run \`eddy topic <command> --help\` for the options of one command.

${CONNECTION_HELP}`,
  list: `Usage: eddy topic list [--all] [-b host:port]

Lists the topics with their partitions, replication factor and the number of records they
hold (end offset minus start offset over all partitions).

  --all      also show internal topics (names starting with _confluent-ksql- or __)
${CONNECTION_HELP}`,
  create: `Usage: eddy topic create NAME [--partitions N] [--replication-factor R] [--config key=value]... [-b host:port]

  --partitions N            number of partitions (default 1)
  --replication-factor R    replicas per partition (default 1)
  --config key=value        a topic config, e.g. --config cleanup.policy=compact --config retention.ms=86400000
${CONNECTION_HELP}`,
  delete: `Usage: eddy topic delete NAME [-b host:port]

Deletes the topic and all its records.
${CONNECTION_HELP}`,
  describe: `Usage: eddy topic describe NAME [-b host:port]

Shows each partition (leader, replicas, start and end offsets, records), the topic configs
that differ from the defaults, and every consumer group reading the topic with its
committed offsets and lag (end offset minus committed offset; '-' where the group
has not committed yet).
${CONNECTION_HELP}`,
  produce: `Usage: eddy topic produce NAME [--file F] [--key-separator SEP] [--header key=value]... [--partition N]
                          [--compression none|gzip] [-b host:port]

Reads lines from stdin (or --file) and writes one record per non-empty line.

  --file F               read lines from this file instead of stdin
  --key-separator SEP    split each line at the first SEP into key and value
                         (without it, records have no key)
  --header key=value     add this header to every record (repeatable)
  --partition N          write every record to partition N (default: by key hash,
                         round-robin without keys)
  --compression C        compress record batches (default none)
${CONNECTION_HELP}

Example: printf 'k1:v1\\nk2:v2\\n' | eddy topic produce orders --key-separator :`,
  consume: `Usage: eddy topic consume NAME [--from-beginning] [--format FMT] [--count N] [--group G] [--exit] [-b host:port]

Prints records as they arrive, one per line, until Ctrl-C, --count or --exit.

  --from-beginning   start at the oldest record (default: only new records); a --group
                     that has committed offsets resumes from them instead
  --format FMT       output of each record (default '%v'):
                       %k key  %v value  %t topic  %p partition  %o offset
                       %T timestamp (epoch ms)  %h headers (k=v,k2=v2)
                       %K key length  %S value length  %% percent  \\n newline  \\t tab
  --count N          stop after N records
  --group G          consume as member of consumer group G and commit the offsets read
                     (default: a private group that commits nothing)
  -e, --exit         stop at the end of the topic (the end offsets when consume started)
${CONNECTION_HELP}

Example: eddy topic consume orders --from-beginning --format '%p/%o %k=%v %h' --exit`,
};

const COMMON_OPTIONS = {
  'bootstrap-server': { type: 'string', short: 'b' },
  ...SECURITY_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

export interface TopicIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** Stops a running consume (Ctrl-C). */
  signal?: AbortSignal;
}

function lines(io: TopicIo, text: string | string[]): void {
  io.stdout.write((Array.isArray(text) ? text.join('\n') : text) + '\n');
}

function oneName(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UserError(`eddy topic ${command}: missing the topic name.\n\n${HELP[command]}`);
  if (positionals.length > 1) throw new UserError(`eddy topic ${command}: expected one topic name, got: ${positionals.join(' ')}`);
  return positionals[0]!;
}

function positiveInt(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} must be an integer of at least ${min}, got '${value}'`);
  return n;
}

function keyValue(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`${flag} expects key=value, got '${text}'`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function isInternal(name: string): boolean {
  return name.startsWith('_confluent-ksql-') || name.startsWith('__');
}

async function recordCounts(admin: Admin, topic: string): Promise<{ partition: number; low: number; high: number }[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
}

async function list(kafka: Kafka, io: TopicIo, all: boolean): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const { topics } = await admin.fetchTopicMetadata();
    const shown = topics.filter((t) => all || !isInternal(t.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rows = [];
    for (const t of shown) {
      const counts = await recordCounts(admin, t.name);
      const replication = Math.max(0, ...t.partitions.map((p) => p.replicas.length));
      rows.push([t.name, t.partitions.length, replication, counts.reduce((s, c) => s + c.high - c.low, 0)]);
    }
    lines(io, renderDashedTable(['Kafka Topic', 'Partitions', 'Replication', 'Records'], rows));
  });
}

async function create(kafka: Kafka, io: TopicIo, brokers: string[], name: string, partitions: number, replication: number, configs: string[]): Promise<void> {
  const configEntries = configs.map((c) => keyValue(c, '--config')).map(([k, v]) => ({ name: k, value: v }));
  await withAdmin(kafka, async (admin) => {
    if ((await admin.listTopics()).includes(name)) throw new UserError(`Topic '${name}' already exists at ${brokers.join(',')}. See it with: eddy topic describe ${name}`);
    const created = await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: replication, configEntries }], waitForLeaders: true });
    if (!created) throw new UserError(`Topic '${name}' already exists at ${brokers.join(',')}.`);
  });
  lines(io, `Created topic '${name}' with ${partitions} partition${partitions === 1 ? '' : 's'}.`);
}

async function remove(kafka: Kafka, io: TopicIo, brokers: string[], name: string): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    await requireTopic(admin, name, brokers);
    await admin.deleteTopics({ topics: [name] });
  });
  lines(io, `Deleted topic '${name}'.`);
}

async function describe(kafka: Kafka, io: TopicIo, brokers: string[], name: string): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    await requireTopic(admin, name, brokers);
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
    const meta = topics[0]!;
    const counts = await recordCounts(admin, name);
    const configs = await admin
      .describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name }], includeSynonyms: false })
      .then((r) => r.resources[0]?.configEntries.filter((e) => !e.isDefault).map((e) => `${e.configName}=${e.configValue}`) ?? [])
      .catch(() => [] as string[]);
    const partitions = [...meta.partitions].sort((a, b) => a.partitionId - b.partitionId);
    const replication = Math.max(0, ...partitions.map((p) => p.replicas.length));
    const out: string[] = [
      `Topic       : ${name}`,
      `Partitions  : ${partitions.length}`,
      `Replication : ${replication}`,
      `Records     : ${counts.reduce((s, c) => s + c.high - c.low, 0)}`,
      `Configs     : ${configs.length ? configs.join(', ') : '(defaults)'}`,
      '',
      ...renderDashedTable(
        ['Partition', 'Leader', 'Replicas', 'Start Offset', 'End Offset', 'Records'],
        partitions.map((p) => {
          const c = counts.find((x) => x.partition === p.partitionId);
          return [p.partitionId, p.leader, p.replicas.join(','), c?.low ?? '', c?.high ?? '', c ? c.high - c.low : ''];
        }),
      ),
    ];
    const end: number[] = [];
    for (const c of counts) end[c.partition] = c.high;
    const consumers = topicConsumers(name, end, await adminConsumerGroups(admin));
    out.push('');
    if (consumers.groups.length === 0) {
      out.push('Consumer groups: none has read this topic.');
    } else {
      out.push(`Consumer groups: ${consumers.consumerGroupCount} (${consumers.consumerCount} consumers), total lag ${consumers.lag}`);
      out.push(
        ...renderDashedTable(
          ['Consumer Group', 'State', 'Consumers', 'Partition', 'Committed', 'End Offset', 'Lag'],
          consumers.groups.flatMap((g) =>
            g.partitions.map((p) => [g.groupId, g.state, g.consumers, p.partition, p.committed ?? '-', p.end, p.lag ?? '-']),
          ),
        ),
      );
    }
    lines(io, out);
  });
}

function linesOf(io: TopicIo, file: string | undefined): AsyncIterable<string> {
  if (file !== undefined && !existsSync(file)) throw new UserError(`Input file not found: ${file}`);
  const input = file !== undefined ? createReadStream(file) : io.stdin;
  const rl = createInterface({ input, crlfDelay: Infinity });
  // Iterate from now on: readline drops the lines it reads before its iterator exists.
  const lines = rl[Symbol.asyncIterator]();
  return { [Symbol.asyncIterator]: () => lines };
}

const COMPRESSION: Record<string, number> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
};

async function produce(
  kafka: Kafka,
  io: TopicIo,
  brokers: string[],
  name: string,
  opts: { file?: string; keySeparator?: string; headers: string[]; partition?: number; compression: string },
): Promise<void> {
  const headers: IHeaders = {};
  for (const h of opts.headers) {
    const [k, v] = keyValue(h, '--header');
    headers[k] = v;
  }
  const compression = COMPRESSION[opts.compression.toLowerCase()];
  if (compression === undefined) throw new UserError(`--compression must be one of ${Object.keys(COMPRESSION).join(', ')}, got '${opts.compression}'`);
  if (opts.keySeparator === '') throw new UserError('--key-separator must not be empty');
  const partitions = await withAdmin(kafka, async (admin) => {
    await requireTopic(admin, name, brokers, `Create it with: eddy topic create ${name}   (see the topics with: eddy topic list)`);
    return (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]!.partitions.length;
  });
  if (opts.partition !== undefined && opts.partition >= partitions) {
    throw new UserError(`--partition ${opts.partition} does not exist: topic '${name}' has partitions 0 to ${partitions - 1}`);
  }
  const input = linesOf(io, opts.file);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let produced = 0;
  let lineNo = 0;
  // A large file (or pipe) shows how far it got on a terminal's stderr.
  const progress = new ProgressLine(io.stderr);
  const fileBytes = opts.file !== undefined ? statSync(opts.file).size : undefined;
  let bytesRead = 0;
  const startedAt = Date.now();
  try {
    let batch: Message[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await producer.send({ topic: name, messages: batch, compression, acks: -1 });
      produced += batch.length;
      batch = [];
      progress.update(() => produceProgressText(produced, fileBytes ? bytesRead / fileBytes : undefined, startedAt));
    };
    for await (const line of input) {
      lineNo++;
      bytesRead += Buffer.byteLength(line) + 1;
      if (line === '') continue;
      let key: string | null = null;
      let value = line;
      if (opts.keySeparator !== undefined) {
        const at = line.indexOf(opts.keySeparator);
        if (at < 0) {
          await flush();
          throw new UserError(
            `Line ${lineNo} has no key separator '${opts.keySeparator}': ${JSON.stringify(line.slice(0, 80))}. ${produced} records were produced before it.`,
          );
        }
        key = line.slice(0, at);
        value = line.slice(at + opts.keySeparator.length);
      }
      batch.push({ key, value, headers: opts.headers.length ? headers : undefined, partition: opts.partition });
      if (batch.length >= 500) await flush();
    }
    await flush();
  } finally {
    progress.clear();
    await producer.disconnect().catch(() => undefined);
  }
  io.stderr.write(`Produced ${produced} record${produced === 1 ? '' : 's'} to topic '${name}'.\n`);
}

function headersOf(h: IHeaders | undefined): { key: string; value: Buffer | null }[] {
  const out: { key: string; value: Buffer | null }[] = [];
  for (const [key, v] of Object.entries(h ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) {
      out.push({ key, value: one === undefined ? null : Buffer.isBuffer(one) ? one : Buffer.from(String(one)) });
    }
  }
  return out;
}

async function consume(
  kafka: Kafka,
  io: TopicIo,
  brokers: string[],
  name: string,
  opts: { fromBeginning: boolean; format: string; count?: number; group?: string; exitAtEnd: boolean },
): Promise<void> {
  let format: (r: FormattableRecord) => Buffer;
  try {
    format = compileFormat(opts.format);
  } catch (e) {
    if (e instanceof FormatError) throw new UserError(e.message);
    throw e;
  }
  // Where each partition ends now and where this consumer starts: --exit stops once every
  // partition has been read up to its end.
  const remaining = new Map<number, number>();
  await withAdmin(kafka, async (admin) => {
    await requireTopic(admin, name, brokers);
    const counts = await recordCounts(admin, name);
    const committed = new Map<number, number>();
    if (opts.group) {
      for (const t of await admin.fetchOffsets({ groupId: opts.group, topics: [name] })) {
        for (const p of t.partitions) if (Number(p.offset) >= 0) committed.set(p.partition, Number(p.offset));
      }
    }
    for (const c of counts) {
      const start = committed.get(c.partition) ?? (opts.fromBeginning ? c.low : c.high);
      if (start < c.high) remaining.set(c.partition, c.high);
    }
  });
  if ((opts.exitAtEnd && remaining.size === 0) || opts.count === 0) return;

  const consumer = kafka.consumer({
    groupId: opts.group ?? `eddy-topic-consume-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  let printed = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onAbort = () => finish();
  io.signal?.addEventListener('abort', onAbort);
  let failure: unknown;
  consumer.on(consumer.events.CRASH, (e) => {
    failure = (e.payload as { error?: unknown }).error;
    finish();
  });
  let done = false;
  const stopIfDone = () => {
    if ((opts.count !== undefined && printed >= opts.count) || (opts.exitAtEnd && remaining.size === 0)) {
      done = true;
      finish();
    }
  };
  // Also fires for fetches that held only transaction markers or aborted records, whose
  // offsets no message reaches.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const { partition, lastOffset } = e.payload as { partition: number; lastOffset: string };
    const end = remaining.get(partition);
    if (end !== undefined && Number(lastOffset) + 1 >= end) remaining.delete(partition);
    stopIfDone();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: opts.fromBeginning });
    await consumer.run({
      autoCommit: opts.group !== undefined,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
        for (const m of batch.messages) {
          if (done) break;
          io.stdout.write(
            format({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              timestamp: m.timestamp,
              key: m.key,
              value: m.value,
              headers: headersOf(m.headers),
            }),
          );
          printed++;
          resolveOffset(m.offset);
          const end = remaining.get(batch.partition);
          if (end !== undefined && Number(m.offset) + 1 >= end) remaining.delete(batch.partition);
          stopIfDone();
        }
        if (opts.group !== undefined) await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
    await finished;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
  }
  if (failure) throw failure;
}

/** Runs `eddy topic …` and returns the exit code. */
export async function topicCommand(argv: string[], io: TopicIo): Promise<number> {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    lines(io, HELP.topic!);
    return command === undefined ? 1 : 0;
  }
  if (!HELP[command] || command === 'topic') {
    io.stderr.write(`Unknown topic command '${command}'.\n\n${HELP.topic}\n`);
    return 1;
  }
  let brokers: string[] = [];
  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(1),
      options: {
        ...COMMON_OPTIONS,
        all: { type: 'boolean' },
        partitions: { type: 'string' },
        'replication-factor': { type: 'string' },
        config: { type: 'string', multiple: true },
        file: { type: 'string' },
        'key-separator': { type: 'string' },
        header: { type: 'string', multiple: true },
        partition: { type: 'string' },
        compression: { type: 'string' },
        'from-beginning': { type: 'boolean' },
        format: { type: 'string' },
        count: { type: 'string' },
        group: { type: 'string' },
        exit: { type: 'boolean', short: 'e' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      lines(io, HELP[command]!);
      return 0;
    }
    const allowed: Record<string, string[]> = {
      list: ['all'],
      create: ['partitions', 'replication-factor', 'config'],
      delete: [],
      describe: [],
      produce: ['file', 'key-separator', 'header', 'partition', 'compression'],
      consume: ['from-beginning', 'format', 'count', 'group', 'exit'],
    };
    for (const flag of Object.keys(values)) {
      if (flag in COMMON_OPTIONS || allowed[command]!.includes(flag)) continue;
      throw new UserError(`eddy topic ${command} has no option --${flag}.\n\n${HELP[command]}`);
    }
    brokers = bootstrapServers(values['bootstrap-server'], io.env);
    const kafka = kafkaClient(brokers, kafkaSecurity(values, io.env));
    switch (command) {
      case 'list':
        if (positionals.length > 0) throw new UserError(`eddy topic list takes no topic name (got ${positionals.join(' ')}); use: eddy topic describe NAME`);
        await list(kafka, io, values.all === true);
        break;
      case 'create':
        await create(
          kafka,
          io,
          brokers,
          oneName(positionals, command),
          positiveInt(values.partitions, '--partitions') ?? 1,
          positiveInt(values['replication-factor'], '--replication-factor') ?? 1,
          values.config ?? [],
        );
        break;
      case 'delete':
        await remove(kafka, io, brokers, oneName(positionals, command));
        break;
      case 'describe':
        await describe(kafka, io, brokers, oneName(positionals, command));
        break;
      case 'produce':
        await produce(kafka, io, brokers, oneName(positionals, command), {
          file: values.file,
          keySeparator: values['key-separator'],
          headers: values.header ?? [],
          partition: positiveInt(values.partition, '--partition', 0),
          compression: values.compression ?? 'none',
        });
        break;
      case 'consume':
        await consume(kafka, io, brokers, oneName(positionals, command), {
          fromBeginning: values['from-beginning'] === true,
          format: values.format ?? '%v',
          count: positiveInt(values.count, '--count', 0),
          group: values.group,
          exitAtEnd: values.exit === true,
        });
        break;
    }
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const e = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') ? new UserError(`${(err as Error).message}\n\n${HELP[command]}`) : explainKafkaError(err, brokers);
    io.stderr.write(`${e.message}\n`);
    return 1;
  }
}
