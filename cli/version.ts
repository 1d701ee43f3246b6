// The package version, found from this file's location both under tsx (cli/) and in dist/cli/.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function eddyVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'eddy' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here: look one level up
    }
    dir = dirname(dir);
  }
  return (cached = 'unknown');
}
