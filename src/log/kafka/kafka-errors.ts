// Kafka error codes in responses, turned into errors that say what failed and why.

import { ErrorCode } from '../errors.js';
import { ProducerFencedError } from '../topic-log.js';
import { EddyError } from '../../common/errors.js';

const NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

export class KafkaError extends EddyError {
  override readonly kind = 'log';
  constructor(
    readonly code: number,
    what: string,
    brokerMessage?: string | null,
  ) {
    super(`${what}: ${NAMES.get(code) ?? `Kafka error ${code}`}${brokerMessage ? ` (${brokerMessage})` : ''}`);
  }
}

/** Errors after which fresh metadata (a new leader, a created topic) may succeed. */
export function isStaleMetadata(code: number): boolean {
  return (
    code === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
    code === ErrorCode.LEADER_NOT_AVAILABLE ||
    code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
    code === ErrorCode.REQUEST_TIMED_OUT
  );
}

export function isFencing(code: number): boolean {
  return code === ErrorCode.INVALID_PRODUCER_EPOCH || code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.TRANSACTION_COORDINATOR_FENCED;
}

/** Throws for a non-zero error code: ProducerFencedError for fencing, else a KafkaError. */
export function checkError(code: number, what: string, brokerMessage?: string | null): void {
  if (code === 0) return;
  if (isFencing(code)) throw new ProducerFencedError(`${what}: the producer was fenced by a newer one with the same transactional id`);
  throw new KafkaError(code, what, brokerMessage);
}
