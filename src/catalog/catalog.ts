// The metastore of one server: sources, custom types and persistent queries. Changed only
// by the engine while it applies commands; read by the planner through CatalogView.

import type { CatalogView, CustomType, DataSource, PersistentQueryInfo } from './model.js';
import type { SqlType } from '../common/types.js';

export class Catalog implements CatalogView {
  private readonly sources = new Map<string, DataSource>();
  private readonly types = new Map<string, CustomType>();
  private readonly queries = new Map<string, PersistentQueryInfo>();

  getSource(name: string): DataSource | undefined {
    return this.sources.get(name);
  }

  getType(name: string): SqlType | undefined {
    return this.types.get(name)?.type;
  }

  getQuery(id: string): PersistentQueryInfo | undefined {
    return this.queries.get(id);
  }

  /** Sources sorted by name. */
  listSources(type?: 'STREAM' | 'TABLE'): DataSource[] {
    return [...this.sources.values()]
      .filter((s) => type === undefined || s.sourceType === type)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  listTypes(): CustomType[] {
    return [...this.types.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Persistent queries in creation order. */
  listQueries(): PersistentQueryInfo[] {
    return [...this.queries.values()];
  }

  /** A source name as the user may have meant it, for "did you mean" hints. */
  findCaseInsensitive(name: string): DataSource | undefined {
    const upper = name.toUpperCase();
    for (const s of this.sources.values()) if (s.name.toUpperCase() === upper && s.name !== name) return s;
    return undefined;
  }

  putSource(source: DataSource): void {
    this.sources.set(source.name, source);
  }

  removeSource(name: string): void {
    this.sources.delete(name);
  }

  putType(type: CustomType): void {
    this.types.set(type.name, type);
  }

  removeType(name: string): void {
    this.types.delete(name);
  }

  putQuery(query: PersistentQueryInfo): void {
    this.queries.set(query.id, query);
  }

  removeQuery(id: string): void {
    this.queries.delete(id);
  }

  /** Queries that read `source`. */
  readersOf(source: string): PersistentQueryInfo[] {
    return this.listQueries().filter((q) => q.sources.includes(source));
  }

  /** Queries that write `source`. */
  writersOf(source: string): PersistentQueryInfo[] {
    return this.listQueries().filter((q) => q.sink === source);
  }
}
