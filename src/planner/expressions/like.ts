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
