// Worker thread that runs cases one at a time for the suite runner, so a case that hangs
// can be stopped by terminating the thread without losing the rest of the run.

import { parentPort } from 'node:worker_threads';
import { runOneCase } from './suite.js';
import type { TestCase } from './loader.js';

parentPort!.on('message', async (msg: { index: number; testCase: TestCase }) => {
  const result = await runOneCase(msg.testCase);
  parentPort!.postMessage({ index: msg.index, ...result });
});
