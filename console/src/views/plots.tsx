// Throughput and lag per topic and per query over the last minutes (/console/api/metrics).

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import { getJson } from '../api';
import { ErrorBox, usePoll } from '../ui';

interface Series {
  times: number[];
  topics: Record<string, (number | null)[]>;
  queries: Record<string, { in: (number | null)[]; out: (number | null)[]; lag: (number | null)[] }>;
  intervalMs: number;
  lastError?: string;
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

function Chart({ title, times, lines, testid }: { title: string; times: number[]; lines: [string, (number | null)[]][]; testid: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const plot = new uPlot(
      {
        title,
        width: Math.min(900, el.current.clientWidth || 900),
        height: 220,
        series: [{}, ...lines.map(([label], i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2 }))],
        axes: [{}, { size: 60 }],
      },
      [times, ...lines.map(([, ys]) => ys)] as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [title, times, lines]);
  return <div ref={el} class="chart" data-testid={testid} data-series={lines.length} />;
}

const shownTopic = (name: string) => !name.startsWith('_confluent-ksql-') && name !== '_schemas';

export function PlotsView() {
  const s = usePoll(() => getJson<Series>('/console/api/metrics'), 2000);
  const d = s.data;
  const queries = Object.entries(d?.queries ?? {});
  return (
    <section>
      <h2>Throughput and lag</h2>
      <ErrorBox error={s.error ?? d?.lastError} />
      {d && d.times.length < 2 && <p class="muted">Collecting: a sample every {d.intervalMs / 1000} s; the plots fill in over the next seconds.</p>}
      {d && (
        <>
          <Chart testid="plot-topics" title="Records appended per second, per topic" times={d.times} lines={Object.entries(d.topics).filter(([n]) => shownTopic(n))} />
          <Chart testid="plot-query-in" title="Records read per second, per query" times={d.times} lines={queries.map(([id, q]) => [id, q.in])} />
          <Chart testid="plot-query-out" title="Records written per second, per query" times={d.times} lines={queries.map(([id, q]) => [id, q.out])} />
          <Chart testid="plot-query-lag" title="Lag (records not yet read), per query" times={d.times} lines={queries.map(([id, q]) => [id, q.lag])} />
        </>
      )}
    </section>
  );
}
