// Connectors with their state, tasks and last error (SHOW CONNECTORS, DESCRIBE CONNECTOR).

import { getJson } from '../api';
import { ErrorBox, Table, usePoll } from '../ui';

interface Connector {
  name: string;
  type: string;
  className: string;
  state: string;
  tasks: { id: number; state: string; trace?: string }[];
  topics: string[];
  lastError?: string;
}

export function ConnectorsView() {
  const c = usePoll(() => getJson<{ unavailable?: string; connectors: Connector[] }>('/console/api/connectors'), 3000);
  const list = c.data?.connectors ?? [];
  return (
    <section>
      <h2>Connectors</h2>
      <ErrorBox error={c.error} />
      {c.data?.unavailable !== undefined && (
        <div class="notice" data-testid="connectors-unavailable">
          No connectors: this server cannot list them. It says: <strong>{c.data.unavailable}</strong>
        </div>
      )}
      {c.data && c.data.unavailable === undefined && list.length === 0 && (
        <p class="muted" data-testid="connectors-empty">
          No connectors. Create one with CREATE SOURCE CONNECTOR or CREATE SINK CONNECTOR in the SQL editor.
        </p>
      )}
      {list.length > 0 && (
        <Table
          testid="connectors"
          head={['name', 'type', 'class', 'state', 'tasks', 'topics', 'last error']}
          rows={list.map((x) => [
            x.name,
            x.type,
            x.className,
            <span class={`state ${x.state}`}>{x.state}</span>,
            x.tasks.map((t) => `${t.id}: ${t.state}`).join(', '),
            x.topics.join(', '),
            x.lastError ? <pre class="error-text">{x.lastError}</pre> : '',
          ])}
        />
      )}
    </section>
  );
}
