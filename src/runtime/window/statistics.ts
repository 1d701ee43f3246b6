// The counters and watermarks DESCRIBE ... EXTENDED shows for a windowed query: records
// dropped as late, EMIT FINAL windows that expired unemitted, stream time overall and per
// input partition, and the oldest window still open.

import type { AggregateStep } from '../../planner/query/aggregate.js';
import type { WindowStore } from './window-store.js';
import type { WindowProgress } from './progress.js';

export function windowStatistics(progress: WindowProgress, step: AggregateStep, store: WindowStore | null): Record<string, number> {
  const out: Record<string, number> = { 'late-records': progress.lateRecords };
  if (step.emitFinal) out['expired-windows'] = progress.expiredWindows;
  if (store && Number.isFinite(store.streamTime)) out['stream-time'] = store.streamTime;
  const partitions = [...progress.partitionTimes.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  for (const p of partitions) out[`stream-time-${p.topic}-${p.partition}`] = p.time;
  if (store) Object.assign(out, openWindows(step, store));
  return out;
}

function openWindows(step: AggregateStep, store: WindowStore): Record<string, number> {
  const w = step.window!;
  const db = store.database;
  if (w.type === 'COUNT') {
    const r = db.prepare('SELECT COUNT(*) AS n FROM agg_state').get() as { n: number };
    return { 'open-windows': r.n };
  }
  if (step.emitFinal) {
    const open = store.openWindows();
    const oldest = open.reduce((m, e) => Math.min(m, e.start), Infinity);
    return { 'open-windows': open.length, ...(open.length > 0 ? { 'oldest-open-window-start': oldest } : {}) };
  }
  const streamTime = Number.isFinite(store.streamTime) ? store.streamTime : -Number.MAX_SAFE_INTEGER;
  // Windows that can still change (as of the last commit).
  const where = w.type === 'SLIDING' || w.type === 'SESSION' ? 'we + ? >= ?' : 'we + ? > ?';
  const grace = w.type === 'SESSION' ? w.sizeMs + w.graceMs : w.graceMs;
  const r = db.prepare(`SELECT COUNT(*) AS n, MIN(ws) AS oldest FROM agg_state WHERE ${where}`).get(grace, streamTime) as { n: number; oldest: number | null };
  return { 'open-windows': r.n, ...(r.oldest !== null ? { 'oldest-open-window-start': r.oldest } : {}) };
}
