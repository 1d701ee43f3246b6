// A CLI session: the client-side state (SET properties, DEFINE variables, output format)
// and the routing of statements: plain statements in batches to /ksql, SELECT and PRINT to
// /query with live output, SET/UNSET/DEFINE/UNDEFINE/SHOW VARIABLES/RUN SCRIPT locally.

import { readFileSync } from 'node:fs';
import { KsqlClient, ServerError, type Json } from './client.js';
import { renderEntity, renderError, errorLines } from './render/entities.js';
import { boxHeader, boxRow, boxRule, fitLines, queryColumnWidths, renderDashedTable, verticalRecord, withTableWidth } from './render/table.js';
import { progressText, type QueryProgress } from './render/progress.js';
import { isQueryStatement } from '../src/server/statement-text.js';
import { splitStatements } from '../src/parser/split.js';
import type { Loc } from '../src/parser/ast.js';

export type OutputFormat = 'TABULAR' | 'JSON';

export interface Output {
  /** Finished lines of output. */
  print(lines: string[]): void;
  /** Lines that report a failure. */
  error(lines: string[]): void;
  /** The live progress line of a long-running statement (replaced each time), null to remove it. */
  progress?(line: string | null): void;
  /** A statement started the persistent query `queryId` (CREATE … AS SELECT, INSERT INTO … SELECT). */
  queryStarted?(queryId: string): void;
}

const SET_RE = /^SET\s+'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'\s*;$/is;
const UNSET_RE = /^UNSET\s+'((?:[^']|'')*)'\s*;$/is;
const DEFINE_RE = /^DEFINE\s+([A-Za-z_]\w*)\s*=\s*'((?:[^']|'')*)'\s*;$/is;
const UNDEFINE_RE = /^UNDEFINE\s+([A-Za-z_]\w*)\s*;$/is;
const SHOW_VARIABLES_RE = /^(SHOW|LIST)\s+VARIABLES\s*;$/is;
const RUN_SCRIPT_RE = /^RUN\s+SCRIPT\s+'((?:[^']|'')*)'\s*;$/is;
const SET_CLI_OUTPUT_RE = /^SET\s+CLI\s+OUTPUT\s+(\w+)\s*;$/is;

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
  /** Rows as `column | value` blocks instead of tables (SET CLI OUTPUT VERTICAL, `\\x`). */
  vertical = false;
  /** The error of the last statement that failed, for the REPL's connection state. */
  lastFailure: unknown;

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
    this.lastFailure = undefined;
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
    if ((m = SET_CLI_OUTPUT_RE.exec(stmt))) {
      const mode = m[1]!.toUpperCase();
      return async () => {
        const message = this.setOutput(mode);
        if (message === null) {
          this.out.error([`Unknown output mode '${m![1]}': use TABULAR, VERTICAL or JSON.`]);
          return false;
        }
        this.say(message);
        return true;
      };
    }
    if ((m = SET_RE.exec(stmt))) {
      const [name, value] = [unquote(m[1]!), unquote(m[2]!)];
      return async () => {
        const old = this.properties[name];
        this.properties[name] = value;
        this.say(
          old === undefined
            ? `Successfully changed local property '${name}' to '${value}'.`
            : `Successfully changed local property '${name}' from '${String(old)}' to '${value}'.`,
        );
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
        this.say(`Successfully unset local property '${name}' (value was '${String(old)}').`);
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
        if (key === undefined) this.say(`WARNING: Cannot undefine variable '${name}' which was never defined`);
        else delete this.variables[key];
        return true;
      };
    }
    if (SHOW_VARIABLES_RE.test(stmt)) {
      return async () => {
        if (this.format === 'JSON') {
          this.out.print([JSON.stringify({ '@type': 'variables', variables: Object.entries(this.variables).map(([name, value]) => ({ name, value })) })]);
        } else this.out.print(this.tabular(() => renderDashedTable(['Variable Name', 'Value'], Object.entries(this.variables))));
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

  /** Switches the output mode; the message to show, or null for an unknown mode. */
  setOutput(mode: string): string | null {
    switch (mode.toUpperCase()) {
      case 'TABULAR':
        this.format = 'TABULAR';
        this.vertical = false;
        return 'Output format set to TABULAR';
      case 'VERTICAL':
        this.format = 'TABULAR';
        this.vertical = true;
        return 'Output format set to VERTICAL (one column per line)';
      case 'JSON':
        this.format = 'JSON';
        return 'Output format set to JSON';
      default:
        return null;
    }
  }

  /** A message of the CLI itself: a text line, or a JSON object in JSON mode. */
  private say(message: string): void {
    this.out.print([this.format === 'JSON' ? JSON.stringify({ '@type': 'cli_message', message }) : message]);
  }

  private tabular(render: () => string[]): string[] {
    return fitLines(withTableWidth(this.terminalWidth() - 1, render, this.vertical), this.terminalWidth() - 1);
  }

  private reportFailure(err: unknown, loc?: Loc): false {
    this.lastFailure = err;
    const lines = err instanceof ServerError ? renderError(err.body, err.message) : errorLines((err as Error).message ?? String(err));
    // A message without a position (e.g. "already exists") gets the statement's own.
    if (loc && !/\bline:? \d+/i.test(lines.join('\n'))) lines[0] = `line ${loc.line}:${loc.column}: ${lines[0]}`;
    if (this.format === 'JSON') {
      const body = err instanceof ServerError && err.body ? err.body : { '@type': 'cli_error', message: lines.join('\n') };
      this.out.error([JSON.stringify(body)]);
    } else this.out.error(lines);
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
      this.out.print(this.format === 'JSON' ? [JSON.stringify(e)] : this.tabular(() => renderEntity(e)));
      const queryId = (e.commandStatus as Json | undefined)?.queryId;
      if (typeof queryId === 'string' && queryId) this.out.queryStarted?.(queryId);
    }
  }

  private async runQuery(stmt: string, signal?: AbortSignal): Promise<boolean> {
    const json = this.format === 'JSON';
    const width = this.terminalWidth() - 1;
    let columnNames: string[] = [];
    let widths: number[] | null = null;
    let rows = 0;
    let progressShown = false;
    const clearProgress = () => {
      if (progressShown) this.out.progress?.(null);
      progressShown = false;
    };
    try {
      const final = await this.client.query(
        stmt,
        this.properties,
        this.variables,
        {
          onHeader: (h) => {
            columnNames = h.columnNames;
            widths = this.vertical ? null : queryColumnWidths(h.columnNames, width);
            if (json) this.out.print([JSON.stringify({ header: { queryId: h.queryId, schema: h.schema } })]);
            else if (widths) this.out.print(boxHeader(h.columnNames, widths));
          },
          onRow: (columns, tombstone) => {
            clearProgress();
            rows++;
            if (json) {
              this.out.print([JSON.stringify({ row: { columns, ...(tombstone ? { tombstone } : {}) } })]);
              return;
            }
            const shown = tombstone ? columns.map((c) => (c === null ? '<TOMBSTONE>' : c)) : columns;
            this.out.print(widths ? boxRow(shown, widths) : verticalRecord(columnNames, shown, rows, width, 4));
          },
          onLine: (line) => {
            clearProgress();
            this.out.print([json ? JSON.stringify({ line }) : line]);
          },
          onError: (message) => {
            clearProgress();
            this.out.error(json ? [JSON.stringify({ '@type': 'generic_error', message })] : errorLines(message));
          },
          onProgress: (p: QueryProgress) => {
            if (!this.out.progress || json || rows > 0) return;
            progressShown = true;
            this.out.progress(progressText(p));
          },
        },
        signal,
      );
      clearProgress();
      if (!json && widths && rows > 0) this.out.print([boxRule(widths)]);
      if (final === undefined) this.say('Query terminated');
      else if (json) this.out.print([JSON.stringify({ finalMessage: final })]);
      else if (final === 'Limit Reached') this.out.print(['Limit Reached', 'Query terminated']);
      else if (final !== 'Query Completed') this.out.print([final]);
      return true;
    } catch (err) {
      clearProgress();
      if (signal?.aborted) {
        this.say('Query terminated');
        return true;
      }
      return this.reportFailure(err);
    }
  }
}
