// The row layout of a query: which column of a source (or of an intermediate step) sits at
// which index of the row array the operators pass along.
//
// A source row is [key columns..., value and header columns in schema order..., ROWTIME,
// ROWPARTITION, ROWOFFSET]. Later steps only append (partition keys, table function
// results), so every compiled expression indexes the same array.

import type { DataSource } from '../../catalog/model.js';
import type { ColumnRef } from '../../parser/ast.js';
import { BIGINT, INTEGER, type Column, type SqlType } from '../../common/types.js';
import { QueryPlanningError, at } from './errors.js';

export const PSEUDO_COLUMNS: readonly { name: string; type: SqlType }[] = [
  { name: 'ROWTIME', type: BIGINT },
  { name: 'ROWPARTITION', type: INTEGER },
  { name: 'ROWOFFSET', type: BIGINT },
];

export const RESERVED_COLUMN_NAMES = new Set(['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND']);

export type ScopeNamespace = 'KEY' | 'VALUE' | 'HEADER' | 'PSEUDO';

export interface ScopeColumn {
  name: string;
  type: SqlType;
  /** Index in the row array. */
  index: number;
  namespace: ScopeNamespace;
  headerKey?: string;
  /** WINDOWSTART / WINDOWEND of a windowed source: part of the key, but not a key column of the schema. */
  windowBound?: boolean;
  /** Join scopes: the qualifiers (source name and alias) of the source that owns the column. */
  owner?: ReadonlySet<string>;
  /** Join scopes: the column's name in its source (`name` is then `<ALIAS>_<COL>`). */
  columnName?: string;
  /** Join scopes: the row index of the join key this column is equal to. */
  keyIndex?: number;
  /** Join scopes: another source has a column of the same name (select items are then named <ALIAS>_<COL>). */
  ambiguous?: boolean;
}

/** Name resolution for expressions: columns visible at one step, with the qualifiers that may prefix them. */
export class RowScope {
  private readonly byName = new Map<string, ScopeColumn>();

  constructor(
    readonly columns: ScopeColumn[],
    readonly qualifiers: ReadonlySet<string>,
  ) {
    for (const c of columns) if (!this.byName.has(c.name)) this.byName.set(c.name, c);
  }

  resolve(ref: Pick<ColumnRef, 'source' | 'name' | 'loc'>): ScopeColumn | undefined {
    if (this.joined) return this.resolveJoined(ref);
    if (ref.source !== undefined && !this.qualifiers.has(ref.source)) return undefined;
    return this.byName.get(ref.name);
  }

  /** True when columns come from several sources (a join). */
  private get joined(): boolean {
    return this.columns.some((c) => c.owner !== undefined);
  }

  private resolveJoined(ref: Pick<ColumnRef, 'source' | 'name' | 'loc'>): ScopeColumn | undefined {
    if (ref.source !== undefined) {
      const hit = this.columns.find((c) => c.owner?.has(ref.source!) && c.columnName === ref.name);
      if (hit) return hit;
      if (!this.qualifiers.has(ref.source)) {
        throw new QueryPlanningError(`Failed to prepare statement: '${ref.source}' is not a valid stream/table name or alias.`, ref.loc);
      }
      return undefined;
    }
    const own = this.byName.get(ref.name);
    if (own) return own;
    const hits = this.columns.filter((c) => c.owner !== undefined && c.columnName === ref.name);
    if (hits.length > 1) {
      const names = hits.map((h) => `${[...h.owner!][h.owner!.size - 1]}.${ref.name}`);
      throw new QueryPlanningError(
        at(ref.loc, `Column '${ref.name}' is ambiguous. Could be ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}.`),
        ref.loc,
      );
    }
    return hits[0];
  }

  /** The output name of a select item that is a plain column reference. */
  columnAlias(ref: Pick<ColumnRef, 'source' | 'name' | 'loc'>): string {
    const c = this.resolve(ref);
    if (!c || c.owner === undefined) return ref.name;
    return c.ambiguous ? c.name : ref.name;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The same columns plus others, e.g. appended results. */
  extend(extra: ScopeColumn[], hideNames: Iterable<string> = []): RowScope {
    const hidden = new Set(hideNames);
    const kept = this.columns.filter((c) => !hidden.has(c.name));
    return new RowScope([...extra, ...kept], this.qualifiers);
  }
}

export interface SourceLayout {
  source: DataSource;
  alias: string;
  keyColumns: Column[];
  /** Value-namespace columns, in the order the value serde reads and writes them. */
  valueColumns: Column[];
  /** For each value serde column, its index in the row. */
  valueIndexes: number[];
  /** Header columns and their row indexes. */
  headerColumns: { column: Column; index: number }[];
  rowtimeIndex: number;
  rowpartitionIndex: number;
  rowoffsetIndex: number;
  /** Windowed sources: row indexes of WINDOWSTART and WINDOWEND (after the pseudo columns). */
  windowIndexes?: { start: number; end: number };
  /** Row indexes of the row's key when they are not the first columns (joined rows). */
  keyIndexes?: number[];
  /** Length of a source row. */
  width: number;
  /** Key and value columns in row order (no pseudo columns). */
  dataColumns: ScopeColumn[];
  scope: RowScope;
}

/** Reads the key of a row in this layout. */
export function rowKeyReader(layout: SourceLayout): (row: unknown[]) => unknown[] {
  const indexes = layout.keyIndexes;
  if (indexes) return (row) => indexes.map((i) => row[i]);
  const n = layout.keyColumns.length;
  return (row) => row.slice(0, n);
}

export function sourceLayout(source: DataSource, alias?: string): SourceLayout {
  const columns: ScopeColumn[] = [];
  const keyColumns = source.schema.key;
  keyColumns.forEach((c, i) => columns.push({ name: c.name, type: c.type, index: i, namespace: 'KEY' }));
  const valueColumns: Column[] = [];
  const valueIndexes: number[] = [];
  const headerColumns: { column: Column; index: number }[] = [];
  source.schema.value.forEach((c, i) => {
    const index = keyColumns.length + i;
    if (c.namespace === 'HEADER') {
      headerColumns.push({ column: c, index });
      columns.push({ name: c.name, type: c.type, index, namespace: 'HEADER', headerKey: c.headerKey });
    } else {
      valueColumns.push(c);
      valueIndexes.push(index);
      columns.push({ name: c.name, type: c.type, index, namespace: 'VALUE' });
    }
  });
  const base = keyColumns.length + source.schema.value.length;
  const windowed = source.keyFormat.window !== undefined;
  const windowIndexes = windowed ? { start: base + PSEUDO_COLUMNS.length, end: base + PSEUDO_COLUMNS.length + 1 } : undefined;
  if (windowIndexes) {
    // Listed right after the key columns, so SELECT * gives KEY, WINDOWSTART, WINDOWEND, values.
    columns.splice(
      keyColumns.length,
      0,
      { name: 'WINDOWSTART', type: BIGINT, index: windowIndexes.start, namespace: 'KEY', windowBound: true },
      { name: 'WINDOWEND', type: BIGINT, index: windowIndexes.end, namespace: 'KEY', windowBound: true },
    );
  }
  const dataColumns = columns.slice();
  PSEUDO_COLUMNS.forEach((p, i) => columns.push({ name: p.name, type: p.type, index: base + i, namespace: 'PSEUDO' }));
  const qualifiers = new Set([source.name]);
  if (alias) qualifiers.add(alias);
  return {
    source,
    alias: alias ?? source.name,
    keyColumns,
    valueColumns,
    valueIndexes,
    headerColumns,
    rowtimeIndex: base,
    rowpartitionIndex: base + 1,
    rowoffsetIndex: base + 2,
    ...(windowIndexes ? { windowIndexes } : {}),
    width: base + PSEUDO_COLUMNS.length + (windowIndexes ? 2 : 0),
    dataColumns,
    scope: new RowScope(columns, qualifiers),
  };
}
