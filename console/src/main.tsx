// The Eddy console: one page, one view per part of the server, chosen by the URL's hash.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { TopicsView, TopicView } from './views/topics';
import { SourcesView } from './views/sources';
import { QueriesView, QueryView } from './views/queries';
import { ConnectorsView } from './views/connectors';
import { SchemasView } from './views/schemas';
import { EditorView } from './views/editor';
import { PlotsView } from './views/plots';
import { HealthView } from './views/health';

const NAV: [string, string][] = [
  ['topics', 'Topics'],
  ['sources', 'Streams & tables'],
  ['queries', 'Queries'],
  ['connectors', 'Connectors'],
  ['schemas', 'Schemas'],
  ['sql', 'SQL'],
  ['plots', 'Plots'],
  ['health', 'Health'],
];

function useHash(): string[] {
  const parse = () => (location.hash.replace(/^#\/?/, '') || 'topics').split('/').map(decodeURIComponent);
  const [parts, setParts] = useState(parse);
  useEffect(() => {
    const on = () => setParts(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parts;
}

function View({ parts }: { parts: string[] }) {
  const [view, arg] = parts;
  switch (view) {
    case 'topics':
      return arg ? <TopicView name={arg} /> : <TopicsView />;
    case 'sources':
      return <SourcesView />;
    case 'queries':
      return arg ? <QueryView id={arg} /> : <QueriesView />;
    case 'connectors':
      return <ConnectorsView />;
    case 'schemas':
      return <SchemasView />;
    case 'sql':
      return <EditorView />;
    case 'plots':
      return <PlotsView />;
    case 'health':
      return <HealthView />;
    default:
      return <p class="error">No view '{view}'.</p>;
  }
}

function App() {
  const parts = useHash();
  return (
    <>
      <header>
        <h1>Eddy</h1>
        <nav>
          {NAV.map(([id, label]) => (
            <a href={`#/${id}`} class={parts[0] === id ? 'active' : ''} data-testid={`nav-${id}`}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        <View parts={parts} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
