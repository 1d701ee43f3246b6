// The Kafka connection of `eddy topic`: a kafkajs client against the embedded broker of
// `eddy server` or any Kafka cluster (the wire protocol is the same), and the messages a
// user sees when it fails.

import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { EddyError } from '../src/common/errors.js';

export const DEFAULT_BOOTSTRAP = 'localhost:9092';

/** A failure to show as is (no stack): what went wrong and how to fix it. */
export class UserError extends EddyError {
  override readonly kind = 'client';
}

/** --bootstrap-server, else EDDY_BOOTSTRAP_SERVERS, else localhost:9092. */
export function bootstrapServers(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const text = flag ?? env.EDDY_BOOTSTRAP_SERVERS ?? DEFAULT_BOOTSTRAP;
  const brokers = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const b of brokers) {
    if (!/^[^\s:]+:\d+$/.test(b) && !/^\[[^\]]+\]:\d+$/.test(b)) {
      throw new UserError(`Not a broker address: '${b}'. Give host:port, e.g. --bootstrap-server localhost:9092`);
    }
  }
  if (brokers.length === 0) throw new UserError('No broker address given: pass --bootstrap-server host:port');
  return brokers;
}

export function kafkaClient(brokers: string[], security: Pick<KafkaConfig, 'ssl' | 'sasl'> = {}): Kafka {
  return new Kafka({
    clientId: 'eddy-topic',
    brokers,
    ...security,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry: { retries: 2, initialRetryTime: 200 },
  });
}

function causes(err: unknown): Error[] {
  const out: Error[] = [];
  let e: unknown = err;
  while (e instanceof Error && out.length < 10) {
    out.push(e);
    e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return out;
}

/** Turns kafkajs failures into a message that says which broker and what to do. */
export function explainKafkaError(err: unknown, brokers: string[]): Error {
  if (err instanceof UserError) return err;
  const chain = causes(err);
  const text = chain.map((e) => `${e.name}: ${e.message}`).join(' / ');
  if (/SASL .*authentication failed|Authentication failed/i.test(text)) {
    return new UserError(`The broker at ${brokers.join(',')} refused the login (${chain.at(-1)?.message}). Check --sasl-username, --sasl-password and --sasl-mechanism.`);
  }
  if (/self[- ]signed|unable to verify|certificate/i.test(text)) {
    return new UserError(`TLS to ${brokers.join(',')} failed: ${chain.at(-1)?.message}. Pass the broker's CA with --ca-file ca.pem.`);
  }
  if (/Not authorized|authorization failed/i.test(text)) {
    return new UserError(
      `${chain.at(-1)?.message} at ${brokers.join(',')}: the user you logged in as has no ACL for this ` +
        '(WRITE on the topic to produce, READ on the topic and group to consume, CREATE to create). ' +
        'An admin grants it, e.g. kafka-acls --add --allow-principal User:NAME --operation WRITE --topic TOPIC.',
    );
  }
  if (/Connection|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|connect/i.test(text) && !/Topic|Group/.test(text)) {
    return new UserError(
      `Could not reach a Kafka broker at ${brokers.join(',')} (${chain.at(-1)?.message ?? 'no answer'}). ` +
        'Start one with `eddy server` (its embedded broker listens on port 9092), or pass --bootstrap-server host:port ' +
        '(or set EDDY_BOOTSTRAP_SERVERS).',
    );
  }
  const last = chain.at(-1);
  return new UserError(last ? last.message : String(err));
}

/** Connects an admin client, runs `fn`, and disconnects. */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Fails with a message naming the topic, the brokers and how to list topics, when the topic does not exist. */
export async function requireTopic(admin: Admin, topic: string, brokers: string[], hint = 'See the topics with: eddy topic list'): Promise<void> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) {
    const similar = topics.filter((t) => t.toLowerCase() === topic.toLowerCase());
    const didYouMean = similar.length > 0 ? ` Topic names are case-sensitive: did you mean '${similar[0]}'?` : '';
    throw new UserError(`Topic '${topic}' not found at ${brokers.join(',')}.${didYouMean} ${hint}`);
  }
}
