// RabbitMQ source (settings of Confluent's RabbitMQSourceConnector: kafka.topic,
// rabbitmq.queue, rabbitmq.prefetch.count, plus the connection settings). Message bodies
// become record values as they are, AMQP headers and the routing key become record headers;
// a message is acknowledged only once its record is durable in the log, so a crash never
// loses one (at least once: unacknowledged messages are delivered again).

import type amqp from 'amqplib';
import type { ConnectorConfig } from '../config.js';
import type { ConnectorHost, ConnectorPlugin, ConnectorTask, TaskReporter } from '../contract.js';
import type { ProduceRecord, RecordHeader } from '../../log/topic-log.js';
import { ensureOutputTopic } from '../source-offsets.js';
import { amqpUrl, connectRabbit } from './connection.js';

const BATCH_WAIT_MS = 20;

function settingsOf(config: ConnectorConfig) {
  const queues = config.list('rabbitmq.queue');
  if (queues.length === 0) config.string('rabbitmq.queue');
  return {
    topic: config.string('kafka.topic'),
    queues,
    prefetch: config.int('rabbitmq.prefetch.count', 500, 1),
    partitions: config.int('topic.creation.default.partitions', 1, 1),
  };
}

class RabbitSourceTask implements ConnectorTask {
  constructor(
    private readonly config: ConnectorConfig,
    private readonly s: ReturnType<typeof settingsOf>,
    private readonly host: ConnectorHost,
    private readonly reporter: TaskReporter,
  ) {}

  topics(): string[] {
    return [this.s.topic];
  }

  async run(signal: AbortSignal): Promise<void> {
    await ensureOutputTopic(this.host.log, this.s.topic, this.s.partitions);
    const { connection, failed } = await connectRabbit(this.config, signal);
    const channel = await connection.createChannel();
    await channel.prefetch(this.s.prefetch);
    let pending: amqp.ConsumeMessage[] = [];
    let timer: NodeJS.Timeout | undefined;
    let chain: Promise<void> = Promise.resolve();
    let failure: ((e: Error) => void) | undefined;
    const broken = new Promise<never>((_, reject) => (failure = reject));
    broken.catch(() => undefined);
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      chain = chain.then(async () => {
        try {
          await this.host.log.produce(this.s.topic, batch.map(recordOf));
          // Durable in the log: now RabbitMQ may forget them.
          channel.ack(batch[batch.length - 1]!, true);
        } catch (e) {
          failure!(new Error(`cannot write RabbitMQ messages to topic ${this.s.topic}: ${(e as Error).message}`, { cause: e }));
        }
      });
    };
    // A channel the server closes (a queue deleted, a 404) reports here, never as an uncaught error.
    channel.on('error', (e: Error) => failure!(new Error(`RabbitMQ closed the channel: ${e.message}`, { cause: e })));
    for (const queue of this.s.queues) {
      await channel.checkQueue(queue).catch((e: Error) => {
        throw new Error(`RabbitMQ queue '${queue}' (rabbitmq.queue) does not exist on ${amqpUrl(this.config).replace(/:[^:@/]*@/, ':***@')}: ${e.message}`);
      });
    }
    // checkQueue on a missing queue closes the channel; the ones above passed, so consume.
    for (const queue of this.s.queues) {
      await channel.consume(queue, (msg) => {
        if (!msg) return;
        pending.push(msg);
        if (pending.length >= this.s.prefetch) flush();
        else timer ??= setTimeout(flush, BATCH_WAIT_MS);
      });
    }
    this.reporter.running();
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([aborted, failed, broken]);
    if (timer) clearTimeout(timer);
    await chain;
  }
}

function recordOf(msg: amqp.ConsumeMessage): ProduceRecord {
  const headers: RecordHeader[] = [{ key: 'rabbitmq.routing.key', value: Buffer.from(msg.fields.routingKey) }];
  for (const [k, v] of Object.entries(msg.properties.headers ?? {})) {
    if (v !== undefined && v !== null) headers.push({ key: k, value: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)) });
  }
  const key = msg.properties.messageId ? Buffer.from(String(msg.properties.messageId)) : null;
  return { key, value: msg.content, headers, ...(msg.properties.timestamp ? { timestamp: Number(msg.properties.timestamp) * 1000 } : {}) };
}

export const rabbitSourcePlugin: ConnectorPlugin = {
  className: 'io.confluent.connect.rabbitmq.RabbitMQSourceConnector',
  aliases: ['RabbitMQSourceConnector', 'RabbitMQSource', 'rabbitmq-source'],
  type: 'SOURCE',
  validate(config) {
    settingsOf(config);
    amqpUrl(config);
  },
  createTask(config, host, reporter) {
    return new RabbitSourceTask(config, settingsOf(config), host, reporter);
  },
};
