// Issue 16's example as a push query: 5,000 users, then 15,000 clicks, then
// `SELECT … FROM clicks JOIN users … EMIT CHANGES` from earliest. The push query reads its
// inputs in event-time order as a persistent join does, so every click meets its user's row
// (none is dropped because the clicks' partitions were fetched before the users').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { CLICKS_DDL, USERS_DDL, clickLines, userLines, write } from '../log/join-example.js';

const USERS = 5000;
const CLICKS = 15_000;
const ctx = { properties: { 'auto.offset.reset': 'earliest' }, variables: {} };

test('a push query joining a stream with a table from earliest joins every click with its user', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-push-join-'));
  const e = await Engine.open({ dataDir: dir });
  try {
    await e.execute(USERS_DDL + CLICKS_DDL, ctx);
    await write('users', userLines(USERS), true, undefined, e.log);
    await write('clicks', clickLines(0, CLICKS, USERS), false, undefined, e.log);
    const stream = await e.query(`SELECT c.page, u.country FROM clicks c JOIN users u ON c.user_id = u.id EMIT CHANGES LIMIT ${CLICKS};`, ctx);
    const pages = new Set<string>();
    let wrong = 0;
    const timer = setTimeout(() => stream.close(), 60_000);
    for await (const item of stream.items) {
      if (!('row' in item) || !item.row) continue;
      const [page, country] = item.row as [string, string];
      pages.add(page);
      const n = Number(page.slice(1));
      if (country !== `c${(n % USERS) % 50}`) wrong++;
    }
    clearTimeout(timer);
    assert.equal(await stream.finalMessage, 'Limit Reached', `${pages.size} distinct clicks came out`);
    assert.equal(pages.size, CLICKS);
    assert.equal(wrong, 0);
  } finally {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
