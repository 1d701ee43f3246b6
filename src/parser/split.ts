// Splitting a request into statements on `;`, ignoring semicolons inside strings, quoted
// identifiers and comments.

import type { Loc } from './ast.js';

export interface StatementText {
  /** The statement from its first token up to and including its `;` (if any). */
  text: string;
  /** Where the statement's first token is in the request. */
  loc: Loc;
}

/**
 * Splits `text` into statements. Leading whitespace and comments before a statement are
 * dropped; a trailing fragment without `;` is returned as a statement when it holds
 * anything besides whitespace and comments.
 */
export function splitStatements(text: string, baseLoc?: Loc): StatementText[] {
  const out: StatementText[] = [];
  let start = -1; // offset of the current statement's first significant character
  let i = 0;
  const n = text.length;
  // Line/column tracking without rescanning.
  let line = 1;
  let lineStart = 0;
  let startLine = 1;
  let startLineStart = 0;

  const markStart = () => {
    if (start < 0) {
      start = i;
      startLine = line;
      startLineStart = lineStart;
    }
  };
  const emit = (end: number) => {
    if (start >= 0) {
      const loc: Loc = { line: startLine, column: start - startLineStart + 1, offset: start };
      out.push({ text: text.slice(start, end), loc: baseLoc ? rebase(loc, baseLoc) : loc });
    }
    start = -1;
  };
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      newline(i);
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let j = i; j < stop; j++) {
        if (text[j] === '\n' || (text[j] === '\r' && text[j + 1] !== '\n')) newline(j);
      }
      i = stop;
      continue;
    }
    markStart();
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < n) {
        const d = text[i]!;
        if (d === '\n' || (d === '\r' && text[i + 1] !== '\n')) newline(i);
        if (d === c) {
          if (text[i + 1] === c) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (c === ';') {
      i++;
      emit(i);
      continue;
    }
    i++;
  }
  emit(n);
  // A trailing fragment may end in whitespace: trim it.
  const last = out[out.length - 1];
  if (last && !last.text.endsWith(';')) last.text = last.text.replace(/\s+$/, '');
  return out;
}

function rebase(loc: Loc, base: Loc): Loc {
  return {
    line: base.line + loc.line - 1,
    column: loc.line === 1 ? base.column + loc.column - 1 : loc.column,
    offset: base.offset + loc.offset,
  };
}

/** Upper-cased first word of a statement, e.g. SELECT, PRINT, CREATE (leading comments skipped). */
export function leadingKeyword(statement: string): string {
  const first = splitStatements(statement)[0]?.text ?? '';
  const m = /^\s*\(*\s*([A-Za-z_]+)/.exec(first);
  return m ? m[1]!.toUpperCase() : '';
}

/** SELECT and PRINT are queries that stream results: they belong to /query, not /ksql. */
export function isQueryStatement(statement: string): boolean {
  const kw = leadingKeyword(statement);
  return kw === 'SELECT' || kw === 'PRINT';
}
