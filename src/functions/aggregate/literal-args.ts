// The constant arguments of aggregate calls (TOPK's k, EARLIEST_BY_OFFSET's n and ignoreNulls).

import type { CallContext } from '../overloads.js';

export function literalInt(ctx: CallContext, index: number, fn: string, what: string): number {
  const v = ctx.literals[index];
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new Error(`Function '${fn}' requires a constant integer for ${what}.`);
  }
  return v;
}

export function literalBool(ctx: CallContext, index: number, fn: string, what: string): boolean {
  const v = ctx.literals[index];
  if (typeof v !== 'boolean') throw new Error(`Function '${fn}' requires a constant boolean for ${what}.`);
  return v;
}
