// Worker thread that runs cases one at a time for the suite runner, so a case that hangs
// can be stopped by terminating the thread without losing the rest of the run. It loads the
// engine before announcing itself ready, so module loading does not count against a case.

import { parentPort } from 'node:worker_threads';
import { reviveLossless, runOneCase } from './suite.js';
import { loadEngine, loadServer } from './engine-adapter.js';
import type { TestCase } from './loader.js';

parentPort!.on('message', async (msg: { index: number; testCase: TestCase }) => {
  const result = await runOneCase(reviveLossless(msg.testCase) as TestCase);
  parentPort!.postMessage({ index: msg.index, ...result });
});

await Promise.allSettled([loadEngine(), loadServer()]);
parentPort!.postMessage({ ready: true });
