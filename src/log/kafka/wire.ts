// Sends one Kafka request over a kafkajs broker connection, encoded and decoded with the
// schema codec of src/kafka-protocol. kafkajs keeps the sockets (TLS, SASL, API versions,
// reconnects); the bodies are ours, so records keep exact header order, null header values
// and zero timestamps, which kafkajs's own produce and fetch paths do not.

import { Reader, Writer } from '../../kafka-protocol/io.js';
import { readStruct, writeStruct, type MessageSchema } from '../../kafka-protocol/schema.js';
import { EddyError } from '../../common/errors.js';

type Body = Record<string, unknown>;

/** The part of a kafkajs Broker this module uses. */
export interface KafkajsBroker {
  nodeId: number | null;
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool: {
    send(request: unknown): Promise<unknown>;
  };
}

export class UnsupportedApiError extends EddyError {
  override readonly kind = 'protocol';
}

/**
 * The highest version of an API that both the broker and this client speak without the
 * flexible encoding (this client sends classic headers only).
 */
export function chooseVersion(broker: KafkajsBroker, schema: MessageSchema, preferred: number): number {
  const range = broker.versions?.[schema.apiKey];
  if (!range) throw new UnsupportedApiError(`the Kafka broker does not support ${schema.name}`);
  const highest = Math.min(preferred, range.maxVersion, schema.flexibleFrom - 1);
  if (highest < range.minVersion) {
    throw new UnsupportedApiError(
      `the Kafka broker needs ${schema.name} version ${range.minVersion} or newer; this client sends at most version ${highest}`,
    );
  }
  return highest;
}

function concat(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export interface SendOptions {
  /** Milliseconds before kafkajs gives up on the response (default: the client's requestTimeout). */
  requestTimeout?: number;
}

const NETWORK_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']);
const NETWORK_RETRIES = 5;

/** A lost or timed-out connection: kafkajs reconnects on the next request. */
export function isNetworkError(e: unknown): boolean {
  return NETWORK_ERRORS.has((e as Error)?.name);
}

/**
 * Sends `body` as `schema` at the best common version up to `preferred`; resolves with the
 * decoded response. Requests lost with their connection are sent again a few times.
 */
export async function sendRequest<T = Body>(
  broker: KafkajsBroker,
  schema: MessageSchema,
  preferred: number,
  body: Body,
  options: SendOptions = {},
): Promise<T & { apiVersion: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendOnce<T>(broker, schema, preferred, body, options);
    } catch (e) {
      if (!isNetworkError(e) || attempt >= NETWORK_RETRIES) throw e;
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
    }
  }
}

async function sendOnce<T>(
  broker: KafkajsBroker,
  schema: MessageSchema,
  preferred: number,
  body: Body,
  options: SendOptions = {},
): Promise<T & { apiVersion: number }> {
  const version = chooseVersion(broker, schema, preferred);
  const w = new Writer(256);
  writeStruct(schema.request, version, false, w, body);
  const bytes = concat(w.finish());
  const request = {
    apiKey: schema.apiKey,
    apiVersion: version,
    apiName: schema.name,
    // kafkajs only reads `buf` (to check the type) and `buffer` of the payload encoder.
    encode: async () => ({ buf: bytes, buffer: bytes }),
  };
  const response = {
    decode: async (payload: Buffer) => ({ ...readStruct(schema.response, version, false, new Reader(payload)), apiVersion: version }),
    parse: async (decoded: Body) => decoded,
  };
  const sent: Record<string, unknown> = { request, response };
  if (options.requestTimeout !== undefined) sent.requestTimeout = options.requestTimeout;
  return (await broker.connectionPool.send(sent)) as T & { apiVersion: number };
}
