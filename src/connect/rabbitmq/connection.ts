// RabbitMQ connections from the Confluent RabbitMQ connectors' settings: rabbitmq.host,
// rabbitmq.port, rabbitmq.username, rabbitmq.password, rabbitmq.virtual.host (or one
// rabbitmq.url, amqp://user:password@host:port/vhost).

import amqp from 'amqplib';
import type { ConnectorConfig } from '../config.js';

export function amqpUrl(config: ConnectorConfig): string {
  const explicit = config.optional('rabbitmq.url');
  if (explicit) return explicit;
  const host = config.string('rabbitmq.host', '127.0.0.1');
  const port = config.int('rabbitmq.port', 5672, 1);
  const user = encodeURIComponent(config.string('rabbitmq.username', 'guest'));
  const password = encodeURIComponent(config.string('rabbitmq.password', 'guest'));
  const vhost = encodeURIComponent(config.string('rabbitmq.virtual.host', '/'));
  return `amqp://${user}:${password}@${host}:${port}/${vhost}`;
}

/** Connects; the connection closes when the signal aborts. Connection errors surface as `failed`. */
export async function connectRabbit(config: ConnectorConfig, signal: AbortSignal): Promise<{ connection: amqp.ChannelModel; failed: Promise<never> }> {
  const url = amqpUrl(config);
  let connection: amqp.ChannelModel;
  try {
    connection = await amqp.connect(url);
  } catch (e) {
    throw new Error(`cannot connect to RabbitMQ at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(e as Error).message}. Check rabbitmq.host, rabbitmq.port and the credentials.`, { cause: e });
  }
  const failed = new Promise<never>((_, reject) => {
    connection.on('error', (e: Error) => reject(new Error(`RabbitMQ connection failed: ${e.message}`, { cause: e })));
    connection.on('close', () => {
      if (!signal.aborted) reject(new Error('RabbitMQ closed the connection'));
    });
  });
  failed.catch(() => undefined);
  const close = () => void connection.close().catch(() => undefined);
  if (signal.aborted) close();
  else signal.addEventListener('abort', close, { once: true });
  return { connection, failed };
}
