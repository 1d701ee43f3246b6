// The function library of a server: the built-in functions plus the user-defined functions
// of `ksql.extension.dir`, when that property is set.

import { resolve } from 'node:path';
import { buildFunctionLibrary, functionRegistry } from '../index.js';
import type { FunctionRegistry } from '../registry.js';
import { loadExtensions } from './loader.js';
import { registerUserFunction } from './register.js';

export type { LoadedExtensions } from './loader.js';

function warnOnStderr(message: string): void {
  process.emitWarning(message, 'ExtensionWarning');
}

/** Libraries by extension folder and function configuration: engines opened again share one. */
const libraries = new Map<string, Promise<FunctionRegistry>>();

export function functionsFor(
  properties: Record<string, unknown>,
  warn: (message: string) => void = warnOnStderr,
): Promise<FunctionRegistry> {
  const dir = properties['ksql.extension.dir'];
  if (dir === undefined || dir === null || String(dir).trim() === '') return Promise.resolve(functionRegistry);
  const config = Object.entries(properties).filter(([k]) => k.startsWith('ksql.functions.'));
  const key = JSON.stringify([resolve(String(dir)), config]);
  let lib = libraries.get(key);
  if (!lib) {
    lib = build(resolve(String(dir)), properties, warn);
    libraries.set(key, lib);
  }
  return lib;
}

async function build(dir: string, properties: Record<string, unknown>, warn: (message: string) => void): Promise<FunctionRegistry> {
  const { functions, problems } = await loadExtensions(dir);
  const lib = buildFunctionLibrary();
  for (const { definition, path } of functions) {
    const existing = lib.kindOf(definition.name);
    if (existing) {
      problems.push(`${path}: function ${definition.name.toUpperCase()} is already defined (built in or by another extension); give it another name`);
      continue;
    }
    try {
      registerUserFunction(lib, definition, path, properties);
    } catch (e) {
      problems.push(`${path}: function ${definition.name}: ${(e as Error).message}`);
    }
  }
  for (const p of problems) warn(`Skipped a user-defined function: ${p}`);
  return lib;
}
