// Small pieces every view uses: polling a loader, an error box, a table.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Loaded<T> {
  data?: T;
  error?: string;
  reload(): void;
}

/** Calls `load` now and every `everyMs` (0: once), keeping the last answer and error. */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    let timer: number | undefined;
    const run = async () => {
      try {
        const data = await load();
        if (alive) setState({ data });
      } catch (err) {
        if (alive) setState((s) => ({ data: s.data, error: (err as Error).message }));
      }
      if (alive && everyMs > 0) timer = window.setTimeout(run, everyMs);
    };
    void run();
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function ErrorBox({ error }: { error?: string }) {
  return error ? (
    <div class="error" role="alert" data-testid="error">
      {error}
    </div>
  ) : null;
}

export function Table({ head, rows, testid }: { head: string[]; rows: ComponentChildren[][]; testid?: string }) {
  return (
    <table data-testid={testid}>
      <thead>
        <tr>
          {head.map((h) => (
            <th>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {r.map((c) => (
              <td>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const rate = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${x < 10 ? x.toFixed(1) : Math.round(x)}/s`);

export function cell(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
