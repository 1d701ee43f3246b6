// AST types (as parsed) to SQL types, resolving CREATE TYPE names through a callback.

import type { AstType } from '../../parser/ast.js';
import { decimalType } from '../../common/types.js';
import type { SqlType, StructField } from '../../common/types.js';

/** Throws Error with a user-facing message for invalid DECIMALs, duplicate fields and unknown type names. */
export function sqlTypeOf(t: AstType, resolveAlias?: (name: string) => SqlType | undefined): SqlType {
  switch (t.kind) {
    case 'Primitive':
      return { base: t.name };
    case 'Decimal':
      if (t.precision < 1 || t.scale < 0 || t.scale > t.precision) {
        throw new Error(`DECIMAL precision must be >= 1 and scale between 0 and the precision: DECIMAL(${t.precision}, ${t.scale})`);
      }
      return decimalType(t.precision, t.scale);
    case 'Array':
      return { base: 'ARRAY', item: sqlTypeOf(t.item, resolveAlias) };
    case 'Map':
      return { base: 'MAP', key: sqlTypeOf(t.key, resolveAlias), value: sqlTypeOf(t.value, resolveAlias) };
    case 'Struct': {
      const names = new Set<string>();
      const fields: StructField[] = [];
      for (const f of t.fields) {
        if (names.has(f.name)) throw new Error('Duplicate field names found in STRUCT');
        names.add(f.name);
        fields.push({ name: f.name, type: sqlTypeOf(f.type, resolveAlias) });
      }
      return { base: 'STRUCT', fields };
    }
    case 'Alias': {
      const found = resolveAlias?.(t.name);
      if (!found) throw new Error(`Unknown type: ${t.name}`);
      return found;
    }
  }
}
