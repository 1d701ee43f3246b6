// AST types → SQL types, resolving CREATE TYPE aliases through the catalog.

import type { AstType } from '../parser/ast.js';
import type { CatalogView } from '../catalog/model.js';
import type { SqlType } from '../common/types.js';
export { containsMap } from '../common/types.js';
import { KsqlError } from './api.js';

export function resolveType(t: AstType, catalog: CatalogView): SqlType {
  switch (t.kind) {
    case 'Primitive':
      return { base: t.name };
    case 'Decimal':
      return { base: 'DECIMAL', precision: t.precision, scale: t.scale };
    case 'Array':
      return { base: 'ARRAY', item: resolveType(t.item, catalog) };
    case 'Map':
      return { base: 'MAP', key: resolveType(t.key, catalog), value: resolveType(t.value, catalog) };
    case 'Struct': {
      const seen = new Set<string>();
      for (const f of t.fields) {
        if (seen.has(f.name)) throw new KsqlError('Duplicate field names found in STRUCT');
        seen.add(f.name);
      }
      return { base: 'STRUCT', fields: t.fields.map((f) => ({ name: f.name, type: resolveType(f.type, catalog) })) };
    }
    case 'Alias': {
      const found = catalog.getType(t.name);
      if (!found) {
        const where = t.loc ? `Line: ${t.loc.line}, Col: ${t.loc.column}: ` : '';
        throw new KsqlError(`${where}Unknown type: ${t.name}`);
      }
      return found;
    }
  }
}

