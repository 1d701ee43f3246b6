// Lexical handling of request text that must happen before (or without) a full parse, for
// the server's routing of SELECT/PRINT and the REPL's knowing when the user has finished
// typing a statement. Splitting and first keywords are the parser's; this file only
// shapes them for those callers and finds unclosed quotes.

import { splitStatements } from '../parser/index.js';

export interface SplitResult {
  /** Complete statements, leading comments removed, trimmed, each ending with `;`. */
  statements: string[];
  /** Text after the last `;` (leading comments removed, trimmed); empty when nothing is pending. */
  rest: string;
}

/** The request's statements, split where the parser splits them (src/parser/split.ts). */
export function splitStatementTexts(text: string): SplitResult {
  const parts = splitStatements(text).map((p) => p.text.trim());
  const last = parts[parts.length - 1];
  const rest = last !== undefined && !last.endsWith(';') ? parts.pop()! : '';
  return { statements: parts, rest };
}

/** Index just past the quote that closes the one at `start` (doubled quotes escape); -1 if unclosed. */
function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return -1;
}

/** True when the text ends inside an unclosed quote or block comment. */
export function hasOpenQuote(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '`' || c === '"') {
      const end = closingQuote(text, i, c);
      if (end < 0) return true;
      i = end;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return false;
      i = nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return true;
      i = close + 2;
    } else i++;
  }
  return false;
}

export { isQueryStatement, leadingKeyword } from '../parser/index.js';
