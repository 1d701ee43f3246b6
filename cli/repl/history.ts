// Input history of the REPL, kept in a file (one entry per line) across sessions.

import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAX_ENTRIES = 1000;

export function defaultHistoryFile(): string {
  return process.env.EDDY_HISTORY_FILE ?? join(homedir(), '.eddy_history');
}

export class History {
  readonly entries: string[];

  constructor(private readonly file: string | null) {
    this.entries = [];
    if (file) {
      try {
        this.entries.push(...readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-MAX_ENTRIES));
      } catch {
        // no history yet
      }
    }
  }

  /** Records one submitted entry (multi-line input is kept on one line). */
  add(entry: string): void {
    const line = entry.replace(/\s*\n\s*/g, ' ').trim();
    if (line === '' || this.entries.at(-1) === line) return;
    this.entries.push(line);
    if (this.file) {
      try {
        appendFileSync(this.file, line + '\n');
      } catch {
        // history is a convenience: an unwritable file must not break the session
      }
    }
  }
}
