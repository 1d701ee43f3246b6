// The README's five-minute tutorial, typed into the real REPL (`eddy` starting its embedded
// server) under a pseudo-terminal: every ```sql block of the tutorial in order, and the
// ```text block after it must appear in what the terminal shows, line for line.
// EDDY_TUTORIAL_RECORD=1 writes what each block showed to EDDY_TUTORIAL_RECORD_FILE (default
// $TMPDIR/eddy-tutorial-record.txt) instead of checking it, to paste into the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtySession, hasScriptTool } from './pty.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const recording = process.env.EDDY_TUTORIAL_RECORD === '1';
const recordFile = process.env.EDDY_TUTORIAL_RECORD_FILE ?? join(tmpdir(), 'eddy-tutorial-record.txt');
/** The terminal the README's output was captured on. */
const COLUMNS = 80;

interface TutorialStep {
  sql: string;
  expected: string[] | null;
}

/** The ```sql blocks under "## Five-minute tutorial", each with the ```text block after it. */
function tutorialSteps(readme: string): TutorialStep[] {
  const start = readme.indexOf('\n## Five-minute tutorial');
  assert.ok(start >= 0, 'README.md has a "## Five-minute tutorial" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
  const steps: TutorialStep[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'sql') return;
    const next = blocks[i + 1];
    steps.push({ sql: b.body, expected: next?.lang === 'text' ? outputLines(next.body) : null });
  });
  return steps;
}

/** Statements of a block as the lines a person types, each statement ending with `;`. */
function statementsOf(sql: string): string[][] {
  const statements: string[][] = [];
  let current: string[] = [];
  for (const line of sql.split('\n')) {
    if (line.trim() === '' && current.length === 0) continue;
    current.push(line);
    if (line.trimEnd().endsWith(';')) {
      statements.push(current);
      current = [];
    }
  }
  assert.deepEqual(current, [], `a statement in the tutorial does not end with ';':\n${sql}`);
  return statements;
}

/** What the REPL printed, without prompts, echoed input and the busy hint. */
function outputLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.startsWith('eddy>') && !l.startsWith('    >') && l !== 'Press Ctrl-C to interrupt');
}

function containsRun(lines: string[], run: string[]): boolean {
  for (let i = 0; i + run.length <= lines.length; i++) {
    if (run.every((l, j) => lines[i + j] === l)) return true;
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the REPL shows its prompt again and prints nothing more for a moment. */
async function settled(repl: PtySession, from: number, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let quietSince = Date.now();
  for (;;) {
    const seen = repl.text.slice(from);
    if (seen.length !== last) {
      last = seen.length;
      quietSince = Date.now();
    } else if (/(^|\n)eddy> *$/.test(seen.trimEnd() + ' ') && Date.now() - quietSince >= 300) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`The REPL did not come back to its prompt; it shows:\n${seen}`);
    await sleep(25);
  }
}

async function typeStatement(repl: PtySession, lines: string[]): Promise<void> {
  for (const [i, line] of lines.entries()) {
    const from = repl.mark();
    repl.type(line + '\r');
    if (i < lines.length - 1) await repl.waitFor(/    > \s*$/, from);
    else await settled(repl, from);
  }
}

test('the README tutorial works as written in the REPL', { skip: !hasScriptTool() && 'needs util-linux script (apt-get install bsdutils)' }, async () => {
  const steps = tutorialSteps(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
  assert.ok(steps.length >= 5, 'the tutorial has its steps');
  const home = mkdtempSync(join(tmpdir(), 'eddy-tutorial-'));
  const port = await freePort();
  const tsx = import.meta.resolve('tsx');
  // Started in an empty directory, like a person's first `npx eddy`: the embedded server
  // keeps its data in ./eddy-data there. (A free port stands for the default url, so
  // --embedded asks for what `npx eddy` does by itself.)
  const repl = new PtySession(
    `${process.execPath} --import ${tsx} ${join(repoRoot, 'cli', 'eddy.ts')} --embedded http://localhost:${port}`,
    { HOME: home },
    home,
    COLUMNS,
    50,
  );
  try {
    await repl.waitFor(/Server Status: RUNNING[\s\S]*eddy> /, 0, 30000);
    await settled(repl, 0);
    if (recording) appendFileSync(recordFile, `----- (start)\n${repl.text}\n`);
    for (const step of steps) {
      let from = repl.mark();
      for (const statement of statementsOf(step.sql)) await typeStatement(repl, statement);
      let shown = outputLines(repl.text.slice(from));
      if (recording) {
        appendFileSync(recordFile, `----- ${step.sql}${shown.join('\n')}\n`);
        continue;
      }
      if (step.expected === null) {
        assert.ok(!shown.some((l) => /error|exception|cannot|line \d+:\d+/i.test(l)), `no error after:\n${step.sql}\nshown:\n${shown.join('\n')}`);
        continue;
      }
      // A pull query answers with what the table's query has processed so far; a person who
      // sees no row yet runs it again, and so does this test (a few times at most).
      const isPull = /^\s*SELECT\b(?![\s\S]*EMIT\s+CHANGES)/i.test(step.sql);
      for (let attempt = 0; isPull && attempt < 10 && !containsRun(shown, step.expected); attempt++) {
        await sleep(300);
        from = repl.mark();
        for (const statement of statementsOf(step.sql)) await typeStatement(repl, statement);
        shown = outputLines(repl.text.slice(from));
      }
      assert.ok(
        containsRun(shown, step.expected),
        `After\n${step.sql}\nthe README shows:\n${step.expected.join('\n')}\n\nbut the REPL showed:\n${shown.join('\n')}`,
      );
    }
    repl.type('exit\r');
    assert.equal(await repl.exited, 0);
  } finally {
    repl.kill();
    rmSync(home, { recursive: true, force: true });
  }
});
