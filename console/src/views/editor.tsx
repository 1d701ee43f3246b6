// The SQL editor: statements go to /ksql, SELECT and PRINT to /query-stream; a pull query's
// rows fill a grid and end, a push query's rows arrive live until it is stopped.

import { useRef, useState } from 'preact/hooks';
import { closeQuery, ksql, streamQuery, type Entity } from '../api';
import { ErrorBox, Table, cell } from '../ui';

const MAX_ROWS = 1000;

interface QueryResult {
  queryId: string;
  columns: string[];
  rows: unknown[][];
  running: boolean;
  errors: string[];
}

function EntityView({ e }: { e: Entity }) {
  const status = e.commandStatus as { status?: string; message?: string } | undefined;
  const lists = Object.entries(e).filter(([, v]) => Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null && !Array.isArray(v[0])) as [string, Record<string, unknown>[]][];
  return (
    <div class="panel" data-testid="entity">
      <div class="muted">
        {e['@type']}: <code>{e.statementText}</code>
      </div>
      {status && (
        <p>
          {status.status}: {status.message}
        </p>
      )}
      {lists.map(([name, items]) => {
        const head = [...new Set(items.flatMap((i) => Object.keys(i)))];
        return (
          <div>
            <h4>{name}</h4>
            <Table head={head} rows={items.map((i) => head.map((h) => cell(i[h])))} />
          </div>
        );
      })}
      {!status && lists.length === 0 && <pre>{JSON.stringify(e, null, 2)}</pre>}
    </div>
  );
}

export function EditorView() {
  const [sql, setSql] = useState("SHOW STREAMS;");
  const [entities, setEntities] = useState<Entity[]>([]);
  const [result, setResult] = useState<QueryResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);

  const stop = async () => {
    const id = result?.queryId;
    abort.current?.abort();
    if (id) await closeQuery(id).catch(() => undefined);
    setResult((r) => r && { ...r, running: false });
  };

  const run = async () => {
    setError(undefined);
    setEntities([]);
    setResult(undefined);
    abort.current?.abort();
    const text = sql.trim();
    if (/^(SELECT|PRINT)\b/i.test(text)) {
      const controller = new AbortController();
      abort.current = controller;
      let rows: unknown[][] = [];
      let queued = false;
      // Rows can arrive faster than the page draws: draw at most once a frame.
      const flush = () => {
        queued = false;
        setResult((r) => r && { ...r, rows: rows.slice(-MAX_ROWS) });
      };
      try {
        await streamQuery(
          text,
          {
            header: (h) => setResult({ queryId: h.queryId, columns: h.columnNames, rows: [], running: true, errors: [] }),
            row: (row) => {
              rows.push(row);
              if (rows.length > MAX_ROWS * 2) rows = rows.slice(-MAX_ROWS);
              if (!queued) {
                queued = true;
                requestAnimationFrame(flush);
              }
            },
            error: (m) => setResult((r) => r && { ...r, errors: [...r.errors, m] }),
          },
          controller.signal,
        );
        flush();
      } catch (err) {
        setError((err as Error).message);
      }
      setResult((r) => r && { ...r, running: false });
      return;
    }
    setBusy(true);
    try {
      setEntities(await ksql(text));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h2>SQL</h2>
      <textarea
        data-testid="sql"
        rows={6}
        value={sql}
        spellcheck={false}
        onInput={(e) => setSql((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void run();
        }}
      />
      <div class="toolbar">
        <button onClick={() => void run()} disabled={busy} data-testid="run">
          Run (Ctrl+Enter)
        </button>
        {result?.running && (
          <button onClick={() => void stop()} data-testid="stop">
            Stop
          </button>
        )}
        {result && (
          <span data-testid="query-status">
            {result.running ? 'running' : 'done'} · {result.rows.length} rows{result.queryId ? ` · ${result.queryId}` : ''}
          </span>
        )}
      </div>
      <ErrorBox error={error} />
      {result && (
        <>
          {result.errors.map((m) => (
            <ErrorBox error={m} />
          ))}
          <Table testid="results" head={result.columns} rows={result.rows.map((r) => r.map(cell))} />
        </>
      )}
      {entities.map((e) => (
        <EntityView e={e} />
      ))}
    </section>
  );
}
