// Ctrl-R: incremental reverse search through the history, as in bash and readline.

export interface SearchState {
  query: string;
  /** Index of the shown match in the history, or -1 when nothing matches. */
  index: number;
}

/** The newest entry at or before `from` that contains `query` (case-insensitively), or -1. */
export function findBackwards(entries: string[], query: string, from: number): number {
  const q = query.toLowerCase();
  for (let i = Math.min(from, entries.length - 1); i >= 0; i--) if (entries[i]!.toLowerCase().includes(q)) return i;
  return -1;
}

export const HistorySearch = {
  start: (entries: string[]): SearchState => ({ query: '', index: entries.length - 1 }),
  /** Typing narrows the search from the current match. */
  type: (s: SearchState, entries: string[], chars: string): SearchState => {
    const query = s.query + chars;
    return { query, index: findBackwards(entries, query, s.index < 0 ? entries.length - 1 : s.index) };
  },
  backspace: (s: SearchState, entries: string[]): SearchState => {
    const query = s.query.slice(0, -1);
    return { query, index: findBackwards(entries, query, entries.length - 1) };
  },
  /** Ctrl-R again: the next older match (or stay on the last one). */
  older: (s: SearchState, entries: string[]): SearchState => {
    const next = findBackwards(entries, s.query, s.index - 1);
    return next < 0 ? s : { ...s, index: next };
  },
  match: (s: SearchState, entries: string[]): string => (s.index >= 0 ? entries[s.index]! : ''),
};
