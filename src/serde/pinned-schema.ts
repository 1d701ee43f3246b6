// KEY_SCHEMA_ID / VALUE_SCHEMA_ID on CREATE ... AS SELECT: the sink writes with the schema the
// id names, so the query's columns must be found in it at the same positions with the same
// types (ksqlDB's check in its schema injector). Fields the registered schema has beyond the
// query's are filled by the serde (defaults, nulls) or fail there.

import { formatType, typesEqual, type Column, type SqlType } from '../common/types.js';
import { REGISTRY_FORMATS, type FormatName } from './serde.js';
import type { SchemaRegistry } from './registry.js';
import { inferColumns, SchemaInferenceError } from './schema-inference.js';


export interface PinnedSinkSide {
  format: FormatName;
  side: 'key' | 'value';
  topic: string;
  schemaId: number;
  /** The query's columns of this side (value: those the value format carries). */
  columns: Column[];
  wrapSingleValue?: boolean;
}

function columnText(name: string, type: SqlType, side: 'key' | 'value'): string {
  return `\`${name}\` ${formatType(type)}${side === 'key' ? ' KEY' : ''}`;
}

/** Throws, worded like ksqlDB, when the query's columns do not fit the registered schema. */
export function checkPinnedSinkSchema(registry: SchemaRegistry, req: PinnedSinkSide): void {
  const SIDE = req.side.toUpperCase();
  if (!REGISTRY_FORMATS.has(req.format)) {
    throw new SchemaInferenceError(`${SIDE}_FORMAT should support schema inference when ${SIDE}_SCHEMA_ID is provided. Current format is ${req.format}.`);
  }
  const inferred =
    inferColumns(registry, {
      format: req.format,
      side: req.side,
      topic: req.topic,
      schemaId: req.schemaId,
      ...(req.wrapSingleValue !== undefined ? { wrapSingleValue: req.wrapSingleValue } : {}),
    }) ?? [];
  // A column fits when the registered schema has one of the same name and type at its position.
  const misfits = req.columns.filter((c, i) => {
    const at = inferred[i];
    return !at || at.name !== c.name || !typesEqual(at.type, c.type);
  });
  if (misfits.length > 0) {
    throw new SchemaInferenceError(
      `The following ${req.side} columns are changed, missing or reordered: [${misfits.map((c) => columnText(c.name, c.type, req.side)).join(', ')}]. ` +
        `Schema from schema registry is [${inferred.map((c) => columnText(c.name, c.type, req.side)).join(', ')}]`,
    );
  }
}
