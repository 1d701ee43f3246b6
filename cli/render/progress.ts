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

/** `Produced 40,000 records, 41% of the file (52,000 records/s)`. */
export function produceProgressText(done: number, fraction: number | undefined, startedAt: number): string {
  const rate = Math.round(done / Math.max(0.001, (Date.now() - startedAt) / 1000));
  const of = fraction === undefined ? '' : `, ${Math.min(100, Math.floor(fraction * 100))}% of the file`;
  return `Produced ${count(done)} records${of} (${count(rate)} records/s)`;
}

/**
 * A line on a terminal stream that is rewritten in place at most every `everyMs`; on a
 * stream that is not a terminal it writes nothing.
 */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly everyMs = 250,
  ) {}

  update(text: () => string): void {
    if (!this.stream.isTTY || Date.now() - this.last < this.everyMs) return;
    this.last = Date.now();
    this.stream.write('\r\x1b[2K' + text().slice(0, (this.stream.columns || 80) - 1));
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}

export interface QueryCatchUp {
  processed: number;
  behind: number;
  recordsPerSecond: number;
}

/** `caught up (1,000,000 records processed)` or `120,000 records behind, 880,000 processed (40,000 records/s)`. */
export function catchUpText(c: QueryCatchUp): string {
  if (c.behind === 0) return `caught up (${count(c.processed)} records processed)`;
  return `${count(c.behind)} records behind, ${count(c.processed)} processed (${count(c.recordsPerSecond)} records/s)`;
}
