// Java DateTimeFormatter patterns (the subset ksqlDB users write): compiled once per pattern
// into the token list that java-format.ts formats with and java-parse.ts parses with.

import type { Zone } from './zones.js';

export const MS_PER_DAY = 86_400_000;

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export type Token =
  | { t: 'lit'; text: string }
  | { t: 'field'; letter: string; count: number }
  | { t: 'opt'; tokens: Token[] };

export const DATE_LETTERS = 'GyuYMLdDEecQqwWF';
export const TIME_LETTERS = 'aHkKhmsSnANB';
const ZONE_LETTERS = 'VzOXxZv';

/** Local date-time fields of a value being formatted or parsed. */
export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nano: number;
  /** Offset in ms when known (timestamps with a zone). */
  offsetMs: number | null;
  zone: Zone | null;
  /** The instant, for zone names. */
  epochMs: number;
}

export interface CompiledPattern {
  pattern: string;
  tokens: Token[];
  usesDate: boolean;
  usesTime: boolean;
  usesZone: boolean;
}

function tokenize(pattern: string): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  let i = 0;
  const cur = (): Token[] => stack[stack.length - 1]!;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = findQuoteEnd(pattern, i + 1);
      const raw = pattern.slice(i + 1, end);
      cur().push({ t: 'lit', text: raw === '' ? "'" : raw.replace(/''/g, "'") });
      i = end + 1;
    } else if (c === '[') {
      const opt: Token = { t: 'opt', tokens: [] };
      cur().push(opt);
      stack.push(opt.tokens);
      i++;
    } else if (c === ']') {
      if (stack.length === 1) throw new Error(`Pattern invalid as it contains ] without previous [: ${pattern}`);
      stack.pop();
      i++;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      if (!DATE_LETTERS.includes(c) && !TIME_LETTERS.includes(c) && !ZONE_LETTERS.includes(c)) {
        throw new Error(`Unknown pattern letter: ${c}`);
      }
      cur().push({ t: 'field', letter: c, count: j - i });
      i = j;
    } else if (c === '{' || c === '}' || c === '#') {
      throw new Error(`Pattern includes reserved character: '${c}'`);
    } else {
      cur().push({ t: 'lit', text: c });
      i++;
    }
  }
  return root;
}

function findQuoteEnd(p: string, from: number): number {
  let i = from;
  while (i < p.length) {
    if (p[i] === "'") {
      if (p[i + 1] === "'" && i !== from) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  throw new Error(`Pattern ends with an incomplete string literal: ${p}`);
}

function scan(tokens: Token[], into: CompiledPattern): void {
  for (const tok of tokens) {
    if (tok.t === 'opt') scan(tok.tokens, into);
    else if (tok.t === 'field') {
      if (DATE_LETTERS.includes(tok.letter)) into.usesDate = true;
      else if (TIME_LETTERS.includes(tok.letter)) into.usesTime = true;
      else into.usesZone = true;
    }
  }
}

const compiled = new Map<string, CompiledPattern>();

export function compilePattern(pattern: string): CompiledPattern {
  let c = compiled.get(pattern);
  if (c) return c;
  c = { pattern, tokens: tokenize(pattern), usesDate: false, usesTime: false, usesZone: false };
  scan(c.tokens, c);
  if (compiled.size > 1000) compiled.clear();
  compiled.set(pattern, c);
  return c;
}
