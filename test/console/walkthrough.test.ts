// docs/console.md's walkthrough, run as written: each ```sql block typed into the console's
// SQL editor in headless Chromium, each ```sh block run by bash (with `eddy` the CLI of this
// checkout, pointed at the test's server; `eddy server` itself is the server this test
// starts), each ```text block after a sh block compared with what it printed (the checks'
// names and their ✔), and each <!-- check: VIEW shows "TEXT" --> and <!-- click: ID -->
// done in the browser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, browserMissing, repoRoot, screenshotPath, startTestServer, type TestServer } from './harness.js';

type Item = { kind: 'sql' | 'sh' | 'text'; body: string } | { kind: 'check'; view: string; text: string } | { kind: 'click'; id: string };

function walkthrough(): Item[] {
  const doc = readFileSync(join(repoRoot, 'docs', 'console.md'), 'utf8');
  const start = doc.indexOf('\n## Walkthrough');
  assert.ok(start >= 0, 'docs/console.md has a "## Walkthrough" section');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const items: Item[] = [];
  for (const m of section.matchAll(/^```(\w+)\n([\s\S]*?)^```$|<!-- check: (\S+) shows "([^"]+)" -->|<!-- click: (\S+) -->/gm)) {
    if (m[1]) items.push({ kind: m[1] as 'sql' | 'sh' | 'text', body: m[2]! });
    else if (m[3]) items.push({ kind: 'check', view: m[3], text: m[4]! });
    else items.push({ kind: 'click', id: m[5]! });
  }
  return items;
}

const missing = browserMissing();
let server: TestServer;
let browser: Browser;
let page: Page;
let cwd: string;

before(async () => {
  if (missing) return;
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  cwd = mkdtempSync(join(tmpdir(), 'eddy-walkthrough-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

function sh(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = `"${process.execPath}" --import "${import.meta.resolve('tsx')}" "${join(repoRoot, 'cli', 'eddy.ts')}"`;
  const prelude = `eddy() { if [ "$1" = doctor ]; then shift; ${cli} doctor "$EDDY_URL" "$@"; else ${cli} "$@"; fi; }\n`;
  return new Promise((resolve) => {
    execFile('bash', ['-c', prelude + script], {
      cwd,
      timeout: 60_000,
      env: { ...process.env, EDDY_URL: server.url, EDDY_BOOTSTRAP_SERVERS: server.bootstrap, EDDY_SCHEMA_REGISTRY_URL: server.embedded.schemaRegistry!.url },
    }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** The doc's `✔ name  …` lines: each check it names must be there, and each ✔ of the doc a ✔. */
function compareChecks(expected: string, actual: string): void {
  const checks = (text: string) => new Map([...text.matchAll(/^([✔!✖-]) (\S+(?: \S+)*?)  /gm)].map((m) => [m[2]!, m[1]!]));
  const want = checks(expected);
  const got = checks(actual);
  assert.ok(want.size > 0, `the text block lists checks:\n${expected}`);
  for (const [name, mark] of want) {
    assert.ok(got.has(name), `'${name}' in:\n${actual}`);
    if (mark === '✔') assert.equal(got.get(name), '✔', `${name} in:\n${actual}`);
  }
}

test("docs/console.md's walkthrough runs as written", { skip: missing, timeout: 240_000 }, async () => {
  const items = walkthrough();
  assert.ok(items.filter((i) => i.kind === 'sql').length >= 3);
  let lastSh: string | undefined;
  let step = 0;
  for (const item of items) {
    step++;
    const where = `walkthrough item ${step} (${item.kind})`;
    if (item.kind === 'sh') {
      if (item.body.trim() === 'eddy server') continue;
      const r = await sh(item.body);
      assert.equal(r.code, 0, `${where}: ${item.body}\n${r.stdout}${r.stderr}`);
      lastSh = r.stdout;
    } else if (item.kind === 'text') {
      assert.ok(lastSh !== undefined, `${where}: a text block follows a sh block`);
      compareChecks(item.body, lastSh);
    } else if (item.kind === 'sql') {
      if (!page.url().endsWith('#/sql')) await page.goto(`${server.url}/#/sql`);
      await page.getByTestId('sql').fill(item.body.trim());
      await page.getByTestId('run').click();
      if (/EMIT CHANGES/i.test(item.body)) await page.getByTestId('query-status').filter({ hasText: 'running' }).waitFor();
      else if (/^\s*SELECT/i.test(item.body)) await page.getByTestId('query-status').filter({ hasText: 'done' }).waitFor();
      else await page.getByTestId('entity').first().waitFor();
      assert.equal(await page.getByTestId('error').count(), 0, `${where}: ${await page.getByTestId('error').allTextContents()}`);
    } else if (item.kind === 'check') {
      if (item.view !== 'here') await page.goto(`${server.url}/${item.view}`);
      await page.getByText(item.text).first().waitFor({ timeout: 20_000 }).catch(async (err: Error) => {
        await page.screenshot({ path: screenshotPath(`walkthrough-failed-${step}`), fullPage: true });
        throw new Error(`${where}: ${item.view} does not show "${item.text}": ${err.message}`);
      });
    } else {
      await page.getByTestId(item.id).click();
    }
  }
  await page.screenshot({ path: screenshotPath('walkthrough-end'), fullPage: true });
});
