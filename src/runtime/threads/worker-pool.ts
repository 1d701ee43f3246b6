// The process's query worker threads. Starting a worker costs far more than a query's
// start should (it loads the planner, the functions and the serdes), so workers outlive
// the queries they ran: a stopped query hands its workers back, and the next query that
// asks for threads gets them warm. Idle workers are unref'd, so they never keep the
// process alive; a worker that failed or crashed is not taken back.

import { Worker } from 'node:worker_threads';

const MAX_IDLE = 8;
const idle: Worker[] = [];

/**
 * Starts a query worker. Run from source (under tsx), the worker is the .ts file and must
 * register tsx itself: node 20 does not apply the parent's `--import tsx` to a worker's
 * entry module. From dist it is the .js file.
 */
function spawn(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./query-worker.js', import.meta.url));
  const entry = new URL('./query-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, execArgv: [] });
}

function spawnTracked(): Worker {
  const w = spawn();
  w.once('exit', () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  return w;
}

/** A worker for one query's tasks, warm when one is idle. */
export function acquireWorker(): Worker {
  const w = idle.pop() ?? spawnTracked();
  w.ref();
  return w;
}

/** Gives back a worker whose query stopped cleanly (its listeners removed, its task closed). */
export function releaseWorker(w: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void w.terminate();
    return;
  }
  w.unref();
  idle.push(w);
}

/** Ends a worker that must not be reused. */
export function discardWorker(w: Worker): void {
  void w.terminate();
}
