// Parses a submitted schema to reject what no serializer could use (error 42201), and gives
// the canonical text two submissions of one schema share.

import avro from 'avsc';
import protobuf from 'protobufjs';
import { invalidSchema } from './errors.js';
import type { SchemaType } from './types.js';
import { wellKnownRoot } from './protobuf-root.js';
import { protoTextFromDescriptor } from './protobuf-descriptor.js';

/** The canonical text of a schema: compact JSON for Avro and JSON Schema, the text itself for protobuf. */
export function canonicalSchema(schemaType: SchemaType, text: string, references: Record<string, string>, validate = true): string {
  switch (schemaType) {
    case 'AVRO': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text.trim();
      }
      if (typeof parsed !== 'object' && typeof parsed !== 'string') throw invalidSchema(`Invalid schema ${text}, details: not an Avro schema`);
      if (validate) try {
        const registry: Record<string, avro.Type> = {};
        for (const ref of Object.values(references)) avro.Type.forSchema(JSON.parse(ref) as avro.Schema, { registry });
        avro.Type.forSchema(parsed as avro.Schema, { registry });
      } catch (e) {
        throw invalidSchema(`Invalid schema ${text}, details: ${(e as Error).message}`);
      }
      return typeof parsed === 'string' ? JSON.stringify(parsed) : JSON.stringify(parsed);
    }
    case 'JSON': {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (typeof parsed !== 'object' && typeof parsed !== 'boolean') throw new Error('a JSON schema is an object or a boolean');
        return JSON.stringify(parsed);
      } catch (e) {
        throw invalidSchema(`Invalid schema ${text}, details: ${(e as Error).message}`);
      }
    }
    case 'PROTOBUF': {
      text = protoTextFromDescriptor(text) ?? text;
      if (validate) try {
        const root = wellKnownRoot();
        for (const ref of Object.values(references)) protobuf.parse(ref, root, { keepCase: true });
        protobuf.parse(text, root, { keepCase: true });
        root.resolveAll();
      } catch (e) {
        throw invalidSchema(`Invalid schema ${text}, details: ${(e as Error).message}`);
      }
      return text;
    }
  }
}
