// Streams and tables, each with its columns (DESCRIBE).

import { useState } from 'preact/hooks';
import { ksqlOne } from '../api';
import { ErrorBox, Table, usePoll } from '../ui';

interface Source {
  name: string;
  topic: string;
  keyFormat: string;
  valueFormat: string;
  isWindowed: boolean;
}

interface Field {
  name: string;
  type?: string;
  schema: { type: string };
}

function Describe({ name }: { name: string }) {
  const d = usePoll(() => ksqlOne(`DESCRIBE \`${name}\`;`), 0, [name]);
  const desc = d.data?.sourceDescription as { fields: Field[]; readQueries: { id: string }[]; writeQueries: { id: string }[] } | undefined;
  return (
    <div class="panel" data-testid="describe">
      <h3>{name}</h3>
      <ErrorBox error={d.error} />
      {desc && (
        <>
          <Table head={['column', 'type', '']} rows={desc.fields.map((f) => [f.name, f.schema.type, f.type === 'KEY' ? 'KEY' : ''])} />
          <p>
            Written by: {desc.writeQueries.map((q) => <a href={`#/queries/${q.id}`}>{q.id} </a>)} Read by:{' '}
            {desc.readQueries.map((q) => <a href={`#/queries/${q.id}`}>{q.id} </a>)}
          </p>
        </>
      )}
    </div>
  );
}

export function SourcesView() {
  const streams = usePoll(() => ksqlOne('SHOW STREAMS;'), 5000);
  const tables = usePoll(() => ksqlOne('SHOW TABLES;'), 5000);
  const [open, setOpen] = useState<string>();
  const rows = (list: unknown, kind: string) =>
    ((list as Source[] | undefined) ?? []).map((s) => [
      <a href="javascript:void 0" onClick={() => setOpen(s.name)}>{s.name}</a>,
      kind,
      <a href={`#/topics/${encodeURIComponent(s.topic)}`}>{s.topic}</a>,
      s.keyFormat,
      s.valueFormat,
      s.isWindowed ? 'yes' : '',
    ]);
  return (
    <section>
      <h2>Streams and tables</h2>
      <ErrorBox error={streams.error ?? tables.error} />
      <Table
        testid="sources"
        head={['name', 'kind', 'topic', 'key format', 'value format', 'windowed']}
        rows={[...rows(streams.data?.streams, 'STREAM'), ...rows(tables.data?.tables, 'TABLE')]}
      />
      {open && <Describe name={open} />}
    </section>
  );
}
