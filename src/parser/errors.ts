// Errors raised while turning SQL text into an AST. Positions are 1-based and refer to the
// whole request text (not to the single statement).

import type { Loc } from './ast.js';
import { EddyError, KsqlError } from '../common/errors.js';

const PREPARE_FAILED = 'Failed to prepare statement: ';

export class ParseError extends EddyError {
  override readonly kind = 'syntax';
  override name = 'ParseError';
  /** 1-based line of the offending token in the request text. */
  readonly line: number;
  /** 1-based column of the offending token. */
  readonly column: number;
  /** The offending token's text ('<EOF>' at the end of input); empty for non-syntax errors. */
  readonly token: string;
  /** What the grammar would have accepted there, in ANTLR display style ('FROM', ',', IDENTIFIER). */
  readonly expected: string[];
  /** The message without the position prefix, e.g. "Invalid numeric literal: 99999999999999999999". */
  readonly detail: string;

  constructor(message: string, opts: { line: number; column: number; token?: string; expected?: string[]; detail?: string }) {
    super(message, { position: opts });
    this.line = opts.line;
    this.column = opts.column;
    this.token = opts.token ?? '';
    this.expected = opts.expected ?? [];
    this.detail = opts.detail ?? message;
  }

  /** A non-syntax error detected while parsing: `line L:C: <detail>`. */
  static at(loc: { line: number; column: number }, detail: string): ParseError {
    return new ParseError(`line ${loc.line}:${loc.column}: ${detail}`, { line: loc.line, column: loc.column, detail });
  }

  /**
   * A literal refused while the tree is built. ksqlDB wraps these as a failure to prepare the
   * statement, and reports them through a ParsingException made from the node's 1-based
   * column, which adds one again: `line 2:40` for a literal at column 39.
   */
  static atNode(loc: { line: number; column: number }, detail: string): ParseError {
    const column = loc.column + 1;
    return new ParseError(`${PREPARE_FAILED}line ${loc.line}:${column}: ${detail}`, { line: loc.line, column, detail });
  }

  /** A clause refused while the tree is built, without a position in the text (as ksqlDB words it). */
  static preparing(loc: { line: number; column: number }, detail: string): ParseError {
    return new ParseError(`${PREPARE_FAILED}${detail}`, { line: loc.line, column: loc.column, detail });
  }

  /**
   * A syntax error, worded like ksqlDB's so that tools matching on its messages keep working:
   *   line 2:15: Syntax Error
   *   Expecting {'FROM'}            (or: missing ')' at ',' / Unknown statement 'X')
   *   Statement: <statement text>
   *   Syntax error at or near 'FORM' at line 2:15
   */
  static syntax(opts: { line: number; column: number; token: string; expected: string[]; reason: string; statement?: string }): ParseError {
    const lines = [`line ${opts.line}:${opts.column}: Syntax Error`];
    if (opts.reason || opts.statement !== undefined) lines.push(opts.reason);
    if (opts.statement !== undefined) lines.push(`Statement: ${opts.statement}`);
    lines.push(`Syntax error at or near '${opts.token}' at line ${opts.line}:${opts.column}`);
    return new ParseError(lines.join('\n'), {
      line: opts.line,
      column: opts.column,
      token: opts.token,
      expected: opts.expected,
      detail: opts.reason || `Syntax error at or near '${opts.token}'`,
    });
  }
}

/** `${name}` refers to a variable that is not defined (or is malformed). */
export class SubstitutionError extends EddyError {
  override readonly kind = 'syntax';
  override name = 'SubstitutionError';
  readonly variable: string;
  readonly line: number;
  readonly column: number;

  constructor(message: string, variable: string, loc: { line: number; column: number }) {
    super(message, { position: loc });
    this.variable = variable;
    this.line = loc.line;
    this.column = loc.column;
  }
}

/** Line/column/offset of `offset` within `text`, relative to `base` (where `text` starts). */
export function locAt(text: string, offset: number, base?: Loc): Loc {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13 && text.charCodeAt(i + 1) !== 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = offset - lineStart + 1;
  if (!base) return { line, column, offset };
  return {
    line: base.line + line - 1,
    column: line === 1 ? base.column + column - 1 : column,
    offset: base.offset + offset,
  };
}

/**
 * A WITH clause ksqlDB refuses while it builds the statement's properties, which it reports
 * as a failure to parse the statement (e.g. a bad WINDOW_SIZE).
 */
export class WithClauseError extends KsqlError {
  override readonly kind = 'syntax';
  override name = 'WithClauseParseError';
}
