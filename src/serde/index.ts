// Entry point of the formats: createSerde for a side of a record, formatInfo for what each
// format can do (spec §4), and the JSON-ready conversion used by REST rows and tests.

import { SerdeError, type FormatInfo, type FormatName, type Serde, type SerdeSpec } from './serde.js';
import { createJsonSerde, emptySerde } from './json-format.js';
import { createDelimitedSerde } from './delimited.js';
import { createKafkaSerde } from './kafka.js';
import { createAvroSerde } from './avro.js';
import { createProtobufSerde } from './protobuf.js';

export * from './serde.js';
export { toJsonValue, stringifyJson } from './json-value.js';
export { parseJson, LosslessNumber } from './json-parse.js';

const FORMATS: Record<FormatName, FormatInfo> = {
  NONE: info('NONE', false, true, false, false, false),
  DELIMITED: info('DELIMITED', true, true, true, false, false),
  JSON: info('JSON', true, true, true, true, false),
  JSON_SR: info('JSON_SR', true, true, true, true, true),
  AVRO: info('AVRO', true, true, true, true, true),
  PROTOBUF: info('PROTOBUF', true, true, true, true, true),
  PROTOBUF_NOSR: info('PROTOBUF_NOSR', true, true, true, true, false),
  KAFKA: info('KAFKA', true, true, false, false, false),
};

function info(
  name: FormatName,
  supportsValue: boolean,
  supportsKey: boolean,
  supportsMultiColumnKey: boolean,
  supportsWrapping: boolean,
  needsSchemaRegistry: boolean,
): FormatInfo {
  return { name, supportsKey, supportsValue, supportsMultiColumnKey, supportsWrapping, needsSchemaRegistry };
}

/** Capabilities of a format by name (case-insensitive). Throws "Unknown format: X". */
export function formatInfo(name: string): FormatInfo {
  const f = FORMATS[name.toUpperCase() as FormatName];
  if (!f) throw new SerdeError(`Unknown format: ${name}`);
  return f;
}

export function createSerde(spec: SerdeSpec): Serde {
  switch (spec.format) {
    case 'JSON':
      return createJsonSerde(spec, false);
    case 'JSON_SR':
      return createJsonSerde(spec, true);
    case 'DELIMITED':
      return createDelimitedSerde(spec);
    case 'KAFKA':
      return createKafkaSerde(spec);
    case 'AVRO':
      return createAvroSerde(spec, spec.registry);
    case 'PROTOBUF':
      return createProtobufSerde(spec, { schemaRegistry: true }, spec.registry);
    case 'PROTOBUF_NOSR':
      return createProtobufSerde(spec, { schemaRegistry: false }, spec.registry);
    case 'NONE':
      if (spec.columns.length > 0) {
        throw new SerdeError(`The 'NONE' format can only be used when no columns are defined. Got: ${spec.columns.map((c) => c.name).join(', ')}`);
      }
      return emptySerde(spec.side);
    default:
      throw new SerdeError(`Format ${spec.format} is not supported yet`);
  }
}
export { serializeWindowedKey, deserializeWindowedKey, type WindowKind, type WindowBounds } from './windowed.js';
export {
  InMemorySchemaRegistry,
  defaultSchemaRegistry,
  resetDefaultSchemaRegistry,
  useSchemaRegistry,
  type SchemaRegistry,
  type RegisteredSchema,
  type SubjectVersion,
} from './registry.js';
export { avroSchemaForColumns } from './avro.js';
export { registerWriterSchemas, writerSchemaFor, type SideSchema } from './register.js';
