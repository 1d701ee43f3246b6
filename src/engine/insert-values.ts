// INSERT INTO ... VALUES and /inserts-stream rows: values → serialized record → log.

import type { InsertValues } from '../parser/ast.js';
import type { CatalogView, DataSource } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { TopicLog } from '../log/topic-log.js';
import type { Column } from '../common/types.js';
import { BIGINT } from '../common/types.js';
import { createSerde, type Serde } from '../serde/index.js';
import { literalToValue } from '../planner/expressions/index.js';
import { KsqlError } from './api.js';
import { physicalValueColumns } from './ddl.js';

interface SourceSerdes {
  key: Serde;
  value: Serde;
  valueColumns: Column[];
}

const serdeCache = new WeakMap<DataSource, SourceSerdes>();

function serdesFor(source: DataSource): SourceSerdes {
  let s = serdeCache.get(source);
  if (!s) {
    const valueColumns = physicalValueColumns(source.schema);
    s = {
      key: createSerde({
        format: source.keyFormat.format,
        columns: source.schema.key,
        side: 'key',
        topic: source.topic,
        ...(source.keyFormat.options ? { options: source.keyFormat.options } : {}),
      }),
      value: createSerde({
        format: source.valueFormat.format,
        columns: valueColumns,
        side: 'value',
        topic: source.topic,
        ...(source.valueFormat.options ? { options: source.valueFormat.options } : {}),
      }),
      valueColumns,
    };
    serdeCache.set(source, s);
  }
  return s;
}

function checkWritable(source: DataSource): void {
  if (source.isSource) {
    throw new KsqlError(`Cannot insert values into read-only ${source.sourceType.toLowerCase()}: ${source.name}`);
  }
  if (source.keyFormat.window) {
    throw new KsqlError(`Cannot insert values into windowed ${source.sourceType.toLowerCase()}: ${source.name}`);
  }
}

/** Serializes key and value rows with the source's formats and appends the record. */
async function produce(
  log: TopicLog,
  source: DataSource,
  byName: Map<string, unknown>,
  timestamp: number | undefined,
): Promise<void> {
  const serdes = serdesFor(source);
  const keyRow = source.schema.key.map((c) => (byName.has(c.name) ? byName.get(c.name) : null));
  const valueRow = serdes.valueColumns.map((c) => (byName.has(c.name) ? byName.get(c.name) : null));
  let key: Buffer | null;
  let value: Buffer | null;
  try {
    key = keyRow.length === 0 || (keyRow.length === 1 && keyRow[0] === null) ? null : serdes.key.serialize(keyRow);
    value = serdes.value.serialize(valueRow);
  } catch (e) {
    throw new KsqlError(`Failed to insert values into '${source.name}'. ${(e as Error).message}`);
  }
  let ts = timestamp;
  if (ts === undefined && source.timestamp) {
    const v = byName.get(source.timestamp.column);
    if (typeof v === 'number' && source.timestamp.format === undefined) ts = v;
  }
  await log.produce(source.topic, [{ key, value, timestamp: ts ?? Date.now() }]);
}

export async function insertValues(
  log: TopicLog,
  source: DataSource,
  stmt: InsertValues,
  properties: Record<string, unknown>,
  catalog: CatalogView,
  functions: FunctionRegistry,
): Promise<void> {
  void properties;
  checkWritable(source);
  const all = [...source.schema.key, ...source.schema.value];
  const names = stmt.columns ?? all.map((c) => c.name);
  const headerCols = names.filter((n) => all.find((c) => c.name === n)?.namespace === 'HEADER');
  if (headerCols.length > 0) throw new KsqlError(`Cannot insert into HEADER columns: ${headerCols.join(', ')}`);
  if (names.length !== stmt.values.length) {
    throw new KsqlError(
      `Failed to prepare statement: Expected a value for each column. Expected Columns: [${names.join(', ')}]. Got ${stmt.values.length} value${stmt.values.length === 1 ? '' : 's'}.`,
    );
  }
  const byName = new Map<string, unknown>();
  let timestamp: number | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const expr = stmt.values[i]!;
    checkNoColumnReferences(expr);
    if (name === 'ROWTIME') {
      const v = literalToValue(expr, BIGINT, { functions, columnName: 'ROWTIME', resolveType: (t) => catalog.getType(t) });
      if (v !== null) timestamp = Number(v);
      continue;
    }
    if (name === 'ROWPARTITION' || name === 'ROWOFFSET') {
      throw new KsqlError(`Cannot insert into pseudo column ${name}: it is set by the log.`);
    }
    const col = all.find((c) => c.name === name);
    if (!col) throw new KsqlError(`Column name ${name} does not exist.`);
    byName.set(name, literalToValue(expr, col.type, { functions, columnName: name, resolveType: (t) => catalog.getType(t) }));
  }
  await produce(log, source, byName, timestamp);
}

/** ksqlDB refuses column references in VALUES ("'FOO' is not a valid stream/table name or alias."). */
function checkNoColumnReferences(expr: unknown): void {
  if (expr === null || typeof expr !== 'object') return;
  const node = expr as { kind?: string; source?: string; name?: string };
  if (node.kind === 'ColumnRef') {
    if (node.source !== undefined) {
      throw new KsqlError(`Failed to prepare statement: '${node.source}' is not a valid stream/table name or alias.`);
    }
    throw new KsqlError(`Failed to prepare statement: column '${node.name}' cannot be resolved: INSERT VALUES only accepts constant expressions.`);
  }
  if (node.kind === 'Lambda') return;
  for (const v of Object.values(expr as Record<string, unknown>)) {
    if (Array.isArray(v)) v.forEach(checkNoColumnReferences);
    else if (v && typeof v === 'object' && 'kind' in (v as object)) checkNoColumnReferences(v);
    else if (v && typeof v === 'object') for (const w of Object.values(v as object)) checkNoColumnReferences(w);
  }
}

/** One /inserts-stream row: a JSON object of column values, names matched case-insensitively. */
export async function insertJsonRow(
  log: TopicLog,
  source: DataSource,
  row: Record<string, unknown>,
  properties: Record<string, unknown>,
): Promise<void> {
  void properties;
  checkWritable(source);
  if (source.schema.value.some((c) => c.namespace === 'HEADER')) {
    throw new KsqlError(`Cannot insert into ${source.name} because it has header columns`);
  }
  const columns = [...source.schema.key, ...physicalValueColumns(source.schema)];
  // The JSON value reader does the conversion from JSON to each column's type.
  const reader = createSerde({ format: 'JSON', columns, side: 'value', topic: source.topic });
  let values: unknown[] | null;
  try {
    values = reader.deserialize(Buffer.from(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))));
  } catch (e) {
    throw new KsqlError(`Failed to insert values into '${source.name}'. ${(e as Error).message}`);
  }
  const byName = new Map<string, unknown>();
  columns.forEach((c, i) => byName.set(c.name, values?.[i] ?? null));
  await produce(log, source, byName, undefined);
}
