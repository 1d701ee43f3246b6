// RabbitMQ sink (settings of Confluent's RabbitMQSinkConnector: topics, rabbitmq.exchange,
// rabbitmq.routing.key, rabbitmq.delivery.mode, plus the connection settings; or
// rabbitmq.queue to publish straight to a queue through the default exchange). Each record's
// value bytes are published as they are; the consumed offsets are committed only after
// RabbitMQ confirms every message of the batch (publisher confirms): at least once.

import { TopicSinkTask } from '../topic-sink-task.js';
import type { ConnectorConfig } from '../config.js';
import type { ConnectorHost, ConnectorPlugin, TaskReporter } from '../contract.js';
import { commitGroupOffsets, loadGroupOffsets, samePositions } from '../sink-offsets.js';
import { amqpUrl, connectRabbit } from './connection.js';

function settingsOf(config: ConnectorConfig) {
  const topics = config.list('topics');
  if (topics.length === 0) config.string('topics');
  const queue = config.optional('rabbitmq.queue');
  const exchange = config.string('rabbitmq.exchange', '');
  const routingKey = config.optional('rabbitmq.routing.key') ?? queue;
  if (routingKey === undefined) config.string('rabbitmq.routing.key');
  return {
    topics,
    queue,
    exchange,
    routingKey: routingKey!,
    persistent: config.choice('rabbitmq.delivery.mode', ['PERSISTENT', 'NON_PERSISTENT'], 'PERSISTENT') === 'PERSISTENT',
    batchSize: config.int('batch.size', 500, 1),
  };
}

class RabbitSinkTask extends TopicSinkTask {
  constructor(
    private readonly config: ConnectorConfig,
    private readonly s: ReturnType<typeof settingsOf>,
    private readonly host: ConnectorHost,
    private readonly reporter: TaskReporter,
  ) {
    super();
  }

  topics(): string[] {
    return this.s.topics;
  }

  async run(signal: AbortSignal): Promise<void> {
    const reader = await this.openReader(this.host.log, this.config.connector, this.s.topics, await loadGroupOffsets(this.host.log, this.config.connector, this.s.topics));
    const { connection, failed } = await connectRabbit(this.config, signal);
    const channel = await connection.createConfirmChannel();
    // A channel the server closes (an exchange missing, a 404) fails the task, never the server.
    const channelFailed = new Promise<never>((_, reject) =>
      channel.on('error', (e: Error) => reject(new Error(`RabbitMQ closed the channel (exchange '${this.s.exchange}', routing key '${this.s.routingKey}'): ${e.message}`, { cause: e }))),
    );
    channelFailed.catch(() => undefined);
    if (this.s.queue) await channel.assertQueue(this.s.queue, { durable: true });
    this.reporter.running();
    while (!signal.aborted) {
      const records = await Promise.race([reader.poll(this.s.batchSize, 200), failed, channelFailed]);
      if (signal.aborted) break;
      const positions = reader.snapshot();
      if (records.length === 0 && samePositions(positions, this.committed)) continue;
      for (const r of records) {
        if (r.value === null) continue;
        channel.publish(this.s.exchange, this.s.routingKey, r.value, {
          persistent: this.s.persistent,
          ...(r.key ? { messageId: r.key.toString() } : {}),
          timestamp: Math.floor(r.timestamp / 1000),
          headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? null])),
        });
      }
      await Promise.race([channel.waitForConfirms(), failed, channelFailed]).catch((e: Error) => {
        throw new Error(`RabbitMQ did not confirm messages for exchange '${this.s.exchange}' routing key '${this.s.routingKey}' on ${amqpUrl(this.config).replace(/:[^:@/]*@/, ':***@')}: ${e.message}`, { cause: e });
      });
      await commitGroupOffsets(this.host.log, this.config.connector, positions);
      this.committed = positions;
      this.reporter.running();
    }
  }
}

export const rabbitSinkPlugin: ConnectorPlugin = {
  className: 'io.confluent.connect.rabbitmq.sink.RabbitMQSinkConnector',
  aliases: ['RabbitMQSinkConnector', 'RabbitMQSink', 'rabbitmq-sink'],
  type: 'SINK',
  validate(config) {
    settingsOf(config);
    amqpUrl(config);
  },
  createTask(config, host, reporter) {
    return new RabbitSinkTask(config, settingsOf(config), host, reporter);
  },
};
