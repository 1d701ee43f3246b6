// `${name}` variable substitution (spec §1.6), applied to statement text before parsing.
// Names are case-insensitive; `$${name}` is an escape that yields `${name}` verbatim.
// Comments are copied unchanged, so a reference inside a comment is not an error.

import type { Loc } from './ast.js';
import { SubstitutionError, locAt } from './errors.js';

export function substituteVariables(text: string, variables: Record<string, string>, baseLoc?: Loc): string {
  if (!text.includes('${')) return text;
  const lookup = new Map<string, string>();
  for (const [k, v] of Object.entries(variables)) lookup.set(k.toLowerCase(), v);
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      let j = i;
      while (j < n && text[j] !== '\n') j++;
      out += text.slice(i, j);
      i = j;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '$' && text[i + 1] === '$' && text[i + 2] === '{') {
      out += '$';
      i += 2;
      const close = text.indexOf('}', i);
      const stop = close < 0 ? n : close + 1;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      const loc = locAt(text, i, baseLoc);
      if (close < 0) {
        throw new SubstitutionError(`line ${loc.line}:${loc.column}: Unterminated variable reference: ${text.slice(i, i + 20)}`, '', loc);
      }
      const name = text.slice(i + 2, close);
      if (!/^[A-Za-z_]\w*$/.test(name)) {
        throw new SubstitutionError(`line ${loc.line}:${loc.column}: Illegal variable name: '${name}'`, name, loc);
      }
      const value = lookup.get(name.toLowerCase());
      if (value === undefined) {
        throw new SubstitutionError(
          `line ${loc.line}:${loc.column}: Reference to undefined variable '${name}'. Define it with DEFINE ${name} = '...';`,
          name,
          loc,
        );
      }
      out += value;
      i = close + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
