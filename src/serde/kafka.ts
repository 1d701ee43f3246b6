// The KAFKA format: Kafka's own primitive serializers. One column only: INT (4-byte
// big-endian), BIGINT (8-byte), DOUBLE (IEEE-754 big-endian), STRING (UTF-8) or BYTES (raw).
// No coercion: a payload of the wrong length is a deserialization error.

import { normalizeBigint, type SqlType } from '../common/types.js';
import { SerdeError, type Serde, type SerdeSpec } from './serde.js';
import { ConversionError, deserializeError, serializeError } from './errors.js';
import { emptySerde } from './json-format.js';

interface Codec {
  encode(v: unknown): Buffer;
  decode(b: Buffer): unknown;
}

export function kafkaCodec(type: SqlType): Codec {
  switch (type.base) {
    case 'INTEGER':
      return {
        encode(v) {
          const b = Buffer.allocUnsafe(4);
          b.writeInt32BE(v as number, 0);
          return b;
        },
        decode(b) {
          if (b.length !== 4) throw new ConversionError('Size of data received by IntegerDeserializer is not 4');
          return b.readInt32BE(0);
        },
      };
    case 'BIGINT':
      return {
        encode(v) {
          const b = Buffer.allocUnsafe(8);
          b.writeBigInt64BE(BigInt(v as number | bigint), 0);
          return b;
        },
        decode(b) {
          if (b.length !== 8) throw new ConversionError('Size of data received by LongDeserializer is not 8');
          return normalizeBigint(b.readBigInt64BE(0));
        },
      };
    case 'DOUBLE':
      return {
        encode(v) {
          const b = Buffer.allocUnsafe(8);
          b.writeDoubleBE(v as number, 0);
          return b;
        },
        decode(b) {
          if (b.length !== 8) throw new ConversionError('Size of data received by DoubleDeserializer is not 8');
          return b.readDoubleBE(0);
        },
      };
    case 'STRING':
      return {
        encode: (v) => Buffer.from(v as string, 'utf8'),
        decode: (b) => b.toString('utf8'),
      };
    case 'BYTES':
      return {
        encode: (v) => Buffer.from(v as Buffer),
        decode: (b) => Buffer.from(b),
      };
    default:
      throw new SerdeError(`The 'KAFKA' format does not support type '${type.base}'`);
  }
}

export function createKafkaSerde(spec: SerdeSpec): Serde {
  const { columns, side, topic } = spec;
  if (columns.length === 0) return emptySerde(side);
  if (columns.length > 1) {
    throw new SerdeError(
      `The 'KAFKA' format only supports a single field. Got: [${columns.map((c) => `\`${c.name}\``).join(', ')}]`,
    );
  }
  const codec = kafkaCodec(columns[0]!.type);
  return {
    serialize(row) {
      if (row === null || row[0] === null || row[0] === undefined) return null;
      try {
        return codec.encode(row[0]);
      } catch (e) {
        throw serializeError(side, topic, e);
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      try {
        return [codec.decode(bytes)];
      } catch (e) {
        throw deserializeError(side, topic, e);
      }
    },
  };
}
