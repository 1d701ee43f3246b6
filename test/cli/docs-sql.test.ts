// Every ```sql block of the README and docs/sql.md parses, so the documentation never shows
// SQL that Eddy would reject as a syntax error. (The README tutorial also runs for real:
// readme-tutorial.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatements } from '../../src/parser/index.js';

const repoRoot = join(import.meta.dirname, '..', '..');

for (const doc of ['README.md', 'docs/sql.md']) {
  test(`the SQL examples of ${doc} parse`, () => {
    const text = readFileSync(join(repoRoot, doc), 'utf8');
    const blocks = [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
      lang: m[1]!,
      body: m[2]!,
      line: text.slice(0, m.index).split('\n').length + 1,
    }));
    assert.ok(blocks.some((b) => b.lang === 'sql'), `${doc} has SQL examples`);
    const variables: Record<string, string> = {};
    blocks.forEach((block, i) => {
      if (block.lang !== 'sql') return;
      try {
        parseStatements(block.body, { variables });
      } catch (e) {
        // A mistake shown on purpose is followed by the error it gets.
        const firstLine = (e as Error).message.split('\n')[0]!;
        const next = blocks[i + 1];
        if (next?.lang === 'text' && next.body.includes(firstLine)) return;
        assert.fail(`${doc} line ${block.line}: ${(e as Error).message}`);
      }
    });
  });
}
