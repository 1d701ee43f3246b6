// Overload resolution shared by scalar, table and aggregate functions.
//
// Like ksqlDB: a first pass accepts only exact argument types (generics bind, DECIMAL matches
// any precision, untyped NULL matches anything); when it finds nothing, a second pass allows
// implicit casts (INT → BIGINT → DECIMAL → DOUBLE, literal coercions, element-wise
// container widening). Among candidates, non-variadic ones win over variadic ones, then
// longer parameter lists; remaining ties between non-variadic candidates go to the cheapest
// widening, other ties are ambiguous.

import type { ArgShape } from './registry.js';
import { FunctionResolutionError } from './registry.js';
import { type SqlType, formatType, typesEqual } from '../common/types.js';
import {
  type Bindings,
  type Signature,
  type TypePattern,
  formatPattern,
  genericity,
  instantiate,
  matchPattern,
} from './signature.js';

/** Everything an overload learns about a resolved call. */
export interface CallContext {
  /** Upper-case function name. */
  name: string;
  args: ArgShape[];
  /** Type of each argument as given (null for NULL literals, lambdas and units). */
  argTypes: (SqlType | null)[];
  /** The type each value argument is coerced to (null for NULL literals of unknown type, lambdas, units). */
  paramTypes: (SqlType | null)[];
  /** Constant value of each literal argument (undefined when not a literal). */
  literals: unknown[];
  /** For lambda arguments: the body's type. */
  lambdaTypes: (SqlType | null)[];
  bindings: Bindings;
}

export interface OverloadBase {
  signature: Signature;
  /** The signature text as written, for docs. */
  text: string;
  description: string;
}

interface Candidate<O extends OverloadBase> {
  overload: O;
  ctx: CallContext;
  cost: number;
}

function paramIndexFor(sig: Signature, argCount: number, i: number): number {
  const n = sig.params.length;
  if (!sig.variadic) return i;
  const v = sig.params.findIndex((p) => p.variadic);
  const trailing = n - v - 1;
  if (i < v) return i;
  if (i >= argCount - trailing) return n - (argCount - i);
  return v;
}

function arityAccepts(sig: Signature, argCount: number): boolean {
  return sig.variadic ? argCount >= sig.params.length - 1 : argCount === sig.params.length;
}

function wideningCost(from: SqlType | null, to: SqlType | null): number {
  if (!from || !to || typesEqual(from, to)) return 0;
  const rank = (t: SqlType): number =>
    t.base === 'INTEGER' ? 1 : t.base === 'BIGINT' ? 2 : t.base === 'DECIMAL' ? 3 : t.base === 'DOUBLE' ? 4 : 0;
  const a = rank(from);
  const b = rank(to);
  if (a > 0 && b > 0) return Math.max(0, b - a);
  return 5;
}

function tryMatch<O extends OverloadBase>(
  name: string,
  overload: O,
  args: ArgShape[],
  allowCasts: boolean,
): Candidate<O> | null {
  const sig = overload.signature;
  if (!arityAccepts(sig, args.length)) return null;
  const bindings: Bindings = new Map();
  const n = args.length;
  const argTypes: (SqlType | null)[] = new Array(n).fill(null);
  const paramTypes: (SqlType | null)[] = new Array(n).fill(null);
  const literals: unknown[] = new Array(n).fill(undefined);
  const lambdaTypes: (SqlType | null)[] = new Array(n).fill(null);
  const patterns: TypePattern[] = new Array(n);

  for (let i = 0; i < n; i++) {
    const arg = args[i]!;
    const pattern = sig.params[paramIndexFor(sig, n, i)]!.pattern;
    patterns[i] = pattern;
    if (arg.kind === 'unit') {
      if (pattern.p !== 'unit') return null;
      continue;
    }
    if (pattern.p === 'unit') return null;
    if (arg.kind === 'lambda') {
      if (pattern.p !== 'lambda' || pattern.params.length !== arg.arity) return null;
      continue;
    }
    if (pattern.p === 'lambda') return null;
    literals[i] = arg.literal;
    argTypes[i] = arg.type;
    if (arg.type === null) continue;
    const matched = matchPattern(pattern, arg.type, bindings, allowCasts, arg.literal);
    if (!matched) return null;
    paramTypes[i] = matched;
  }

  // Lambdas last: their parameter types come from the other arguments.
  for (let i = 0; i < n; i++) {
    const arg = args[i]!;
    if (arg.kind !== 'lambda') continue;
    const pattern = patterns[i] as Extract<TypePattern, { p: 'lambda' }>;
    let bodyType: SqlType | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const lambdaParams: SqlType[] = [];
      for (const p of pattern.params) {
        const t = instantiate(p, bindings);
        if (!t) return null;
        lambdaParams.push(t);
      }
      bodyType = arg.typeBody(lambdaParams);
      const body = pattern.body;
      if (body.p === 'generic') {
        const bound = bindings.get(body.name);
        if (bound === undefined) {
          bindings.set(body.name, bodyType);
          break;
        }
        if (typesEqual(bound, bodyType)) break;
        // The body widens the accumulator type (REDUCE): retype with the wider type.
        if (pattern.params.some((p) => p.p === 'generic' && p.name === body.name) && allowCastsFor(bound, bodyType)) {
          bindings.set(body.name, bodyType);
          continue;
        }
        return null;
      }
      if (!matchPattern(body, bodyType, bindings, allowCasts, undefined)) return null;
      break;
    }
    lambdaTypes[i] = bodyType;
  }

  // Final coercion types: generic patterns take their final (possibly widened) bindings.
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const arg = args[i]!;
    if (arg.kind !== 'value') continue;
    const inst = instantiate(patterns[i]!, bindings);
    if (inst) paramTypes[i] = inst;
    cost += wideningCost(argTypes[i]!, paramTypes[i]!);
  }
  return { overload, ctx: { name, args, argTypes, paramTypes, literals, lambdaTypes, bindings }, cost };
}

function allowCastsFor(from: SqlType, to: SqlType): boolean {
  return wideningCost(from, to) > 0 && wideningCost(from, to) < 5;
}

export function describeArgs(args: ArgShape[]): string {
  return args
    .map((a) => {
      if (a.kind === 'value') return a.type ? formatType(a.type) : 'null';
      if (a.kind === 'unit') return a.unit;
      return `LAMBDA`;
    })
    .join(', ');
}

export function formatOverload(errorName: string, o: OverloadBase): string {
  const params = o.signature.params
    .map((p) => `${formatPattern(p.pattern)}${p.variadic ? '...' : ''} ${p.name}`)
    .join(', ');
  return `${errorName}(${params})`;
}

/** Picks the overload for a call or throws a FunctionResolutionError with ksqlDB's wording. */
export function resolveOverload<O extends OverloadBase>(
  name: string,
  errorName: string,
  overloads: O[],
  args: ArgShape[],
): { overload: O; ctx: CallContext } {
  for (const allowCasts of [false, true]) {
    const candidates: Candidate<O>[] = [];
    for (const o of overloads) {
      const c = tryMatch(name, o, args, allowCasts);
      if (c) candidates.push(c);
    }
    if (candidates.length === 0) continue;
    candidates.sort(compareCandidates);
    if (candidates.length > 1 && compareCandidates(candidates[0]!, candidates[1]!) === 0) {
      throw new FunctionResolutionError(
        `Function '${errorName}' cannot be resolved due to ambiguous method parameters (${describeArgs(args)}).`,
      );
    }
    return candidates[0]!;
  }
  const alternatives = overloads.map((o) => formatOverload(errorName, o)).sort();
  throw new FunctionResolutionError(
    `Function '${errorName}' does not accept parameters (${describeArgs(args)}).` +
      (alternatives.length > 0 ? `\nValid alternatives are:\n${alternatives.join('\n')}` : ''),
  );
}

function compareCandidates<O extends OverloadBase>(a: Candidate<O>, b: Candidate<O>): number {
  const va = a.overload.signature.variadic ? 1 : 0;
  const vb = b.overload.signature.variadic ? 1 : 0;
  if (va !== vb) return va - vb;
  const pa = a.overload.signature.params.length;
  const pb = b.overload.signature.params.length;
  if (pa !== pb) return pb - pa;
  const ga = a.overload.signature.params.reduce((n, p) => n + genericity(p.pattern), 0);
  const gb = b.overload.signature.params.reduce((n, p) => n + genericity(p.pattern), 0);
  if (ga !== gb) return ga - gb;
  if (va === 0 && a.cost !== b.cost) return a.cost - b.cost;
  return 0;
}
