// Pull-query plans by statement shape (./shape.ts). A plan whose WHERE is exactly a key
// lookup (key = literal, key IN (...), equality on every key column) is kept with, for each
// lookup key, the literals that give it; every other literal must be the same text for the
// plan to apply. A request of a known shape then skips parsing, planning and building: its
// key literals are converted as the planner converts them and looked up through the plan.

import type { DataSource } from '../../catalog/model.js';
import type { SqlType } from '../../common/types.js';
import type { Literal } from '../../parser/ast.js';
import { integerLiteral } from '../../parser/literals.js';
import { literalKeyValue } from '../../planner/query/pull-access.js';
import type { PullPlan } from './run.js';
import { statementShape, type ShapeLiteral } from './shape.js';

export interface CachedPull {
  plan: PullPlan;
  /** The catalog's source object the plan was made from: another object means DDL since. */
  source: DataSource;
  /** For each lookup key, the index of the literal giving each key column. */
  params: number[][];
  keyTypes: SqlType[];
  /** Texts of the literals that are not parameters (undefined at parameter positions). */
  fixed: (string | undefined)[];
}

const MAX_ENTRIES = 1000;

export class PullPlanCache {
  private readonly entries = new Map<string, CachedPull>();

  private static key(masked: string, overrides: Record<string, unknown>): string {
    let props = '';
    for (const k in overrides) {
      props = JSON.stringify(overrides);
      break;
    }
    return props === '' ? masked : `${masked}\u0002${props}`;
  }

  /** Keeps `plan`, made for `text`, when its shape allows rebinding its lookup keys. */
  remember(text: string, statementOffset: number, plan: PullPlan, source: DataSource, overrides: Record<string, unknown>): void {
    const access = plan.access;
    if (!access?.exact || !access.points || access.windowStart || access.windowEnd || access.listed !== access.points.length) return;
    const shape = statementShape(text);
    if (!shape) return;
    const byOffset = new Map(shape.literals.map((l, i) => [l.offset, i]));
    const params: number[][] = [];
    for (const point of access.points) {
      const p: number[] = [];
      for (const v of point) {
        const i = byOffset.get((v.literal.loc?.offset ?? -1) - statementOffset);
        if (i === undefined) return;
        p.push(i);
      }
      params.push(p);
    }
    const used = new Set(params.flat());
    if (used.size !== params.flat().length) return;
    const fixed = shape.literals.map((l, i) => (used.has(i) ? undefined : l.text));
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(PullPlanCache.key(shape.masked, overrides), {
      plan,
      source,
      params,
      keyTypes: plan.analysis.layout.keyColumns.map((c) => c.type),
      fixed,
    });
  }

  /** The cached plan for `text` and its lookup keys, or undefined (then plan it). */
  lookup(text: string, overrides: Record<string, unknown>): { entry: CachedPull; points: unknown[][] } | undefined {
    const shape = statementShape(text);
    if (!shape) return undefined;
    const entry = this.entries.get(PullPlanCache.key(shape.masked, overrides));
    if (!entry) return undefined;
    const lits = shape.literals;
    for (let i = 0; i < lits.length; i++) {
      const f = entry.fixed[i];
      if (f !== undefined && f !== lits[i]!.text) return undefined;
    }
    const points: unknown[][] = [];
    const seen = new Set<unknown>();
    for (const p of entry.params) {
      const key: unknown[] = [];
      for (let c = 0; c < p.length; c++) {
        const v = keyValue(lits[p[c]!]!, entry.keyTypes[c]!);
        if (v === undefined) return undefined;
        key.push(v);
      }
      // Lookup keys are answered once each, in the order first listed (as the planner dedupes).
      const id = key.length === 1 ? key[0] : JSON.stringify(key, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
      if (seen.has(id)) continue;
      seen.add(id);
      points.push(key);
    }
    return { entry, points };
  }

  clear(): void {
    this.entries.clear();
  }
}

function keyValue(l: ShapeLiteral, type: SqlType): unknown {
  const loc = { line: 1, column: 1, offset: l.offset };
  let lit: Literal;
  if (l.kind === 's') lit = { kind: 'Literal', type: 'STRING', value: l.text.slice(1, -1).replace(/''/g, "'"), loc };
  else if (l.kind === 'i') {
    try {
      lit = integerLiteral(l.text, loc);
    } catch {
      return undefined;
    }
  } else return undefined;
  return literalKeyValue(lit, type);
}
