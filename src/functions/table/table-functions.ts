// Table functions: each call returns the rows (one value each) to emit for an input row.

import type { FunctionLibrary } from '../library.js';
import type { CallContext } from '../overloads.js';
import type { SqlType } from '../../common/types.js';

const NONE: unknown[] = [];

function explode(list: unknown[] | null): unknown[] {
  return list === null ? NONE : list;
}

/** Every combination of the elements with some of them nulled, skipping duplicates caused by null inputs. */
export function cubeExplode(list: unknown[] | null): unknown[] {
  if (list === null) return NONE;
  const n = list.length;
  if (n > 30) throw new Error(`CUBE_EXPLODE supports at most 30 elements, got ${n}`);
  let nullMask = 0;
  for (let i = 0; i < n; i++) if (list[i] !== null) nullMask |= 1 << (n - 1 - i);
  const out: unknown[][] = [];
  const combinations = 2 ** n;
  for (let mask = 0; mask < combinations; mask++) {
    if ((mask & ~nullMask) !== 0) continue;
    const row = new Array(n);
    for (let i = 0; i < n; i++) row[i] = mask & (1 << (n - 1 - i)) ? list[i] : null;
    out.push(row);
  }
  return out;
}

function elementType(ctx: CallContext): SqlType {
  const t = ctx.paramTypes[0];
  if (!t || t.base !== 'ARRAY') throw new Error(`Function '${ctx.name.toLowerCase()}' cannot infer its type from a NULL argument.`);
  return t.item;
}

export function registerTableFunctions(lib: FunctionLibrary): void {
  lib.table({
    name: 'EXPLODE',
    category: 'TABLE',
    description: 'Emits one row per element of an array.',
    overloads: [
      { sig: '(input ARRAY<DECIMAL>) DECIMAL', returns: elementType, impl: explode },
      { sig: '(list ARRAY<T>) T', impl: explode },
    ],
  });
  lib.table({
    name: 'CUBE_EXPLODE',
    category: 'TABLE',
    description: 'Emits every combination of the array elements with some of them replaced by null.',
    overloads: [
      { sig: '(input ARRAY<DECIMAL>) ARRAY<DECIMAL>', returns: (ctx) => ctx.paramTypes[0]!, impl: cubeExplode },
      { sig: '(list ARRAY<T>) ARRAY<T>', impl: cubeExplode },
    ],
  });
}
