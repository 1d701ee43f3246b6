// The chevrotain runtime, loaded from the package's single-file bundle. The package entry
// point pulls in several hundred lodash-es modules, which takes seconds to load under tsx;
// the bundle takes well under 100 ms. Every parser module imports chevrotain from here so
// that token types, EOF and the parser classes all come from the same module instance.

import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    const bundle = new URL('../chevrotain.mjs', import.meta.resolve('chevrotain'));
    return (await import(bundle.href)) as typeof Chevrotain;
  } catch {
    return await import('chevrotain');
  }
}

const chevrotain = await load();

export const { createToken, Lexer, EmbeddedActionsParser, EOF } = chevrotain;
