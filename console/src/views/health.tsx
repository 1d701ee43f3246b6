// Every component's health, what is wrong and how to fix it (/console/api/health, as `eddy doctor`).

import { getJson } from '../api';
import { ErrorBox, Table, usePoll } from '../ui';

interface Component {
  component: string;
  status: 'ok' | 'warning' | 'error' | 'unavailable';
  message: string;
  fix?: string;
}

export function HealthView() {
  const h = usePoll(() => getJson<{ healthy: boolean; components: Component[] }>('/console/api/health'), 3000);
  return (
    <section>
      <h2>
        Health{' '}
        {h.data && (
          <span class={`state ${h.data.healthy ? 'RUNNING' : 'ERROR'}`} data-testid="health-overall">
            {h.data.healthy ? 'healthy' : 'something is wrong'}
          </span>
        )}
      </h2>
      <ErrorBox error={h.error} />
      <Table
        testid="health"
        head={['component', 'status', 'what', 'how to fix']}
        rows={(h.data?.components ?? []).map((c) => [c.component, <span class={`health ${c.status}`}>{c.status}</span>, c.message, c.fix ?? ''])}
      />
    </section>
  );
}
