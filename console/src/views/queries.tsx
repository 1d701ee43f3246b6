// Running queries, and one query's step graph with the rates the sampler knows.

import { getJson, ksqlOne } from '../api';
import { ErrorBox, Table, rate, usePoll } from '../ui';

interface QueryRow {
  id: string;
  state: string;
  queryType: string;
  sinks: string[];
  queryString: string;
}

export function QueriesView() {
  const q = usePoll(() => ksqlOne('SHOW QUERIES;'), 3000);
  const queries = (q.data?.queries as QueryRow[] | undefined) ?? [];
  return (
    <section>
      <h2>Queries</h2>
      <ErrorBox error={q.error} />
      {q.data && queries.length === 0 && <p class="muted">No query runs. Start one in the SQL editor, e.g. CREATE STREAM … AS SELECT.</p>}
      <Table
        testid="queries"
        head={['id', 'state', 'type', 'sinks', 'statement']}
        rows={queries.map((x) => [
          <a href={`#/queries/${x.id}`}>{x.id}</a>,
          <span class={`state ${x.state}`}>{x.state}</span>,
          x.queryType,
          x.sinks.join(', '),
          <code>{x.queryString}</code>,
        ])}
      />
    </section>
  );
}

interface Step {
  id: string;
  label: string;
  details: string[];
  schema: string;
  parent: number;
  depth: number;
  topic?: string;
  rate?: number | null;
}

interface Detail {
  id: string;
  state: string | null;
  statementText: string;
  queryErrors: { errorMessage?: string; type?: string }[];
  topology: string;
  steps: Step[];
  rates: { in: number | null; out: number | null; lag: number | null };
  catchUp?: { processed: number; behind: number; recordsPerSecond: number };
  recentErrors: { time: number; logger: string; message: string }[];
}

const BOX_W = 210;
const BOX_H = 58;
const GAP_X = 50;
const GAP_Y = 18;

/** Data flows left to right: the sources (deepest steps) in the first column, the sink last. */
function layout(steps: Step[]): { x: number; y: number }[] {
  const maxDepth = Math.max(0, ...steps.map((s) => s.depth));
  const pos: { x: number; y: number }[] = [];
  let nextLeaf = 0;
  const children = (i: number) => steps.map((s, j) => (s.parent === i ? j : -1)).filter((j) => j >= 0);
  const place = (i: number): number => {
    const kids = children(i);
    const ys = kids.map(place);
    const y = ys.length === 0 ? nextLeaf++ * (BOX_H + GAP_Y) : (Math.min(...ys) + Math.max(...ys)) / 2;
    pos[i] = { x: (maxDepth - steps[i]!.depth) * (BOX_W + GAP_X), y };
    return y;
  };
  steps.forEach((s, i) => s.parent === -1 && place(i));
  return pos;
}

function StepGraph({ steps }: { steps: Step[] }) {
  const pos = layout(steps);
  const width = Math.max(...pos.map((p) => p.x), 0) + BOX_W + 2;
  const height = Math.max(...pos.map((p) => p.y), 0) + BOX_H + 2;
  return (
    <svg class="graph" width={width} height={height} data-testid="step-graph">
      {steps.map((s, i) =>
        s.parent < 0 ? null : (
          <line x1={pos[i]!.x + BOX_W} y1={pos[i]!.y + BOX_H / 2} x2={pos[s.parent]!.x} y2={pos[s.parent]!.y + BOX_H / 2} class="edge" />
        ),
      )}
      {steps.map((s, i) => (
        <g transform={`translate(${pos[i]!.x + 1},${pos[i]!.y + 1})`} data-testid="step" data-label={s.label}>
          <title>{[...s.details, `Schema: ${s.schema}`].join('\n')}</title>
          <rect width={BOX_W} height={BOX_H} rx="6" class={`step ${s.label}`} />
          <text x="8" y="18" class="step-label">
            {s.label}
          </text>
          <text x="8" y="34" class="step-id">
            {(s.topic ? `topic ${s.topic}` : s.id).slice(0, 30)}
          </text>
          <text x="8" y="50" class="step-rate">
            {s.rate !== undefined ? `${rate(s.rate)} records` : ''}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function QueryView({ id }: { id: string }) {
  const d = usePoll(() => getJson<Detail>(`/console/api/queries/${encodeURIComponent(id)}`), 3000, [id]);
  const q = d.data;
  return (
    <section>
      <h2>
        Query <span data-testid="query-id">{id}</span> {q && <span class={`state ${q.state}`}>{q.state}</span>}
      </h2>
      <ErrorBox error={d.error} />
      {q && (
        <>
          <pre class="sql">{q.statementText}</pre>
          <p data-testid="query-rates">
            input {rate(q.rates.in)} · output {rate(q.rates.out)} · lag {q.rates.lag ?? '–'}
            {q.catchUp && ` · processed ${q.catchUp.processed} records since start (${rate(q.catchUp.recordsPerSecond)}), ${q.catchUp.behind} behind`}
          </p>
          {q.queryErrors.length > 0 && <ErrorBox error={q.queryErrors.map((e) => e.errorMessage ?? JSON.stringify(e)).join('\n')} />}
          {q.recentErrors.length > 0 && (
            <div data-testid="query-log">
              <h3>Latest failed records (processing log)</h3>
              <Table head={['time', 'step', 'error']} rows={q.recentErrors.map((e) => [new Date(e.time).toISOString(), e.logger, e.message])} />
            </div>
          )}
          <h3>Steps</h3>
          <StepGraph steps={q.steps} />
          <Table head={['step', 'what', 'schema']} rows={q.steps.map((s) => [`${s.label} (${s.id})`, s.details.join(' · '), <code>{s.schema}</code>])} />
          <pre>{q.topology}</pre>
        </>
      )}
    </section>
  );
}
