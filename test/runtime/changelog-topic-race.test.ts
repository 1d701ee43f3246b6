// Two servers of one cluster start the same query at once and both make sure its changelog
// topic exists. The one that loses the race is told the topic exists while the broker it
// asks next has not seen it yet: it must carry on, not fail its query.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog } from '../../src/log/embedded/embedded-log.js';
import type { TopicLog } from '../../src/log/topic-log.js';
import { ensureChangelogTopic } from '../../src/runtime/cluster/changelog.js';

test('a changelog topic another server has just created is taken as there, though its metadata lags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-changelog-race-'));
  const log = await EmbeddedLog.open(dir);
  try {
    const topic = 'svc_query_CTAS_T_1-Aggregate-Aggregate-Materialize-changelog';
    await log.createTopic(topic, { partitions: 4 });
    // This server's metadata does not show the topic yet (another broker answered).
    const lagging = new Proxy(log, {
      get(target, name, receiver) {
        if (name === 'describeTopic') return async () => undefined;
        const v = Reflect.get(target, name, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as TopicLog;
    await ensureChangelogTopic(lagging, topic, 4);
    assert.equal((await log.describeTopic(topic))?.partitions, 4);
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
