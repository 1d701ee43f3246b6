// The function library: definitions of scalar, table and aggregate functions and the
// FunctionRegistry implementation over them.

import {
  type ArgShape,
  type FunctionCategory,
  type FunctionDoc,
  type FunctionKind,
  type FunctionOverloadDoc,
  type FunctionRegistry,
  type ResolvedAggregate,
  type ResolvedScalar,
  type ResolvedTable,
  FunctionResolutionError,
} from './registry.js';
import type { SqlType } from '../common/types.js';
import { type CallContext, type OverloadBase, resolveOverload } from './overloads.js';
import { formatPatternDoc, instantiate, parseSignature } from './signature.js';

export const AUTHOR = 'Eddy';
export const VERSION = '0.1.0';

type Invoke = (...args: any[]) => unknown;

export interface ScalarOverloadSpec {
  /** `(name TYPE, ...) RETURN`; the return may be omitted when `returns` computes it. */
  sig: string;
  description?: string;
  /** Computes the return type from the resolved call (DECIMAL scales and the like). */
  returns?: (ctx: CallContext) => SqlType;
  /** The implementation, when it does not depend on the resolved types. */
  impl?: Invoke;
  /** Builds the implementation for a resolved call (once per call site, not per row). */
  make?: (ctx: CallContext) => Invoke;
  /** Defaults to true. */
  deterministic?: boolean;
}

export interface TableOverloadSpec {
  sig: string;
  description?: string;
  returns?: (ctx: CallContext) => SqlType;
  impl?: (...args: any[]) => unknown[];
  make?: (ctx: CallContext) => (...args: any[]) => unknown[];
}

/** An aggregate's implementation for one resolved call. */
export type AggregateImpl = Omit<ResolvedAggregate, 'returnType' | 'paramTypes'>;

export interface AggregateOverloadSpec {
  sig: string;
  description?: string;
  returns?: (ctx: CallContext) => SqlType;
  make: (ctx: CallContext) => AggregateImpl;
}

export interface FunctionSpec<S> {
  name: string;
  category: FunctionCategory;
  description: string;
  /** Name used in resolution errors; ksqlDB uses the UDF's declared (mostly lower-case) name. */
  errorName?: string;
  /** DESCRIBE FUNCTION's author, version and path: Eddy's own unless a user function says otherwise. */
  author?: string;
  version?: string;
  path?: string;
  overloads: S[];
}

interface ScalarOverload extends OverloadBase {
  spec: ScalarOverloadSpec;
}
interface TableOverload extends OverloadBase {
  spec: TableOverloadSpec;
}
interface AggregateOverload extends OverloadBase {
  spec: AggregateOverloadSpec;
}

interface Entry<O extends OverloadBase> {
  kind: FunctionKind;
  name: string;
  errorName: string;
  category: FunctionCategory;
  description: string;
  author: string;
  version: string;
  path: string;
  overloads: O[];
}

function compile<S extends { sig: string; description?: string }, O extends OverloadBase>(
  spec: FunctionSpec<S>,
  kind: FunctionKind,
  wrap: (s: S, base: OverloadBase) => O,
): Entry<O> {
  return {
    kind,
    name: spec.name.toUpperCase(),
    errorName: spec.errorName ?? spec.name.toLowerCase(),
    category: spec.category,
    description: spec.description,
    author: spec.author ?? AUTHOR,
    version: spec.version ?? VERSION,
    path: spec.path ?? 'internal',
    overloads: spec.overloads.map((s) => {
      let signature;
      try {
        signature = parseSignature(s.sig);
      } catch (e) {
        throw new Error(`${spec.name}: ${(e as Error).message}`);
      }
      return wrap(s, { signature, text: s.sig, description: s.description ?? spec.description });
    }),
  };
}

function returnTypeOf(
  entry: Entry<OverloadBase>,
  overload: OverloadBase,
  ctx: CallContext,
  computed?: (ctx: CallContext) => SqlType,
): SqlType {
  if (computed) return computed(ctx);
  const declared = overload.signature.returns;
  const t = declared ? instantiate(declared, ctx.bindings) : null;
  if (!t) {
    throw new FunctionResolutionError(
      `Function '${entry.errorName}' cannot infer its return type from the given parameters; cast the NULL arguments to a type.`,
    );
  }
  return t;
}

function overloadDoc(o: OverloadBase, returnType: string): FunctionOverloadDoc {
  return {
    arguments: o.signature.params.map((p) => ({
      name: p.name,
      type: formatPatternDoc(p.pattern),
      description: '',
      isVariadic: p.variadic,
    })),
    returnType,
    description: o.description,
    argumentTypes: o.signature.params.map((p) => formatPatternDoc(p.pattern) + (p.variadic ? '[]' : '')),
  };
}

export class FunctionLibrary implements FunctionRegistry {
  private readonly scalars = new Map<string, Entry<ScalarOverload>>();
  private readonly tables = new Map<string, Entry<TableOverload>>();
  private readonly aggregates = new Map<string, Entry<AggregateOverload>>();

  private checkNew(name: string): void {
    const key = name.toUpperCase();
    if (this.scalars.has(key) || this.tables.has(key) || this.aggregates.has(key)) {
      throw new Error(`function ${key} defined twice`);
    }
  }

  scalar(spec: FunctionSpec<ScalarOverloadSpec>): this {
    this.checkNew(spec.name);
    for (const o of spec.overloads) {
      if (!o.impl && !o.make) throw new Error(`${spec.name}${o.sig}: needs impl or make`);
    }
    const e = compile(spec, 'SCALAR', (s, base): ScalarOverload => ({ ...base, spec: s }));
    this.scalars.set(e.name, e);
    return this;
  }

  table(spec: FunctionSpec<TableOverloadSpec>): this {
    this.checkNew(spec.name);
    const e = compile(spec, 'TABLE', (s, base): TableOverload => ({ ...base, spec: s }));
    this.tables.set(e.name, e);
    return this;
  }

  aggregate(spec: FunctionSpec<AggregateOverloadSpec>): this {
    this.checkNew(spec.name);
    const e = compile(spec, 'AGGREGATE', (s, base): AggregateOverload => ({ ...base, spec: s }));
    this.aggregates.set(e.name, e);
    return this;
  }

  kindOf(name: string): FunctionKind | undefined {
    const key = name.toUpperCase();
    if (this.scalars.has(key)) return 'SCALAR';
    if (this.aggregates.has(key)) return 'AGGREGATE';
    if (this.tables.has(key)) return 'TABLE';
    return undefined;
  }

  private lookup<O extends OverloadBase>(map: Map<string, Entry<O>>, name: string, kind: FunctionKind): Entry<O> {
    const e = map.get(name.toUpperCase());
    if (e) return e;
    const actual = this.kindOf(name);
    if (actual) {
      throw new FunctionResolutionError(
        `Function '${name}' is ${actual === 'AGGREGATE' ? 'an aggregate' : actual === 'TABLE' ? 'a table' : 'a scalar'} function and cannot be used as ${kind === 'AGGREGATE' ? 'an aggregate' : kind === 'TABLE' ? 'a table' : 'a scalar'} function here.`,
      );
    }
    throw new FunctionResolutionError(`Can't find any functions with the name '${name}'`);
  }

  resolveScalar(name: string, args: ArgShape[]): ResolvedScalar {
    const entry = this.lookup(this.scalars, name, 'SCALAR');
    const { overload, ctx } = resolveOverload(entry.name, entry.errorName, entry.overloads, args);
    const spec = overload.spec;
    const returnType = returnTypeOf(entry, overload, ctx, spec.returns);
    const invoke = spec.make ? spec.make(ctx) : spec.impl!;
    return { returnType, paramTypes: ctx.paramTypes, invoke, deterministic: spec.deterministic !== false };
  }

  resolveTable(name: string, args: ArgShape[]): ResolvedTable {
    const entry = this.lookup(this.tables, name, 'TABLE');
    const { overload, ctx } = resolveOverload(entry.name, entry.errorName, entry.overloads, args);
    const spec = overload.spec;
    const returnType = returnTypeOf(entry, overload, ctx, spec.returns);
    const invoke = spec.make ? spec.make(ctx) : spec.impl!;
    return { returnType, paramTypes: ctx.paramTypes, invoke };
  }

  resolveAggregate(name: string, args: ArgShape[]): ResolvedAggregate {
    const entry = this.lookup(this.aggregates, name, 'AGGREGATE');
    const { overload, ctx } = resolveOverload(entry.name, entry.errorName, entry.overloads, args);
    const spec = overload.spec;
    const returnType = returnTypeOf(entry, overload, ctx, spec.returns);
    const impl = spec.make(ctx);
    return { returnType, paramTypes: ctx.paramTypes, ...impl };
  }

  private docOf(entry: Entry<ScalarOverload | TableOverload | AggregateOverload>): FunctionDoc {
    return {
      name: entry.name,
      kind: entry.kind,
      category: entry.category,
      description: entry.description,
      author: entry.author,
      version: entry.version,
      path: entry.path,
      overloads: entry.overloads.map((o) =>
        overloadDoc(o, o.signature.returns ? formatPatternDoc(o.signature.returns) : 'ANY'),
      ),
    };
  }

  describe(name: string): FunctionDoc | undefined {
    const key = name.toUpperCase();
    const e = this.scalars.get(key) ?? this.aggregates.get(key) ?? this.tables.get(key);
    return e ? this.docOf(e) : undefined;
  }

  list(): FunctionDoc[] {
    const all = [...this.scalars.values(), ...this.aggregates.values(), ...this.tables.values()];
    return all.map((e) => this.docOf(e)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
