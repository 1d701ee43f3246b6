// schemathesis (PyPI, in the venv scripts/python-venv makes) against a real `eddy server`,
// driven by its own OpenAPI document (/openapi.json): at least 1,000 generated requests
// over every endpoint, none answered with a 5xx.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startEddyServer } from '../cli/topic-server.js';

const VENV = process.env.EDDY_PY_VENV ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eddy', 'python-venv');
const ST = join(VENV, 'bin', 'schemathesis');
const why = existsSync(ST) ? undefined : `schemathesis is not in the venv at ${VENV}: run scripts/python-venv to install it`;
if (why && process.env.CI === 'true') throw new Error(why);

test('schemathesis: 1,000+ generated requests from /openapi.json, no 5xx', { skip: why ?? false, timeout: 600_000 }, async (t) => {
  const server = await startEddyServer();
  try {
    const doc = (await (await fetch(new URL('/openapi.json', server.url))).json()) as { paths: Record<string, unknown> };
    assert.ok(Object.keys(doc.paths).length >= 10);
    const out = await new Promise<{ code: number; text: string }>((resolve) => {
      execFile(
        ST,
        ['run', new URL('/openapi.json', server.url).href, '--checks', 'not_a_server_error', '-n', '130', '--request-timeout', '20', '--seed', '1'],
        { timeout: 540_000, maxBuffer: 1 << 24, env: { ...process.env, NO_COLOR: '1' } },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, text: stdout + stderr }),
      );
    });
    const m = /(\d+) generated, (\d+) passed/.exec(out.text);
    t.diagnostic(m ? m[0] : out.text.slice(-2000));
    assert.equal(out.code, 0, out.text.slice(-4000));
    assert.ok(m && Number(m[1]) >= 1000, `fewer than 1,000 requests: ${m?.[0]}`);
    assert.equal(m![1], m![2], 'every generated request passed');
  } finally {
    await server.stop();
  }
});
