// SQL LIKE patterns: `%` any run of characters, `_` one character, an optional escape
// character making the next one literal. Matching is case-sensitive and whole-string.

export function likeToRegExp(pattern: string, escape?: string): RegExp {
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== undefined && c === escape && i + 1 < pattern.length) {
      src += escapeRegExp(pattern[++i]!);
    } else if (c === '%') {
      src += '[\\s\\S]*';
    } else if (c === '_') {
      src += '[\\s\\S]';
    } else {
      src += escapeRegExp(c);
    }
  }
  return new RegExp(`${src}$`, 'u');
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** A matcher that compiles the pattern once per distinct pattern value (one-entry cache). */
export function likeMatcher(escape?: string): (value: string, pattern: string) => boolean {
  let lastPattern: string | undefined;
  let lastRe: RegExp | undefined;
  return (value, pattern) => {
    if (pattern !== lastPattern) {
      lastPattern = pattern;
      lastRe = likeToRegExp(pattern, escape);
    }
    return lastRe!.test(value);
  };
}

/** Patterns that need no regular expression: exact, prefix (`abc%`), suffix (`%abc`), infix (`%abc%`). */
export function simpleLike(pattern: string, escape?: string): { kind: 'equals' | 'startsWith' | 'endsWith' | 'includes'; text: string } | undefined {
  if (pattern.includes('_') || (escape !== undefined && pattern.includes(escape))) return undefined;
  const lead = pattern.startsWith('%');
  const trail = pattern.length > (lead ? 1 : 0) && pattern.endsWith('%');
  const inner = pattern.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (inner.includes('%')) return undefined;
  if (lead && trail) return { kind: 'includes', text: inner };
  if (lead) return { kind: pattern.length === 1 ? 'includes' : 'endsWith', text: inner };
  if (trail) return { kind: 'startsWith', text: inner };
  return { kind: 'equals', text: inner };
}
