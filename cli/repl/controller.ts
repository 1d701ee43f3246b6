// What the REPL does with each entry the user makes, independent of how it is drawn:
// whether a (multi-line) entry is whole, local commands, history, running statements
// through the Session with cancellation, the connection state and leaving.

import { ConnectionError, KsqlClient } from '../client.js';
import { Session } from '../session.js';
import { ConnectionMonitor } from './connection-monitor.js';
import { CatchUpWatcher } from './catch-up-watcher.js';
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
  /** The live progress line of the running statement; null removes it. */
  progress(line: string | null): void;
  /** The connection state line (shown under the prompt); null when connected. */
  connection(state: string | null): void;
  /** The status of background work (a new query catching up), shown under the prompt; null for none. */
  status?(line: string | null): void;
}

export interface ReplHost {
  /** Other CLI clients using the in-process server this REPL hosts. */
  otherClients(): number;
}

export const PROMPT = 'eddy> ';
export const CONTINUATION = '    > ';

export class ReplController {
  private running: AbortController | null = null;
  private exitWarned = false;
  readonly session: Session;
  readonly monitor: ConnectionMonitor;
  readonly catchUp: CatchUpWatcher;

  constructor(
    client: KsqlClient,
    private readonly io: ReplIO,
    readonly history: History,
    terminalWidth: () => number,
    private readonly host?: ReplHost,
  ) {
    this.session = new Session(
      client,
      {
        print: (lines) => io.print(lines),
        error: (lines) => io.print(lines, 'error'),
        progress: (line) => io.progress(line),
        queryStarted: (queryId) => this.catchUp.watch(queryId),
      },
      terminalWidth,
    );
    this.catchUp = new CatchUpWatcher(() => this.session.client, {
      status: (line) => io.status?.(line),
      done: (line) => io.print([line], 'info'),
    });
    this.monitor = new ConnectionMonitor(() => this.session.client, {
      lost: (url, reason) => {
        io.print([`Lost the connection to the server at ${url}: ${reason.split('\n')[0]}`, 'Reconnecting… (statements fail until the server is back)'], 'error');
        io.connection(`Reconnecting to ${url}…`);
      },
      restored: (url) => {
        io.print([`Reconnected to the server at ${url}.`], 'info');
        io.connection(null);
      },
    });
  }

  /**
   * Leaves the REPL, unless it hosts the server of other connected clients: then the first
   * request only warns.
   */
  requestExit(): void {
    const others = this.host?.otherClients() ?? 0;
    if (others > 0 && !this.exitWarned) {
      this.exitWarned = true;
      this.io.print(
        [
          `WARNING: ${others} other client${others === 1 ? ' is' : 's are'} connected to the Eddy server running in this REPL;`,
          'it stops when you exit. Type exit (or Ctrl-D) again to leave anyway.',
        ],
        'error',
      );
      return;
    }
    this.io.exit();
  }

  /** Whether `text` is a whole entry (a local command or complete statements) rather than the start of one. */
  isComplete(text: string): boolean {
    if (text.trim() === '') return true;
    if (!text.includes('\n') && parseLocalCommand(text)) return true;
    return !hasOpenQuote(text) && splitStatementTexts(text).rest === '';
  }

  /** Runs a whole entry typed in the editor (see isComplete). */
  async submitText(text: string): Promise<void> {
    if (text.trim() === '') return;
    const command = text.includes('\n') ? null : parseLocalCommand(text);
    this.history.add(text);
    if (command) return this.runLocal(command);
    const { statements, rest } = splitStatementTexts(text);
    if (rest.trim() !== '') statements.push(rest);
    if (statements.length === 0) return;
    await this.run((signal) => this.session.runStatements(statements, signal));
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Cancels the running statement or query; false when nothing runs. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  private async run(work: (signal: AbortSignal) => Promise<boolean>): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    this.io.busy(true);
    try {
      await work(controller.signal);
      if (this.session.lastFailure instanceof ConnectionError) this.monitor.reportLost(this.session.lastFailure.message);
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
        this.requestExit();
        return;
      case 'toggle-vertical':
        this.io.print([this.session.setOutput(this.session.vertical ? 'TABULAR' : 'VERTICAL')!]);
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
          this.io.print([`Output format: ${this.session.format === 'TABULAR' && this.session.vertical ? 'VERTICAL' : this.session.format}`]);
          return;
        }
        const message = this.session.setOutput(command.format);
        if (message === null) this.io.print([`Unknown output format '${command.format}': use TABULAR, VERTICAL or JSON`], 'error');
        else this.io.print([message]);
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
