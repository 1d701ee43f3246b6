// Splitting and parsing a request one statement at a time, so DEFINE/UNDEFINE earlier in
// the request apply to the statements after it.

import type { Statement } from '../parser/ast.js';
import { parseStatement, splitStatements } from '../parser/index.js';

export interface ParsedPart {
  text: string;
  statement?: Statement;
  error?: Error;
}

/**
 * Yields each statement of `sql` parsed with the variables current at that point
 * (`variables()` is read per statement; undefined disables substitution).
 */
export function* parseRequest(sql: string, variables: () => Record<string, string> | undefined): Generator<ParsedPart> {
  let parts;
  try {
    parts = splitStatements(sql);
  } catch (e) {
    yield { text: sql, error: e as Error };
    return;
  }
  for (const part of parts) {
    const vars = variables();
    try {
      const statement = parseStatement(part.text, { baseLoc: part.loc, ...(vars ? { variables: vars } : {}) });
      yield { text: statement.text, statement };
    } catch (e) {
      yield { text: part.text.trim(), error: e as Error };
      return;
    }
  }
}

/** Parses a request that must hold exactly one statement. */
export function parseSingle(sql: string, variables?: Record<string, string>): Statement {
  const parts = splitStatements(sql);
  if (parts.length !== 1) {
    throw new Error(parts.length === 0 ? 'No statement found' : `Expected exactly one statement, found ${parts.length}`);
  }
  const part = parts[0]!;
  return parseStatement(part.text, { baseLoc: part.loc, ...(variables ? { variables } : {}) });
}
