// The newest entries of the processing log (KSQL_PROCESSING_LOG's topic), read straight from
// the log: which query's step logged what, and when. Health uses them to say why a query
// failed and how many records failed lately.

import type { ConsoleBackend } from './backend.js';

export interface LogEntry {
  time: number;
  logger: string;
  message: string;
}

const RECENT_RECORDS = 500;

/** The error message of an entry's MESSAGE, whichever kind of error it is. */
function messageOf(message: Record<string, unknown> | undefined): string | undefined {
  for (const part of Object.values(message ?? {})) {
    if (!part || typeof part !== 'object') continue;
    const text = (part as Record<string, unknown>).ERRORMESSAGE ?? (part as Record<string, unknown>).errorMessage;
    if (typeof text === 'string') return text;
  }
  return undefined;
}

/** The last few hundred entries of each partition, oldest first; [] when the log has none or cannot be found. */
export async function recentLogEntries(b: ConsoleBackend): Promise<LogEntry[]> {
  if (!b.log || !b.sourceOf) return [];
  const topic = (await b.log.listTopics()).map((t) => t.name).find((t) => b.sourceOf!(t)?.name === 'KSQL_PROCESSING_LOG');
  if (!topic) return [];
  const [start, end] = await Promise.all([b.log.beginningOffsets(topic), b.log.endOffsets(topic)]);
  const records = await b.log.fetch(
    end.map((e, partition) => ({ topic, partition, offset: Math.max(start[partition] ?? 0, e - RECENT_RECORDS) })),
    { maxRecords: RECENT_RECORDS * end.length, maxWaitMs: 0 },
  );
  const entries: LogEntry[] = [];
  for (const r of records) {
    try {
      const entry = JSON.parse(r.value?.toString('utf8') ?? 'null') as { LOGGER?: string; TIME?: number; MESSAGE?: Record<string, unknown> } | null;
      const message = messageOf(entry?.MESSAGE);
      if (entry?.LOGGER && message !== undefined) entries.push({ time: Number(entry.TIME ?? r.timestamp), logger: entry.LOGGER, message });
    } catch {
      // Not a processing-log entry.
    }
  }
  return entries.sort((x, y) => x.time - y.time);
}
