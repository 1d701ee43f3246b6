// docs/migrations.md as a user follows it: every ```sh block runs, in order, with `eddy` on
// the PATH and the doc's http://localhost:8088 pointing at a real `eddy server` child
// process; each ```text block after it must appear in its output (… stands for anything).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEddyServer, type EddyServerProcess } from './topic-server.js';

let server: EddyServerProcess;
let dir: string;
before(async () => {
  server = await startEddyServer();
  dir = mkdtempSync(join(tmpdir(), 'eddy-migrations-docs-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // tsx resolved from the repo: the shim runs in folders outside it.
  const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
  writeFileSync(join(bin, 'eddy'), `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${resolve('cli/eddy.ts')}" "$@"\n`);
  chmodSync(join(bin, 'eddy'), 0o755);
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Block {
  lang: string;
  text: string;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push({ lang: m[1]!.trim(), text: m[2]! });
  return out;
}

function bash(script: string, cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile('bash', ['-e', '-c', script], { cwd, timeout: 120_000, env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, NODE_OPTIONS: '' } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('docs/migrations.md: the walkthrough runs as written', { timeout: 600_000 }, async () => {
  const doc = blocks(readFileSync('docs/migrations.md', 'utf8'));
  const sh = doc.filter((b) => b.lang === 'sh');
  assert.ok(sh.length >= 6, 'the walkthrough has its command blocks');
  let last = '';
  let ran = 0;
  for (const b of doc) {
    if (b.lang === 'sh') {
      const r = await bash(b.text.replaceAll('http://localhost:8088', server.url), dir);
      assert.equal(r.code, 0, `block failed:\n${b.text}\n---\n${r.out}`);
      last = r.out;
      ran++;
    } else if (b.lang === 'text') {
      for (const line of b.text.split('\n').filter((l) => l.trim() !== '')) {
        const pattern = new RegExp(line.split('…').map(escape).join('.*').replace(/ +/g, ' +'));
        assert.match(last, pattern, `expected output line: ${line}\nin:\n${last}`);
      }
    }
  }
  assert.equal(ran, sh.length);
  // The walkthrough's end state: version 1's stream is there, the metadata is gone.
  const [streams] = await server.ksql('SHOW STREAMS;');
  const names = (streams!.streams as { name: string }[]).map((s) => s.name);
  assert.ok(names.includes('ORDERS') && !names.includes('BIG_ORDERS') && !names.includes('MIGRATION_EVENTS'), names.join());
});
