// The web console in headless Chromium (Debian's package, driven by playwright-core) against
// a real Eddy server with its broker and registry: it lists the topics, tails a topic while
// an application produces to it over the Kafka protocol, runs a pull and a push query from
// the SQL editor, shows a query's step graph, a connector's failure, the plots and the
// health view, and asks for credentials when REST authentication is on. Screenshots go to
// test-artifacts/console/ (CI keeps them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hashPassword } from '../../src/server/auth.js';
import { CHROMIUM, browserMissing, eventually, ksql, produce, screenshotPath, startTestServer, type TestServer } from './harness.js';

const missing = browserMissing();

describe('web console in Chromium', { skip: missing, timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startTestServer();
    await ksql(server.url, "CREATE STREAM orders (id VARCHAR KEY, item VARCHAR, qty INT) WITH (kafka_topic='orders', partitions=2, value_format='JSON');");
    await ksql(server.url, "CREATE STREAM big_orders WITH (value_format='AVRO') AS SELECT id, item, qty FROM orders WHERE qty > 5;");
    await ksql(server.url, 'CREATE TABLE order_counts AS SELECT id, COUNT(*) AS n FROM orders GROUP BY id;');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('GET / gives the browser the console and lists the topics', async () => {
    await page.goto(server.url + '/');
    const topics = page.getByTestId('topics');
    await topics.getByRole('link', { name: 'orders', exact: true }).waitFor();
    await topics.getByRole('link', { name: 'BIG_ORDERS', exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('01-topics'), fullPage: true });
  });

  test('the tail shows records produced while it runs, with key, headers and decoded value', async () => {
    await page.goto(server.url + '/#/topics/orders');
    await page.getByTestId('tail-status').filter({ hasText: 'tailing' }).waitFor();
    await produce(server.bootstrap, 'orders', [
      { key: 'k1', value: JSON.stringify({ ITEM: 'apple', QTY: 3 }), headers: { source: 'till-7' } },
      { key: 'k2', value: JSON.stringify({ ITEM: 'melon', QTY: 9 }) },
    ]);
    const tail = page.getByTestId('tail');
    await tail.locator('tr', { hasText: 'apple' }).filter({ hasText: 'source=till-7' }).filter({ hasText: 'k1' }).waitFor();
    await tail.locator('tr', { hasText: 'melon' }).waitFor();
    // The AVRO sink topic's value comes decoded through the registry.
    await page.goto(server.url + '/#/topics/BIG_ORDERS');
    await page.getByTestId('tail').locator('tr', { hasText: '"ITEM":"melon"' }).waitFor();
    await page.getByTestId('tail-status').filter({ hasText: 'AVRO' }).waitFor();
    await page.screenshot({ path: screenshotPath('02-tail'), fullPage: true });
    await page.goto(server.url + '/#/topics/orders');
    await page.getByTestId('groups').locator('tr', { hasText: 'CSAS_BIG_ORDERS' }).waitFor();
  });

  async function runSql(sql: string): Promise<void> {
    await page.getByTestId('sql').fill(sql);
    await page.getByTestId('run').click();
  }

  test('the editor runs a pull query into a grid', async () => {
    await page.goto(server.url + '/#/sql');
    await eventually('k2 counted in ORDER_COUNTS', async () => {
      const res = await fetch(`${server.url}/query-stream`, { method: 'POST', body: JSON.stringify({ sql: "SELECT * FROM order_counts WHERE id = 'k2';" }) });
      return (await res.text()).includes('"k2"') ? true : undefined;
    });
    await runSql("SELECT * FROM order_counts WHERE id = 'k2';");
    await page.getByTestId('query-status').filter({ hasText: 'done' }).waitFor();
    const grid = page.getByTestId('results');
    await grid.locator('th', { hasText: 'N' }).waitFor();
    await grid.locator('tr', { hasText: 'k2' }).waitFor();
    assert.equal(await grid.locator('tbody tr').count(), 1);
    await page.screenshot({ path: screenshotPath('03-pull-query'), fullPage: true });
  });

  test('the editor runs a push query whose rows arrive live, and stops it', async () => {
    await runSql("SELECT id, item FROM orders WHERE item LIKE 'live%' EMIT CHANGES;");
    await page.getByTestId('query-status').filter({ hasText: 'running' }).waitFor();
    await produce(server.bootstrap, 'orders', [{ key: 'p1', value: JSON.stringify({ ITEM: 'live-1', QTY: 1 }) }]);
    await page.getByTestId('results').locator('tr', { hasText: 'live-1' }).waitFor();
    await produce(server.bootstrap, 'orders', [{ key: 'p2', value: JSON.stringify({ ITEM: 'live-2', QTY: 1 }) }]);
    await page.getByTestId('results').locator('tr', { hasText: 'live-2' }).waitFor();
    await page.screenshot({ path: screenshotPath('04-push-query'), fullPage: true });
    await page.getByTestId('stop').click();
    await page.getByTestId('query-status').filter({ hasText: 'done' }).waitFor();
    const engine = server.embedded.engine as unknown as { queries: { pushQueries(): unknown[] } };
    await eventually('the push query closed on the server', async () => (engine.queries.pushQueries().length === 0 ? true : undefined));
    // Stopped means stopped: later records do not show.
    await produce(server.bootstrap, 'orders', [{ key: 'p3', value: JSON.stringify({ ITEM: 'live-3', QTY: 1 }) }]);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.getByTestId('results').locator('tr', { hasText: 'live-3' }).count(), 0);
  });

  test('a statement runs from the editor and a failing one shows its error', async () => {
    await runSql('SHOW STREAMS;');
    await page.getByTestId('entity').locator('td', { hasText: 'BIG_ORDERS' }).first().waitFor();
    // PRINT: its two format lines, then one line per record.
    await runSql("PRINT 'orders' FROM BEGINNING LIMIT 2;");
    await page.getByTestId('query-status').filter({ hasText: 'done · 4 rows' }).waitFor();
    await page.getByTestId('results').locator('td', { hasText: /^rowtime: .*, key: \S+, value: \{"ITEM":/ }).first().waitFor();
    await runSql('SELECT * FROM no_such_stream EMIT CHANGES;');
    await page.getByTestId('error').filter({ hasText: 'NO_SUCH_STREAM' }).waitFor();
  });

  test("a query's page shows its step graph with the rates", async () => {
    await page.goto(server.url + '/#/queries');
    await page.getByTestId('queries').getByRole('link', { name: 'CSAS_BIG_ORDERS_1' }).click();
    const graph = page.getByTestId('step-graph');
    await graph.waitFor();
    const labels = await graph.getByTestId('step').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')));
    assert.deepEqual(labels, ['SINK', 'PROJECT', 'FILTER', 'SOURCE']);
    await graph.locator('text', { hasText: 'topic orders' }).waitFor();
    // While records flow, the source and sink steps show non-zero rates.
    const flowing = page.getByTestId('step').filter({ hasText: /[1-9][0-9.]*\/s records/ });
    await eventually('non-zero rates on the source and sink steps', async () => {
      await produce(server.bootstrap, 'orders', Array.from({ length: 20 }, (_, i) => ({ key: `g${i}`, value: JSON.stringify({ ITEM: 'graph', QTY: 8 }) })));
      const labels = await flowing.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')));
      return labels.includes('SOURCE') && labels.includes('SINK') ? true : undefined;
    }, 30_000);
    // A record the query cannot read shows under the query, from the processing log.
    await produce(server.bootstrap, 'orders', [{ key: 'bad', value: '{not json' }]);
    await page.getByTestId('query-log').locator('tr', { hasText: 'CSAS_BIG_ORDERS_1' }).first().waitFor();
    await page.screenshot({ path: screenshotPath('05-step-graph'), fullPage: true });
  });

  test("the connectors view shows a connector's failure", async () => {
    // A PostgreSQL sink pointed at a port where nothing listens: its task fails. Where this server
    // has no connector backend, CREATE fails, and the view must show that failure, not an empty list.
    let created = true;
    try {
      await ksql(server.url, "CREATE SINK CONNECTOR broken_sink WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSinkConnector', 'connection.url'='jdbc:postgresql://127.0.0.1:1/nowhere', 'topics'='orders');");
    } catch {
      created = false;
    }
    await page.goto(server.url + '/#/connectors');
    if (created) {
      const row = page.getByTestId('connectors').locator('tr', { hasText: 'BROKEN_SINK' });
      await row.locator('.error-text').waitFor({ timeout: 30_000 });
    } else {
      await page.getByTestId('connectors-unavailable').filter({ hasText: 'Connectors are not supported' }).waitFor();
    }
    await page.screenshot({ path: screenshotPath('06-connectors'), fullPage: true });
    // The failed connector would rightly make the health view unhealthy for the tests after this one.
    if (created) await ksql(server.url, 'DROP CONNECTOR broken_sink;');
  });

  test('the plots fill in with throughput and lag, and the health view lists every component', async () => {
    await page.goto(server.url + '/#/plots');
    await produce(server.bootstrap, 'orders', Array.from({ length: 50 }, (_, i) => ({ key: `b${i}`, value: JSON.stringify({ ITEM: 'bulk', QTY: 7 }) })));
    await page.locator('[data-testid=plot-topics] canvas').waitFor();
    await eventually('the bulk in the topic series', () =>
      page.evaluate(async () => {
        const m = (await (await fetch('/console/api/metrics')).json()) as { topics: Record<string, (number | null)[]> };
        return (m.topics.orders ?? []).some((x) => x !== null && x >= 10) ? true : undefined;
      }),
    );
    await eventually('the query series', async () => ((await page.getByTestId('plot-query-in').getAttribute('data-series')) === '2' ? true : undefined));
    await page.screenshot({ path: screenshotPath('07-plots'), fullPage: true });
    await page.goto(server.url + '/#/health');
    const health = page.getByTestId('health');
    for (const c of ['server', 'broker', 'schema registry', 'queries', 'connectors', 'disk']) await health.locator('td', { hasText: new RegExp(`^${c}$`) }).waitFor();
    await page.getByTestId('health-overall').filter({ hasText: 'healthy' }).waitFor();
    await page.screenshot({ path: screenshotPath('08-health'), fullPage: true });
  });
});

describe('web console with REST authentication', { skip: missing, timeout: 60_000 }, () => {
  test('the console asks for credentials and works with them', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-console-auth-'));
    const creds = join(dir, 'credentials.txt');
    writeFileSync(creds, `alice: ${hashPassword('wonderland')}, admin\n`);
    const server = await startTestServer({ 'authentication.method': 'BASIC', 'authentication.credentials.file': creds });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    t.after(async () => {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await ksql(server.url, "CREATE STREAM secured (v VARCHAR) WITH (kafka_topic='secured', partitions=1, value_format='JSON');", 'alice:wonderland');
    assert.equal((await fetch(server.url + '/console/api/topics')).status, 401);
    // Without credentials Chromium gets the 401 (headless, it cannot prompt, so it gives up on the page).
    const anonymous = await browser.newPage();
    const status = await anonymous.goto(server.url + '/').then((r) => String(r?.status()), (err: Error) => err.message);
    assert.match(status, /^401$|ERR_INVALID_AUTH_CREDENTIALS/);
    const context = await browser.newContext({ httpCredentials: { username: 'alice', password: 'wonderland' } });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await page.getByTestId('topics').getByRole('link', { name: 'secured', exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('09-authenticated'), fullPage: true });
  });
});
