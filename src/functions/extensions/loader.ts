// Loads user-defined functions from the modules in `ksql.extension.dir`: JavaScript as it is,
// TypeScript compiled at load (tsx). A module's exports (default or named) are function
// definitions or arrays of them. A module or function that cannot be loaded is skipped with a
// warning naming the file and the reason; it never stops the server.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { UserFunction } from './api.js';

export interface LoadedFunction {
  definition: UserFunction;
  /** The module it came from, shown by DESCRIBE FUNCTION. */
  path: string;
}

export interface LoadedExtensions {
  functions: LoadedFunction[];
  /** One line per module or function that was skipped, with the reason. */
  problems: string[];
}

const SCRIPT = new Set(['.js', '.mjs', '.cjs']);
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const KINDS = new Set(['scalar', 'aggregate', 'table']);

/** Imported modules by file and modification time: engines opened again reuse them. */
const modules = new Map<string, Promise<Record<string, unknown>>>();

function moduleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.d.ts') && !/\.test\.[cm]?[jt]s$/.test(f))
    .filter((f) => SCRIPT.has(extname(f)) || TYPESCRIPT.has(extname(f)))
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  const key = `${file}\u0000${statSync(file).mtimeMs}`;
  let loaded = modules.get(key);
  if (!loaded) {
    const url = pathToFileURL(file).href;
    loaded = TYPESCRIPT.has(extname(file))
      ? import('tsx/esm/api').then((tsx) => tsx.tsImport(url, import.meta.url) as Promise<Record<string, unknown>>)
      : (import(url) as Promise<Record<string, unknown>>);
    modules.set(key, loaded);
  }
  return loaded;
}

/** The reason a definition cannot be used, or null when it looks right. */
export function definitionProblem(d: Record<string, unknown>): string | null {
  if (typeof d.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(d.name)) return `a function needs a name made of letters, digits and underscores (got ${JSON.stringify(d.name)})`;
  if (!KINDS.has(d.kind as string)) return `function ${d.name}: kind must be 'scalar', 'aggregate' or 'table'`;
  if (!Array.isArray(d.overloads) || d.overloads.length === 0) return `function ${d.name}: needs at least one overload`;
  for (const o of d.overloads as Record<string, unknown>[]) {
    if (typeof o?.signature !== 'string') return `function ${d.name}: every overload needs a signature such as '(x INT) INT'`;
    const callable = d.kind === 'aggregate' ? typeof o.create === 'function' : typeof o.invoke === 'function' || typeof o.create === 'function';
    if (!callable) return `function ${d.name}${o.signature}: needs ${d.kind === 'aggregate' ? 'create' : 'invoke or create'}`;
  }
  return null;
}

function definitionsOf(exported: unknown): Record<string, unknown>[] {
  const values = Array.isArray(exported) ? exported : [exported];
  return values.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object' && 'kind' in v && 'overloads' in v);
}

/** Loads every module of `dir`; a missing folder has no functions. */
export async function loadExtensions(dir: string): Promise<LoadedExtensions> {
  const root = resolve(dir);
  const out: LoadedExtensions = { functions: [], problems: [] };
  if (!existsSync(root)) return out;
  for (const file of moduleFiles(root)) {
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(file);
    } catch (e) {
      out.problems.push(`${file}: could not be loaded: ${(e as Error).message}`);
      continue;
    }
    const seen = new Set<unknown>();
    for (const exported of Object.values(mod)) {
      for (const d of definitionsOf(exported)) {
        if (seen.has(d)) continue;
        seen.add(d);
        const problem = definitionProblem(d);
        if (problem) out.problems.push(`${file}: ${problem}`);
        else out.functions.push({ definition: d as unknown as UserFunction, path: file });
      }
    }
  }
  return out;
}
