// Where the built console (scripts/build-console.mjs: console/ → dist/console) lies: under
// the package root, found from this file whether it runs from src/ (tsx) or dist/src/.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function packageRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'eddy') return dir;
      } catch {
        // Not ours; go on up.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The folder of the built console, or undefined when it was not built. */
export function consoleAssetsDir(): string | undefined {
  const root = packageRoot(import.meta.dirname);
  const dir = root && join(root, 'dist', 'console');
  return dir && existsSync(join(dir, 'index.html')) ? dir : undefined;
}

export const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Eddy console not built</title>
<h1>The Eddy console is not built</h1>
<p>Build it in the Eddy folder with <code>npm run build:console</code> (npm install does it), then reload this page.
The REST API works without it: <a href="/info">/info</a>.</p>`;
