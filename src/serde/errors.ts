// Error texts shared by the formats, worded like ksqlDB's deserialization errors so users
// (and tests matching substrings) see familiar messages.

import { SerdeError } from './serde.js';
import { formatType, type SqlType } from '../common/types.js';
import { LosslessNumber } from './json-parse.js';
import { EddyError } from '../common/errors.js';

/** A value that cannot become the required SQL type; wrapped into a SerdeError by the serde. */
export class ConversionError extends EddyError {
  override readonly kind = 'serde';
}

/** The Jackson node class ksqlDB names in its messages for a parsed JSON value. */
export function jsonNodeName(v: unknown): string {
  if (v === null || v === undefined) return 'NullNode';
  switch (typeof v) {
    case 'boolean':
      return 'BooleanNode';
    case 'string':
      return 'TextNode';
    case 'number':
      if (!Number.isInteger(v)) return 'DoubleNode';
      return v >= -2147483648 && v <= 2147483647 ? 'IntNode' : 'LongNode';
    case 'bigint':
      return BigInt.asIntN(64, v) === v ? 'LongNode' : 'BigIntegerNode';
    default:
      if (Array.isArray(v)) return 'ArrayNode';
      if (v instanceof LosslessNumber) return 'DoubleNode';
      return 'ObjectNode';
  }
}

export function cannotConvert(v: unknown, type: SqlType): ConversionError {
  return new ConversionError(`Can't convert type. sourceType: ${jsonNodeName(v)}, requiredType: ${formatType(type)}`);
}

export function deserializeError(side: 'key' | 'value', topic: string, cause: unknown): SerdeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const err = new SerdeError(`Failed to deserialize ${side} from topic: ${topic}. ${detail}`);
  (err as { cause?: unknown }).cause = cause;
  return err;
}

export function serializeError(side: 'key' | 'value', topic: string, cause: unknown): SerdeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const err = new SerdeError(`Error serializing message to topic: ${topic}. Failed to serialize ${side}: ${detail}`);
  (err as { cause?: unknown }).cause = cause;
  return err;
}
