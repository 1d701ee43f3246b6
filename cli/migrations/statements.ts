// Running one migration file like ksql-migrations: split into statements; refuse the
// statement kinds a migration may not hold; a first pass parses every statement (and keeps
// DEFINE/UNDEFINE, which later statements need) so a syntax error stops the file before
// anything runs; the second pass executes. SET/UNSET and DEFINE/UNDEFINE last for the file.

import { parseStatement, splitStatements } from '../../src/parser/index.js';
import { MigrationError } from './errors.js';
import type { Json, RestClient } from './rest.js';

const UNSUPPORTED = ['SELECT', 'DESCRIBE', 'EXPLAIN', 'PRINT', 'SHOW', 'LIST'];
const SET_RE = /^SET\s+'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'\s*;$/is;
const UNSET_RE = /^UNSET\s+'((?:[^']|'')*)'\s*;$/is;
const DEFINE_RE = /^DEFINE\s+([A-Za-z_]\w*)\s*=\s*'((?:[^']|'')*)'\s*;$/is;
const UNDEFINE_RE = /^UNDEFINE\s+([A-Za-z_]\w*)\s*;$/is;
const unquote = (s: string) => s.replace(/''/g, "'");

export interface FileStatement {
  text: string;
  line: number;
  column: number;
}

/** The statements of a file, each with where it starts; throws on refused kinds. */
export function statementsOf(content: string): FileStatement[] {
  const out: FileStatement[] = [];
  for (const s of splitStatements(content)) {
    if (!s.text.endsWith(';')) throw new MigrationError(`Unmatched command at end of file; missing semicolon: '${s.text}'`);
    const words = s.text.toUpperCase().split(/\s+/);
    if (UNSUPPORTED.includes(words[0]!)) throw new MigrationError(`'${words[0]}' statements are not supported.`);
    if (words[0] === 'RUN' && words[1] === 'SCRIPT') throw new MigrationError("'RUN SCRIPT' statements are not supported.");
    out.push({ text: s.text, line: s.loc.line, column: s.loc.column });
  }
  return out;
}

export interface RunOptions {
  client: RestClient;
  /** --define values: as if DEFINEd at the top of the file. */
  defines: Record<string, string>;
  /** Called once per statement sent to the server. */
  onStatement?: (stmt: FileStatement) => void;
}

export class StatementFailure extends MigrationError {}

/** Parses all, then executes all; a failure throws "Failed to parse|execute sql: …". */
export async function runStatements(statements: FileStatement[], options: RunOptions): Promise<void> {
  for (const validateOnly of [true, false]) {
    const variables: Record<string, string> = { ...options.defines };
    const properties: Json = {};
    for (const stmt of statements) {
      try {
        await runOne(stmt, variables, properties, validateOnly, options);
      } catch (err) {
        const action = validateOnly ? 'parse' : 'execute';
        throw new StatementFailure(`Failed to ${action} sql: ${stmt.text}. Error: ${(err as Error).message}`);
      }
    }
  }
}

async function runOne(stmt: FileStatement, variables: Record<string, string>, properties: Json, validateOnly: boolean, options: RunOptions): Promise<void> {
  let m: RegExpExecArray | null;
  if ((m = DEFINE_RE.exec(stmt.text))) {
    setVariable(variables, m[1]!, unquote(m[2]!));
    return;
  }
  if ((m = UNDEFINE_RE.exec(stmt.text))) {
    const key = Object.keys(variables).find((k) => k.toLowerCase() === m![1]!.toLowerCase());
    if (key !== undefined) delete variables[key];
    return;
  }
  if (validateOnly) {
    parseStatement(stmt.text, { variables, baseLoc: { line: stmt.line, column: stmt.column, offset: 0 } });
    return;
  }
  if ((m = SET_RE.exec(stmt.text))) {
    properties[unquote(m[1]!)] = unquote(m[2]!);
    return;
  }
  if ((m = UNSET_RE.exec(stmt.text))) {
    delete properties[unquote(m[1]!)];
    return;
  }
  options.onStatement?.(stmt);
  await options.client.executeStatement(stmt.text, { ...properties }, { ...variables });
}

function setVariable(variables: Record<string, string>, name: string, value: string): void {
  for (const k of Object.keys(variables)) if (k.toLowerCase() === name.toLowerCase()) delete variables[k];
  variables[name] = value;
}

/** `--define name=value` values (repeatable). */
export function parseDefines(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of values) {
    const eq = d.indexOf('=');
    if (eq <= 0) throw new MigrationError(`Failed to parse argument ${d}: variables must be defined as name=value`);
    setVariable(out, d.slice(0, eq), d.slice(eq + 1));
  }
  return out;
}
