// Lexical handling of request text that must happen before (or without) a full parse:
// splitting on `;` outside quotes, stripping comments, and finding a statement's first
// keyword. Used by the server to route SELECT/PRINT and by the REPL to know when the
// user has finished typing a statement.

export interface SplitResult {
  /** Complete statements, comments removed, trimmed, each ending with `;`. */
  statements: string[];
  /** Text after the last `;` (comments removed, trimmed); empty when nothing is pending. */
  rest: string;
}

/** Splits on `;` outside '…' strings, `…` and "…" identifiers; drops -- and /* *\/ comments. */
export function splitStatementTexts(text: string): SplitResult {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "'" || c === '`' || c === '"') {
      const end = closingQuote(text, i, c);
      const stop = end < 0 ? n : end;
      current += text.slice(i, stop);
      i = stop;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      current += ' ';
    } else if (c === ';') {
      const stmt = current.trim();
      if (stmt.length > 0) statements.push(stmt + ';');
      current = '';
      i++;
    } else {
      current += c;
      i++;
    }
  }
  return { statements, rest: current.trim() };
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

/** Upper-cased first word of a statement (comments already removed), e.g. SELECT, PRINT, CREATE. */
export function leadingKeyword(statement: string): string {
  const m = /^\s*\(*\s*([A-Za-z_]+)/.exec(statement);
  return m ? m[1]!.toUpperCase() : '';
}

/** SELECT and PRINT are queries that stream results: they belong to /query, not /ksql. */
export function isQueryStatement(statement: string): boolean {
  const kw = leadingKeyword(statement);
  return kw === 'SELECT' || kw === 'PRINT';
}
