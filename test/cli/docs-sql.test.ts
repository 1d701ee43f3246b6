// Every ```sql block of the README and of docs/ parses, and every block of docs/ runs: in
// order, each page against a fresh embedded server, through the CLI's Session as a REPL user
// would type it (SET, DEFINE and RUN SCRIPT included). A push query or PRINT that waits for
// more rows is stopped after a moment, as a user would with Ctrl-C. (The README tutorial
// runs for real in readme-tutorial.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parsePropertiesText } from '../../src/config/index.js';
import { parseStatements } from '../../src/parser/index.js';
import { splitStatementTexts, isQueryStatement } from '../../src/server/statement-text.js';
import { startEmbedded } from '../../cli/embedded.js';
import { KsqlClient } from '../../cli/client.js';
import { Session } from '../../cli/session.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const docs = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface Block {
  lang: string;
  /** `file=ext/x.ts` after the language: the page shows the content of that file. */
  file?: string;
  body: string;
  line: number;
}

function blocksOf(doc: string): Block[] {
  const text = readFileSync(join(repoRoot, doc), 'utf8');
  return [...text.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    file: /\bfile=(\S+)/.exec(m[2]!)?.[1],
    body: m[3]!,
    line: text.slice(0, m.index).split('\n').length + 1,
  }));
}

/**
 * What a page sets up before its SQL: the files it shows (```ts file=…) in the server's
 * folder, and its ```properties as the server's configuration — but for where the server
 * listens and keeps its data, which the test chooses.
 */
function setUp(blocks: Block[], dir: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const b of blocks) {
    if (b.file) {
      mkdirSync(dirname(join(dir, b.file)), { recursive: true });
      writeFileSync(join(dir, b.file), b.body);
    }
    if (b.lang === 'properties') Object.assign(config, parsePropertiesText(b.body));
  }
  delete config.listeners;
  delete config['eddy.data.dir'];
  return config;
}

/** A mistake shown on purpose is followed by a ```text block with the error it gets. */
const shownAsMistake = (blocks: Block[], i: number, message: string) => {
  const next = blocks[i + 1];
  return next?.lang === 'text' && next.body.includes(message.split('\n')[0]!);
};

for (const doc of docs) {
  test(`the SQL examples of ${doc} parse`, () => {
    const blocks = blocksOf(doc);
    const variables: Record<string, string> = {};
    blocks.forEach((block, i) => {
      if (block.lang !== 'sql') return;
      try {
        parseStatements(block.body, { variables });
      } catch (e) {
        if (shownAsMistake(blocks, i, (e as Error).message)) return;
        assert.fail(`${doc} line ${block.line}: ${(e as Error).message}`);
      }
    });
  });
}

const WAIT_FOR_MORE_ROWS_MS = 1500;

for (const doc of docs.filter((d) => d.startsWith('docs/'))) {
  const blocks = blocksOf(doc);
  if (!blocks.some((b) => b.lang === 'sql')) continue;
  test(`the SQL examples of ${doc} run, in order, on a fresh server`, { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-docs-sql-'));
    // Relative paths of the page (RUN SCRIPT 'setup.sql', ksql.extension.dir=./ext) are in its folder.
    writeFileSync(join(dir, 'setup.sql'), 'SHOW STREAMS;\n');
    const cwd = process.cwd();
    process.chdir(dir);
    const server = await startEmbedded({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', config: setUp(blocks, dir) });
    try {
      let errors: string[] = [];
      const session = new Session(new KsqlClient(server.server.url), { print: (lines) => process.env.EDDY_DOCS_DEBUG && process.stderr.write(lines.join("\n") + "\n"), error: (lines) => errors.push(...lines) }, () => 100);
      for (const [i, block] of blocks.entries()) {
        if (block.lang !== 'sql') continue;
        const { statements, rest } = splitStatementTexts(block.body);
        assert.equal(rest.trim().replace(/--.*$/gm, '').trim(), '', `${doc} line ${block.line}: a statement without its ';'`);
        for (const statement of statements) {
          errors = [];
          const waits = isQueryStatement(statement) && (/\bEMIT\s+CHANGES\b/i.test(statement) || /^\s*PRINT\b/i.test(statement));
          const ok = await session.runText(statement, waits ? AbortSignal.timeout(WAIT_FOR_MORE_ROWS_MS) : undefined);
          if (!ok && shownAsMistake(blocks, i, errors.join('\n'))) continue;
          assert.ok(ok && errors.length === 0, `${doc} line ${block.line}: ${statement.trim()}\n${errors.join('\n')}`);
        }
      }
    } finally {
      process.chdir(cwd);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
