// Subjects of the schema registry with every version.

import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { ErrorBox, Table, usePoll } from '../ui';

interface Subject {
  subject: string;
  versions: { version: number; id: number; schemaType: string; schema: string }[];
}

export function SchemasView() {
  const s = usePoll(() => getJson<{ registry: string; subjects: Subject[] }>('/console/api/schemas'), 5000);
  const [open, setOpen] = useState<string>();
  const subjects = s.data?.subjects ?? [];
  const shown = subjects.find((x) => x.subject === open);
  return (
    <section>
      <h2>Schemas</h2>
      <ErrorBox error={s.error} />
      {s.data && <p class="muted">Registry: {s.data.registry}. {subjects.length === 0 ? 'No subject registered yet.' : ''}</p>}
      <Table
        testid="subjects"
        head={['subject', 'versions', 'latest id', 'type']}
        rows={subjects.map((x) => [
          <a href="javascript:void 0" onClick={() => setOpen(x.subject)}>{x.subject}</a>,
          x.versions.map((v) => v.version).join(', '),
          x.versions.at(-1)?.id ?? '',
          x.versions.at(-1)?.schemaType ?? '',
        ])}
      />
      {shown &&
        shown.versions.map((v) => (
          <div class="panel">
            <h3>
              {shown.subject} version {v.version} (id {v.id}, {v.schemaType})
            </h3>
            <pre>{v.schema.startsWith('{') ? JSON.stringify(JSON.parse(v.schema), null, 2) : v.schema}</pre>
          </div>
        ))}
    </section>
  );
}
