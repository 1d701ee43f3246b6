// Topics: partitions, offsets, consumer groups with lag; a topic's live tail.

import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from '../api';
import { ErrorBox, Table, usePoll } from '../ui';

interface GroupLag {
  groupId: string;
  state: string;
  consumers: number;
  lag: number;
  partitions: { partition: number; committed: number | null; end: number; lag: number | null }[];
}

interface Topic {
  name: string;
  partitions: { partition: number; start: number; end: number }[];
  replicationFactor: number;
  messages: number;
  lag: number;
  consumerGroups: GroupLag[];
}

export function TopicsView() {
  const [all, setAll] = useState(false);
  const topics = usePoll(() => getJson<{ topics: Topic[] }>(`/console/api/topics?all=${all}`), 3000, [all]);
  return (
    <section>
      <h2>Topics</h2>
      <label>
        <input type="checkbox" checked={all} onChange={(e) => setAll((e.target as HTMLInputElement).checked)} /> internal topics too
      </label>
      <ErrorBox error={topics.error} />
      <Table
        testid="topics"
        head={['topic', 'partitions', 'records', 'end offsets', 'consumer groups', 'lag']}
        rows={(topics.data?.topics ?? []).map((t) => [
          <a href={`#/topics/${encodeURIComponent(t.name)}`}>{t.name}</a>,
          t.partitions.length,
          t.messages,
          t.partitions.map((p) => p.end).join(', '),
          t.consumerGroups.length,
          t.lag,
        ])}
      />
    </section>
  );
}

interface TailRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

interface TailAnswer {
  decodedWith?: string;
  positions: number[];
  keyFormat: string;
  valueFormat: string;
  records: TailRecord[];
}

const KEEP = 200;

function Tail({ topic }: { topic: string }) {
  const [from, setFrom] = useState('recent');
  const [running, setRunning] = useState(true);
  const [records, setRecords] = useState<TailRecord[]>([]);
  const [formats, setFormats] = useState({ key: '', value: '', source: '' });
  const [error, setError] = useState<string>();
  const positions = useRef<number[] | undefined>(undefined);

  useEffect(() => {
    positions.current = undefined;
    setRecords([]);
  }, [topic, from]);

  useEffect(() => {
    if (!running) return;
    let alive = true;
    const loop = async () => {
      while (alive) {
        try {
          const where = positions.current ? `positions=${positions.current.join(',')}` : `from=${from}`;
          const a = await getJson<TailAnswer>(`/console/api/topics/${encodeURIComponent(topic)}/records?${where}&wait=1000&max=200`);
          if (!alive) return;
          positions.current = a.positions;
          setError(undefined);
          if (a.records.length > 0) {
            setFormats({ key: a.keyFormat, value: a.valueFormat, source: a.decodedWith ?? '' });
            setRecords((old) => [...[...a.records].sort((x, y) => y.timestamp - x.timestamp || y.offset - x.offset), ...old].slice(0, KEEP));
          }
        } catch (err) {
          if (!alive) return;
          setError((err as Error).message);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    };
    void loop();
    return () => {
      alive = false;
    };
  }, [topic, from, running]);

  return (
    <div>
      <h3>Live tail</h3>
      <div class="toolbar">
        <select value={from} onChange={(e) => setFrom((e.target as HTMLSelectElement).value)} data-testid="tail-from">
          <option value="recent">last records</option>
          <option value="beginning">from the beginning</option>
          <option value="end">new records only</option>
        </select>
        <button onClick={() => setRunning(!running)} data-testid="tail-toggle">
          {running ? 'Pause' : 'Resume'}
        </button>
        <span data-testid="tail-status">
          {running ? 'tailing' : 'paused'} · {records.length} records
          {formats.value ? ` · key ${formats.key || '–'}, value ${formats.value}` : ''}
          {formats.source ? ` (as declared by ${formats.source})` : formats.value ? ' (guessed from the bytes)' : ''}
        </span>
      </div>
      <ErrorBox error={error} />
      <Table
        testid="tail"
        head={['partition', 'offset', 'time', 'key', 'headers', 'value']}
        rows={records.map((r) => [
          r.partition,
          r.offset,
          new Date(r.timestamp).toISOString(),
          r.key ?? 'null',
          r.headers.map((h) => `${h.key}=${h.value ?? 'null'}`).join(', '),
          <code>{r.value ?? 'null (tombstone)'}</code>,
        ])}
      />
    </div>
  );
}

export function TopicView({ name }: { name: string }) {
  const topics = usePoll(() => getJson<{ topics: Topic[] }>('/console/api/topics?all=true'), 3000, [name]);
  const t = topics.data?.topics.find((x) => x.name === name);
  return (
    <section>
      <h2>
        Topic <span data-testid="topic-name">{name}</span>
      </h2>
      <ErrorBox error={topics.error ?? (topics.data && !t ? `No topic '${name}'` : undefined)} />
      {t && (
        <>
          <Table
            testid="partitions"
            head={['partition', 'start offset', 'end offset', 'records']}
            rows={t.partitions.map((p) => [p.partition, p.start, p.end, p.end - p.start])}
          />
          <h3>Consumer groups</h3>
          {t.consumerGroups.length === 0 ? (
            <p class="muted">No consumer group reads this topic.</p>
          ) : (
            <Table
              testid="groups"
              head={['group', 'state', 'consumers', 'lag', 'per partition (committed / end)']}
              rows={t.consumerGroups.map((g) => [
                g.groupId,
                g.state,
                g.consumers,
                g.lag,
                g.partitions.map((p) => `${p.partition}: ${p.committed ?? '–'} / ${p.end}`).join(', '),
              ])}
            />
          )}
        </>
      )}
      <Tail topic={name} />
    </section>
  );
}
