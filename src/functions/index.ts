// The built-in function library as a module-level singleton.

import type { FunctionRegistry } from './registry.js';
import { FunctionLibrary } from './library.js';
import { registerMath } from './scalar/math.js';
import { registerStrings } from './scalar/strings.js';
import { registerCollections } from './scalar/collections.js';
import { registerDateTime } from './scalar/datetime.js';
import { registerJson } from './scalar/json.js';
import { registerUrlAndBytes } from './scalar/url.js';

export function buildFunctionLibrary(): FunctionLibrary {
  const lib = new FunctionLibrary();
  registerMath(lib);
  registerStrings(lib);
  registerCollections(lib);
  registerDateTime(lib);
  registerJson(lib);
  registerUrlAndBytes(lib);
  return lib;
}

export const functionRegistry: FunctionRegistry = buildFunctionLibrary();

export { FunctionLibrary } from './library.js';
export * from './registry.js';
