// A CLI session: the client-side state (SET properties, DEFINE variables, output format)
// and the routing of statements: plain statements in batches to /ksql, SELECT and PRINT to
// /query with live output, SET/UNSET/DEFINE/UNDEFINE/SHOW VARIABLES/RUN SCRIPT locally.

import { readFileSync } from 'node:fs';
import { KsqlClient, ServerError, type Json } from './client.js';
import { renderEntity, renderError, errorLines } from './render/entities.js';
import { boxHeader, boxRow, boxRule, queryColumnWidths, renderDashedTable, withTableWidth } from './render/table.js';
import { isQueryStatement } from '../src/server/statement-text.js';
import { splitStatements } from '../src/parser/split.js';
import type { Loc } from '../src/parser/ast.js';

export type OutputFormat = 'TABULAR' | 'JSON';

export interface Output {
  /** Finished lines of output. */
  print(lines: string[]): void;
  /** Lines that report a failure. */
  error(lines: string[]): void;
}

const SET_RE = /^SET\s+'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'\s*;$/is;
const UNSET_RE = /^UNSET\s+'((?:[^']|'')*)'\s*;$/is;
const DEFINE_RE = /^DEFINE\s+([A-Za-z_]\w*)\s*=\s*'((?:[^']|'')*)'\s*;$/is;
const UNDEFINE_RE = /^UNDEFINE\s+([A-Za-z_]\w*)\s*;$/is;
const SHOW_VARIABLES_RE = /^(SHOW|LIST)\s+VARIABLES\s*;$/is;
const RUN_SCRIPT_RE = /^RUN\s+SCRIPT\s+'((?:[^']|'')*)'\s*;$/is;

const unquote = (s: string) => s.replace(/''/g, "'");

/** A statement of a script and where it starts in it, so errors point at the script's line. */
interface ScriptStatement {
  text: string;
  loc?: Loc;
}

/**
 * The text to send for consecutive statements of one script: the script's own text between
 * them, preceded by blank lines and spaces up to where the first starts, so the server's
 * "line L:C" is the script's line and column.
 */
function positionedText(statements: ScriptStatement[], script: string | undefined): string {
  const first = statements[0]!;
  const last = statements[statements.length - 1]!;
  if (script === undefined || !first.loc || !last.loc) return statements.map((s) => s.text).join('\n');
  let text = script.slice(first.loc.offset, last.loc.offset + last.text.length);
  if (!text.trimEnd().endsWith(';')) text = text.trimEnd() + ';';
  return '\n'.repeat(first.loc.line - 1) + ' '.repeat(first.loc.column - 1) + text;
}

export class Session {
  properties: Json = {};
  variables: Record<string, string> = {};
  format: OutputFormat = 'TABULAR';
  /** --continue-on-error: run every statement of a script, reporting each failure; false at the end if any failed. */
  continueOnError = false;

  constructor(
    public client: KsqlClient,
    private readonly out: Output,
    private readonly terminalWidth: () => number = () => 120,
  ) {}

  /** Runs every statement of `text`; stops at the first error (unless continueOnError) and returns false. */
  async runText(text: string, signal?: AbortSignal): Promise<boolean> {
    const statements = splitStatements(text).map((s) => ({ text: s.text.endsWith(';') ? s.text : s.text + ';', loc: s.loc }));
    return this.run(statements, text, signal);
  }

  async runStatements(statements: string[], signal?: AbortSignal): Promise<boolean> {
    return this.run(
      statements.map((text) => ({ text })),
      undefined,
      signal,
    );
  }

  private async run(statements: ScriptStatement[], script: string | undefined, signal?: AbortSignal): Promise<boolean> {
    let batch: ScriptStatement[] = [];
    let failures = 0;
    const outcome = (ok: boolean): boolean => {
      if (!ok) failures++;
      return ok || this.continueOnError;
    };
    const flush = async (): Promise<boolean> => {
      if (batch.length === 0) return true;
      const sql = positionedText(batch, script);
      const locs = batch.map((b) => b.loc);
      batch = [];
      return outcome(await this.sendBatch(sql, locs));
    };
    for (const stmt of statements) {
      if (signal?.aborted) return false;
      const local = this.localStatement(stmt.text);
      if (local !== null) {
        if (!(await flush())) return false;
        if (!outcome(await local())) return false;
      } else if (isQueryStatement(stmt.text)) {
        if (!(await flush())) return false;
        if (!outcome(await this.runQuery(positionedText([stmt], script), signal))) return false;
      } else {
        batch.push(stmt);
        // Statement by statement when going on after errors: a failed batch would hide which ran.
        if (this.continueOnError && !(await flush())) return false;
      }
    }
    if (!(await flush())) return false;
    if (failures > 0 && this.continueOnError) this.out.error([`${failures} of ${statements.length} statements failed.`]);
    return failures === 0;
  }

  /** The handler of a statement the CLI executes itself, or null. */
  private localStatement(stmt: string): (() => Promise<boolean>) | null {
    let m: RegExpExecArray | null;
    if ((m = SET_RE.exec(stmt))) {
      const [name, value] = [unquote(m[1]!), unquote(m[2]!)];
      return async () => {
        const old = this.properties[name];
        this.properties[name] = value;
        this.out.print([
          old === undefined
            ? `Successfully changed local property '${name}' to '${value}'.`
            : `Successfully changed local property '${name}' from '${String(old)}' to '${value}'.`,
        ]);
        return true;
      };
    }
    if ((m = UNSET_RE.exec(stmt))) {
      const name = unquote(m[1]!);
      return async () => {
        if (!(name in this.properties)) {
          this.out.error([`Property '${name}' was not set locally.`]);
          return false;
        }
        const old = this.properties[name];
        delete this.properties[name];
        this.out.print([`Successfully unset local property '${name}' (value was '${String(old)}').`]);
        return true;
      };
    }
    if ((m = DEFINE_RE.exec(stmt))) {
      const [name, value] = [m[1]!, unquote(m[2]!)];
      return async () => {
        for (const k of Object.keys(this.variables)) if (k.toLowerCase() === name.toLowerCase()) delete this.variables[k];
        this.variables[name] = value;
        return true;
      };
    }
    if ((m = UNDEFINE_RE.exec(stmt))) {
      const name = m[1]!;
      return async () => {
        const key = Object.keys(this.variables).find((k) => k.toLowerCase() === name.toLowerCase());
        if (key === undefined) this.out.print([`WARNING: Cannot undefine variable '${name}' which was never defined`]);
        else delete this.variables[key];
        return true;
      };
    }
    if (SHOW_VARIABLES_RE.test(stmt)) {
      return async () => {
        this.out.print(renderDashedTable(['Variable Name', 'Value'], Object.entries(this.variables)));
        return true;
      };
    }
    if ((m = RUN_SCRIPT_RE.exec(stmt))) {
      const path = unquote(m[1]!);
      return async () => this.runScript(path);
    }
    return null;
  }

  async runScript(path: string, signal?: AbortSignal): Promise<boolean> {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      this.out.error([`Cannot read script '${path}': ${(err as Error).message}`]);
      return false;
    }
    return this.runText(text, signal);
  }

  private reportFailure(err: unknown, loc?: Loc): false {
    const lines = err instanceof ServerError ? renderError(err.body, err.message) : errorLines((err as Error).message ?? String(err));
    // A message without a position (e.g. "already exists") gets the statement's own.
    if (loc && !/\bline:? \d+/i.test(lines.join('\n'))) lines[0] = `line ${loc.line}:${loc.column}: ${lines[0]}`;
    this.out.error(lines);
    return false;
  }

  /** `locs`: where each statement of the batch starts, to place a failure without a position. */
  private async sendBatch(sql: string, locs: (Loc | undefined)[] = []): Promise<boolean> {
    let entities: Json[];
    try {
      entities = await this.client.ksql(sql, this.properties, this.variables);
    } catch (err) {
      if (err instanceof ServerError && err.body && Array.isArray(err.body.entities)) {
        this.printEntities(err.body.entities as Json[]);
      }
      // The server answers with the entities of the statements that ran before the failing one.
      const done = err instanceof ServerError && Array.isArray(err.body?.entities) ? (err.body.entities as Json[]).length : locs.length === 1 ? 0 : -1;
      return this.reportFailure(err, done >= 0 ? locs[done] : undefined);
    }
    this.printEntities(entities);
    const failed = entities.find((e) => (e.commandStatus as Json | undefined)?.status === 'ERROR');
    return failed === undefined;
  }

  private printEntities(entities: Json[]): void {
    for (const e of entities) {
      this.out.print(this.format === 'JSON' ? JSON.stringify(e, null, 2).split('\n') : withTableWidth(this.terminalWidth() - 1, () => renderEntity(e)));
    }
  }

  private async runQuery(stmt: string, signal?: AbortSignal): Promise<boolean> {
    let widths: number[] = [];
    let rows = 0;
    try {
      const final = await this.client.query(
        stmt,
        this.properties,
        this.variables,
        {
          onHeader: (h) => {
            widths = queryColumnWidths(h.columnNames, this.terminalWidth());
            if (this.format === 'TABULAR') this.out.print(boxHeader(h.columnNames, widths));
            else this.out.print([JSON.stringify({ header: { queryId: h.queryId, schema: h.schema } })]);
          },
          onRow: (columns, tombstone) => {
            rows++;
            if (this.format === 'JSON') this.out.print([JSON.stringify({ row: { columns, ...(tombstone ? { tombstone } : {}) } })]);
            else this.out.print(boxRow(tombstone ? columns.map((c) => (c === null ? '<TOMBSTONE>' : c)) : columns, widths));
          },
          onLine: (line) => this.out.print([line]),
          onError: (message) => this.out.error(errorLines(message)),
        },
        signal,
      );
      if (this.format === 'TABULAR' && widths.length > 0 && rows > 0) this.out.print([boxRule(widths)]);
      if (final === undefined) this.out.print(['Query terminated']);
      else if (final === 'Limit Reached') this.out.print(['Limit Reached', 'Query terminated']);
      else if (final !== 'Query Completed') this.out.print([final]);
      return true;
    } catch (err) {
      if (signal?.aborted) {
        this.out.print(['Query terminated']);
        return true;
      }
      return this.reportFailure(err);
    }
  }
}
