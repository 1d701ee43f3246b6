// Runs a command under a real pseudo-terminal through util-linux `script` (Debian package
// bsdutils: `apt-get install bsdutils` when /usr/bin/script is missing), so terminal
// programs such as the Ink REPL can be typed at and read like a person would.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export function hasScriptTool(): boolean {
  return spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>()][0-9A-Za-z]?/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r/g, '');
}

export class PtySession {
  private readonly child: ChildProcess;
  private raw = '';
  readonly exited: Promise<number | null>;

  constructor(command: string, env: Record<string, string>, cwd: string, cols = 100, rows = 40) {
    const shellCommand = `stty cols ${cols} rows ${rows}; exec ${command}`;
    this.child = spawn('script', ['-qfec', shellCommand, '/dev/null'], {
      cwd,
      env: { ...process.env, TERM: 'xterm-256color', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.raw += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.raw += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Everything the program has shown so far, without escape sequences. */
  get text(): string {
    return stripAnsi(this.raw);
  }

  /**
   * The lines the program wrote from `from` (a mark of the text): cursor moves and line
   * erasures (how Ink redraws) also end a line, so redraws never glue lines together.
   */
  lines(fromRaw = 0): string[] {
    return stripAnsi(this.raw.slice(fromRaw).replace(/\x1b\[\d*[ABGKJ]/g, '\n')).split('\n');
  }

  /** The raw output (escape sequences included) from a rawMark(). */
  rawText(fromRaw = 0): string {
    return this.raw.slice(fromRaw);
  }

  /** Length of the raw output so far, for lines(). */
  rawMark(): number {
    return this.raw.length;
  }

  /** Length of the text so far; pass it to waitFor to look only at newer output. */
  mark(): number {
    return this.text.length;
  }

  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  async waitFor(pattern: RegExp, from = 0, timeoutMs = 15000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.text.slice(from);
      if (pattern.test(seen)) return seen;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern}; the terminal shows:\n${seen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
