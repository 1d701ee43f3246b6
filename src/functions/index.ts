// The built-in function library as a module-level singleton.

import type { FunctionRegistry } from './registry.js';
import { FunctionLibrary } from './library.js';
import { registerMath } from './scalar/math.js';
import { registerStrings } from './scalar/strings.js';
import { registerCollections } from './scalar/collections.js';

export function buildFunctionLibrary(): FunctionLibrary {
  const lib = new FunctionLibrary();
  registerMath(lib);
  registerStrings(lib);
  registerCollections(lib);
  return lib;
}

export const functionRegistry: FunctionRegistry = buildFunctionLibrary();

export { FunctionLibrary } from './library.js';
export * from './registry.js';
