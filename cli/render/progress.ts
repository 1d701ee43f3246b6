// The one-line progress of a query reading a backlog, and of a long produce.

export interface QueryProgress {
  scanned: number;
  remaining?: number;
  recordsPerSecond: number;
}

const count = (n: number) => n.toLocaleString('en-US');

/** `Scanning: 120,000 records read, 880,000 left (410,000 records/s)`. */
export function progressText(p: QueryProgress): string {
  if (p.remaining === 0) return `Caught up after ${count(p.scanned)} records; waiting for new rows…`;
  const left = p.remaining === undefined ? '' : `, ${count(p.remaining)} left`;
  return `Scanning: ${count(p.scanned)} records read${left} (${count(p.recordsPerSecond)} records/s)`;
}

/** `Produced 40,000 of 100,000 lines (40%, 52,000 records/s)`. */
export function produceProgressText(done: number, total: number | undefined, startedAt: number): string {
  const rate = Math.round(done / Math.max(0.001, (Date.now() - startedAt) / 1000));
  const of = total ? ` of ${count(total)} bytes read` : '';
  return `Produced ${count(done)} records${of} (${count(rate)} records/s)`;
}
