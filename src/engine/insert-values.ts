// INSERT INTO ... VALUES and /inserts-stream rows: values → serialized record → log.

import type { InsertValues } from '../parser/ast.js';
import type { CatalogView, DataSource } from '../catalog/model.js';
import type { TopicLog } from '../log/topic-log.js';
import { KsqlError } from './api.js';

export async function insertValues(
  _log: TopicLog,
  _source: DataSource,
  _stmt: InsertValues,
  _properties: Record<string, unknown>,
  _catalog: CatalogView,
): Promise<void> {
  throw new KsqlError('INSERT VALUES needs the serde and expression modules, which have not landed yet.');
}

export async function insertJsonRow(
  _log: TopicLog,
  _source: DataSource,
  _row: Record<string, unknown>,
  _properties: Record<string, unknown>,
): Promise<void> {
  throw new KsqlError('Inserting rows needs the serde module, which has not landed yet.');
}
