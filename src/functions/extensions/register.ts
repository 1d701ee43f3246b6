// Turns user-defined functions (./api.ts) into entries of the FunctionLibrary: Java-style
// grouping of variadic arguments, literal init arguments of aggregates, configuration, and
// guards so that a user's code can only fail its own call, never the query or the server.

import type { AggregateImpl, FunctionLibrary } from '../library.js';
import type { CallContext } from '../overloads.js';
import { type FunctionCategory, FunctionResolutionError } from '../registry.js';
import { parsePattern, parseSignature, type Signature } from '../signature.js';
import { type SqlType, formatType, normalizeBigint } from '../../common/types.js';
import { decodeValue, encodeValue } from '../aggregate/state-codec.js';
import type { AggregateOverload, FunctionContext, ScalarOverload, TableOverload, UserFunction } from './api.js';

const CATEGORIES: FunctionCategory[] = [
  'CONDITIONAL', 'MATHEMATICAL', 'STRING', 'REGULAR EXPRESSION', 'JSON', 'DATE / TIME', 'ARRAY', 'MAP',
  'URL', 'OTHER', 'AGGREGATE', 'TABLE', 'LAMBDA', 'CONVERSIONS',
];

/** Properties a function sees: `ksql.functions.<name>.*` and `ksql.functions._global_.*`. */
export function functionConfig(name: string, properties: Record<string, unknown>): Record<string, unknown> {
  const own = `ksql.functions.${name.toLowerCase()}.`;
  const global = 'ksql.functions._global_.';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(properties)) if (k.startsWith(own) || k.startsWith(global)) out[k] = v;
  return out;
}

function contextOf(ctx: CallContext, config: Record<string, unknown>): FunctionContext {
  return { argTypes: ctx.argTypes.map((t) => (t ? formatType(t) : 'NULL')), config };
}

function typeFromText(text: string, fn: string): SqlType {
  const p = parsePattern(text);
  if (p.p !== 'concrete') throw new FunctionResolutionError(`Function '${fn}' returned a return type that is not a concrete SQL type: ${text}`);
  return p.type;
}

/** Regroups flat call arguments so a variadic parameter receives one array, as in Java. */
function grouper(sig: Signature): (args: unknown[]) => unknown[] {
  const v = sig.params.findIndex((p) => p.variadic);
  if (v < 0) return (args) => args;
  const trailing = sig.params.length - v - 1;
  return (args) => [...args.slice(0, v), args.slice(v, args.length - trailing), ...args.slice(args.length - trailing)];
}

/** A user's result in Eddy's representation: undefined is NULL, BIGINTs are normalised. */
function checked(fn: string, v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return normalizeBigint(v);
  if (v !== null && typeof (v as { then?: unknown }).then === 'function') {
    throw new Error(`Function '${fn}' returned a Promise; user-defined functions must return their result synchronously.`);
  }
  return v;
}

// The runtime stores aggregate states as JSON and may keep old states (tables emit before and
// after values), so a user's aggregate travels encoded and each call gets its own decoded copy.
const stored = encodeValue;
const fresh = decodeValue;

/** Splits `(params) RETURN` into the parameter list text and the return text. */
function splitSignature(text: string): { params: string; returns: string } {
  const t = text.trim();
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '(' || c === '<') depth++;
    else if (c === ')' || (c === '>' && t[i - 1] !== '=')) {
      depth--;
      if (depth === 0 && c === ')') return { params: t.slice(1, i).trim(), returns: t.slice(i + 1).trim() };
    }
  }
  throw new Error(`bad signature ${text}`);
}

function scalarOverload(name: string, o: ScalarOverload, config: Record<string, unknown>) {
  const group = grouper(parseSignature(o.signature));
  return {
    sig: o.signature,
    description: o.description,
    deterministic: o.deterministic,
    returns: o.returnType ? (ctx: CallContext) => typeFromText(o.returnType!(contextOf(ctx, config)), name) : undefined,
    make: (ctx: CallContext) => {
      const impl = o.create ? o.create(contextOf(ctx, config)) : o.invoke!;
      return (...args: unknown[]) => checked(name, impl(...group(args)));
    },
  };
}

function tableOverload(name: string, o: TableOverload, config: Record<string, unknown>) {
  const group = grouper(parseSignature(o.signature));
  return {
    sig: o.signature,
    description: o.description,
    returns: o.returnType ? (ctx: CallContext) => typeFromText(o.returnType!(contextOf(ctx, config)), name) : undefined,
    make: (ctx: CallContext) => {
      const impl = o.create ? o.create(contextOf(ctx, config)) : o.invoke!;
      return (...args: unknown[]): unknown[] => {
        const rows = checked(name, impl(...group(args)));
        if (rows === null) return [];
        if (!Array.isArray(rows)) throw new Error(`Table function '${name}' must return an array, got ${typeof rows}.`);
        return rows.map((r) => checked(name, r));
      };
    },
  };
}

function aggregateOverload(name: string, o: AggregateOverload, config: Record<string, unknown>) {
  const columns = parseSignature(o.signature);
  const init = o.initArgs ? parseSignature(o.initArgs) : null;
  if (columns.variadic && init?.variadic) {
    throw new Error(`only one of the column arguments and the init arguments may be variadic: ${o.signature} ${o.initArgs}`);
  }
  const parts = splitSignature(o.signature);
  const initParams = init ? splitSignature(o.initArgs!).params : '';
  const sig = `(${[parts.params, initParams].filter((p) => p !== '').join(', ')}) ${parts.returns}`.trim();
  const groupColumns = grouper(columns);
  const groupInit = init ? grouper(init) : null;
  return {
    sig,
    description: o.description,
    returns: o.returnType ? (ctx: CallContext) => typeFromText(o.returnType!(contextOf(ctx, config)), name) : undefined,
    make: (ctx: CallContext): AggregateImpl => {
      // The fixed-length part tells where the column arguments end.
      const firstInit = !init ? ctx.args.length : init.variadic ? columns.params.length : ctx.args.length - init.params.length;
      const initValues: unknown[] = [];
      for (let i = firstInit; i < ctx.args.length; i++) {
        const arg = ctx.args[i]!;
        if (arg.kind !== 'value' || arg.literal === undefined) {
          throw new FunctionResolutionError(`Function '${name}' takes literals after its column arguments; argument ${i + 1} is not a literal.`);
        }
        initValues.push(ctx.literals[i]);
      }
      const agg = o.create(contextOf(ctx, config), ...(groupInit ? groupInit(initValues) : []));
      const columnArgs = (args: unknown[]) => groupColumns(firstInit < args.length ? args.slice(0, firstInit) : args);
      const impl: AggregateImpl = {
        initialize: () => stored(checked(name, agg.initialize())),
        aggregate: (state, args) => stored(checked(name, agg.aggregate(fresh(state), ...columnArgs(args)))),
        result: (state) => checked(name, agg.map ? agg.map(fresh(state)) : fresh(state)),
      };
      if (agg.undo) impl.undo = (state, args) => stored(checked(name, agg.undo!(fresh(state), ...columnArgs(args))));
      if (agg.merge) impl.merge = (a, b) => stored(checked(name, agg.merge!(fresh(a), fresh(b))));
      return impl;
    },
  };
}

function categoryOf(f: UserFunction): FunctionCategory {
  const c = f.category?.toUpperCase();
  if (c && (CATEGORIES as string[]).includes(c)) return c as FunctionCategory;
  return f.kind === 'aggregate' ? 'AGGREGATE' : f.kind === 'table' ? 'TABLE' : 'OTHER';
}

/** Adds one user-defined function to the library; throws with the reason when it is malformed. */
export function registerUserFunction(lib: FunctionLibrary, f: UserFunction, path: string, properties: Record<string, unknown>): void {
  const config = functionConfig(f.name, properties);
  const common = {
    name: f.name,
    errorName: f.name,
    category: categoryOf(f),
    description: f.description ?? '',
    author: f.author ?? '',
    version: f.version ?? '',
    path,
  };
  switch (f.kind) {
    case 'scalar':
      lib.scalar({ ...common, overloads: f.overloads.map((o) => scalarOverload(f.name, o, config)) });
      return;
    case 'table':
      lib.table({ ...common, overloads: f.overloads.map((o) => tableOverload(f.name, o, config)) });
      return;
    case 'aggregate':
      lib.aggregate({ ...common, overloads: f.overloads.map((o) => aggregateOverload(f.name, o, config)) });
      return;
  }
}
