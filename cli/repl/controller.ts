// What the REPL does with each line the user enters, independent of how it is drawn:
// multi-line statement assembly, local commands, history, and running statements through
// the Session with cancellation.

import { KsqlClient } from '../client.js';
import { Session, type OutputFormat } from '../session.js';
import { hasOpenQuote, splitStatementTexts } from '../../src/server/statement-text.js';
import { History } from './history.js';
import { HELP_TEXT, parseLocalCommand } from './local-commands.js';
import { eddyVersion } from '../version.js';

export type Tone = 'normal' | 'error' | 'info';

export interface ReplIO {
  print(lines: string[], tone?: Tone): void;
  clear(): void;
  exit(): void;
  /** Called when a statement starts or stops running, so the view can show or hide the prompt. */
  busy(running: boolean): void;
}

export const PROMPT = 'eddy> ';
export const CONTINUATION = '    > ';

export class ReplController {
  private pending: string[] = [];
  private running: AbortController | null = null;
  readonly session: Session;

  constructor(
    client: KsqlClient,
    private readonly io: ReplIO,
    readonly history: History,
    terminalWidth: () => number,
  ) {
    this.session = new Session(
      client,
      { print: (lines) => io.print(lines), error: (lines) => io.print(lines, 'error') },
      terminalWidth,
    );
  }

  get prompt(): string {
    return this.pending.length === 0 ? PROMPT : CONTINUATION;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  get hasPendingInput(): boolean {
    return this.pending.length > 0;
  }

  /** Drops a partly typed multi-line statement. */
  discardPending(): void {
    this.pending = [];
  }

  /** Cancels the running statement or query; false when nothing runs. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  /** Handles one entered line. Resolves when whatever it started has finished. */
  async submitLine(line: string): Promise<void> {
    if (this.pending.length === 0) {
      if (line.trim() === '') return;
      const command = parseLocalCommand(line);
      if (command) {
        this.history.add(line);
        await this.runLocal(command);
        return;
      }
    }
    this.pending.push(line);
    const text = this.pending.join('\n');
    const { statements, rest } = splitStatementTexts(text);
    if (hasOpenQuote(text) || rest !== '') return; // the statement goes on on the next line
    this.pending = [];
    this.history.add(text);
    if (statements.length === 0) return;
    await this.run((signal) => this.session.runStatements(statements, signal));
  }

  private async run(work: (signal: AbortSignal) => Promise<boolean>): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    this.io.busy(true);
    try {
      await work(controller.signal);
    } catch (err) {
      this.io.print([(err as Error).message], 'error');
    } finally {
      this.running = null;
      this.io.busy(false);
    }
  }

  private async runLocal(command: NonNullable<ReturnType<typeof parseLocalCommand>>): Promise<void> {
    switch (command.name) {
      case 'help':
        this.io.print(HELP_TEXT.split('\n'));
        return;
      case 'exit':
        this.io.exit();
        return;
      case 'clear':
        this.io.clear();
        return;
      case 'history':
        this.io.print(this.history.entries.map((e, i) => `${String(i + 1).padStart(4)}  ${e}`));
        return;
      case 'version':
        this.io.print([`Version: ${eddyVersion()}`]);
        return;
      case 'output': {
        if (!command.format) {
          this.io.print([`Output format: ${this.session.format}`]);
          return;
        }
        const f = command.format.toUpperCase();
        if (f !== 'JSON' && f !== 'TABULAR') {
          this.io.print([`Unknown output format '${command.format}': use JSON or TABULAR`], 'error');
          return;
        }
        this.session.format = f as OutputFormat;
        this.io.print([`Output format set to ${f}`]);
        return;
      }
      case 'server': {
        if (!command.url) {
          this.io.print([`Server: ${this.session.client.url}`]);
          return;
        }
        const client = new KsqlClient(command.url);
        try {
          const info = await client.info();
          this.session.client = client;
          this.io.print([`Server now: ${command.url}`, `Server Status: ${String(info.serverStatus ?? 'unknown')}`]);
        } catch (err) {
          this.io.print([`Not switching servers: ${(err as Error).message}`], 'error');
        }
        return;
      }
      case 'run-script':
        await this.run((signal) => this.session.runScript(command.path, signal));
        return;
    }
  }
}

/** The startup banner. */
export function bannerLines(url: string, serverVersion: string | undefined, status: string, embeddedNote?: string): string[] {
  const cli = eddyVersion();
  const lines = [
    '  ___    _     _       ',
    ' | __|__| |__| |_  _  ',
    " | _|/ _` / _` | || | ",
    ' |___\\__,_\\__,_|\\_, | ',
    '                |__/  streaming SQL',
    '',
    `CLI v${cli}, Server v${serverVersion ?? 'unknown'} located at ${url}`,
    `Server Status: ${status}`,
  ];
  if (embeddedNote) lines.push(embeddedNote);
  if (serverVersion && serverVersion !== cli) {
    lines.push(`WARNING: CLI and server version don't match. This may lead to unexpected errors.`);
  }
  lines.push(
    '',
    "Type 'help' for the commands and a first example, 'exit' or Ctrl-D to leave.",
    'Statements end with a semicolon; the README has a five-minute tutorial.',
    '',
  );
  return lines;
}
