// Public API of the SQL parser: split a request into statements, substitute variables,
// and parse statements, expressions, types and schema strings into the AST of ./ast.ts.

import type { IRecognitionException, IToken } from 'chevrotain';
import { EOF } from './chevrotain.js';
import type { AstType, Expression, Loc, Statement, TableElement } from './ast.js';
import { ParseError, SubstitutionError, locAt } from './errors.js';
import { SqlParser, type EncodedSyntaxError, type StatementBody } from './grammar.js';
import { sqlLexer } from './lexer.js';
import { splitStatements } from './split.js';
import { substituteVariables } from './substitute.js';

export * from './ast.js';
export { ParseError, SubstitutionError } from './errors.js';
export { splitStatements, leadingKeyword, isQueryStatement, type StatementText } from './split.js';
export { substituteVariables } from './substitute.js';
export { formatExpression, formatType, formatIdentifier, formatTableElements } from './format.js';

export interface ParseOptions {
  /**
   * Variables for `${name}` substitution (names case-insensitive). When absent, no
   * substitution happens at all (as with ksql.variable.substitution.enable=false).
   */
  variables?: Record<string, string>;
  /** Where `text` starts in the whole request, for error positions and node locations. */
  baseLoc?: Loc;
  /** Accept the test tool's ASSERT VALUES / ASSERT NULL VALUES / ASSERT STREAM|TABLE statements. */
  testStatements?: boolean;
}

const START: Loc = { line: 1, column: 1, offset: 0 };

// Built once: chevrotain's grammar analysis is the expensive part.
const parser = new SqlParser();

type EntryRule = 'singleStatement' | 'singleExpression' | 'singleType' | 'tableElementList';

function run<R>(rule: EntryRule, text: string, base: Loc, statementText?: string, testStatements = false): R {
  const lexed = sqlLexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0]!;
    const loc = locAt(text, e.offset, base);
    const ch = text.substr(e.offset, Math.max(1, Math.min(e.length, 1)));
    throw ParseError.syntax({
      line: loc.line,
      column: loc.column,
      token: ch,
      expected: [],
      reason: ch === "'" ? 'Unterminated string literal' : `token recognition error at: '${ch}'`,
      ...(statementText !== undefined ? { statement: statementText } : {}),
    });
  }
  if (lexed.tokens.length === 0 && rule === 'singleStatement') {
    const loc = locAt(text, text.length, base);
    throw ParseError.syntax({ line: loc.line, column: loc.column, token: '<EOF>', expected: [], reason: 'No statement found' });
  }
  parser.base = base;
  parser.testStatements = testStatements;
  parser.structAllBase = undefined;
  parser.structAllLoc = undefined;
  parser.input = lexed.tokens;
  const result = (parser[rule] as () => R)();
  if (parser.errors.length > 0) {
    throw toParseError(parser.errors[0]!, text, base, statementText);
  }
  const structAllLoc = parser.structAllLoc as Loc | undefined;
  if (structAllLoc) {
    const loc = structAllLoc;
    throw ParseError.syntax({
      line: loc.line,
      column: loc.column,
      token: '*',
      expected: ['IDENTIFIER'],
      reason: "'->*' is only allowed as a whole select item",
      ...(statementText !== undefined ? { statement: statementText } : {}),
    });
  }
  return result;
}

function toParseError(err: IRecognitionException, text: string, base: Loc, statementText?: string): ParseError {
  let info: EncodedSyntaxError;
  try {
    info = JSON.parse(err.message) as EncodedSyntaxError;
  } catch {
    info = { kind: 'mismatch', expected: [], rule: '' };
  }
  const tok: IToken = err.token;
  const atEof = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
  const loc = atEof ? locAt(text, text.replace(/\s+$/, '').length, base) : locAt(text, tok.startOffset, base);
  const near = atEof ? '<EOF>' : tok.image;
  let reason: string;
  if (info.kind === 'noViableAlt' && info.rule === 'statement' && !atEof) {
    reason = `Unknown statement '${near}'`;
  } else if (info.kind === 'notAllInput') {
    // ksqlDB reports no detail here ("line 1:24: Syntax Error\n\nStatement: ...").
    reason = '';
  } else {
    const exp = info.expected;
    reason = exp.length === 0 ? '' : `Expecting ${exp.length === 1 ? exp[0] : `{${exp.join(', ')}}`}`;
  }
  return ParseError.syntax({
    line: loc.line,
    column: loc.column,
    token: near,
    expected: info.expected,
    reason,
    ...(statementText !== undefined ? { statement: statementText } : {}),
  });
}

/** Attaches text and loc to a parsed statement body (and to a nested EXPLAIN statement). */
function finish(body: StatementBody, text: string, base: Loc): Statement {
  const lead = text.length - text.trimStart().length;
  const stmt = body as Statement;
  stmt.text = text.trim();
  stmt.loc = locAt(text, lead, base);
  if (stmt.kind === 'Explain' && stmt.statement) {
    const inner = stmt.statement as Statement & { innerOffset?: number };
    const off = inner.innerOffset ?? 0;
    delete inner.innerOffset;
    inner.text = text.slice(off).trim();
    inner.loc = locAt(text, off, base);
  }
  return stmt;
}

/**
 * Parses exactly one statement (a trailing `;` is optional). `${var}` references are
 * substituted first when `options.variables` is given.
 */
export function parseStatement(text: string, options?: ParseOptions): Statement {
  const base = options?.baseLoc ?? START;
  const substituted = options?.variables ? substituteVariables(text, options.variables, base) : text;
  const body = run<StatementBody>('singleStatement', substituted, base, substituted.trim(), options?.testStatements === true);
  return finish(body, substituted, base);
}

/**
 * Splits a request and parses every statement. DEFINE/UNDEFINE statements update the
 * variable map for the statements after them (the caller's map is not modified).
 */
export function parseStatements(text: string, options?: ParseOptions): Statement[] {
  const variables = options?.variables ? { ...options.variables } : undefined;
  const out: Statement[] = [];
  for (const part of splitStatements(text, options?.baseLoc)) {
    const stmt = parseStatement(part.text, {
      baseLoc: part.loc,
      ...(variables ? { variables } : {}),
      ...(options?.testStatements ? { testStatements: true } : {}),
    });
    if (variables) {
      if (stmt.kind === 'DefineVariable') variables[stmt.name] = stmt.value;
      else if (stmt.kind === 'UndefineVariable') delete variables[stmt.name];
    }
    out.push(stmt);
  }
  return out;
}

export function parseExpression(text: string, options?: ParseOptions): Expression {
  const base = options?.baseLoc ?? START;
  const substituted = options?.variables ? substituteVariables(text, options.variables, base) : text;
  return run<Expression>('singleExpression', substituted, base);
}

export function parseType(text: string): AstType {
  return run<AstType>('singleType', text, START);
}

/** A schema string such as "`K` STRING KEY, `V` INT, H BYTES HEADER('h')" (no parentheses). */
export function parseTableElements(text: string): TableElement[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return run<TableElement[]>('tableElementList', trimmed, START);
}

export type { StatementBody };
