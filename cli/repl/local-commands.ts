// Commands the REPL handles itself (case-insensitive, optional trailing `;`).

export type LocalCommand =
  | { name: 'help' | 'exit' | 'clear' | 'history' | 'version' }
  | { name: 'server'; url?: string }
  | { name: 'output'; format?: string }
  | { name: 'run-script'; path: string }
  | { name: 'toggle-vertical' };

export function parseLocalCommand(line: string): LocalCommand | null {
  const text = line.trim().replace(/;\s*$/, '').trim();
  const lower = text.toLowerCase();
  if (['help', 'exit', 'quit', 'clear', 'history', 'version'].includes(lower)) {
    return { name: lower === 'quit' ? 'exit' : (lower as 'help' | 'exit' | 'clear' | 'history' | 'version') };
  }
  if (text === '\\x') return { name: 'toggle-vertical' };
  let m = /^server(?:\s+(\S+))?$/i.exec(text);
  if (m) return { name: 'server', url: m[1] };
  m = /^output(?:\s+(\S+))?$/i.exec(text);
  if (m) return { name: 'output', format: m[1] };
  // `RUN SCRIPT 'file';` is a statement; `run script file` is the local command.
  m = /^run\s+script\s+([^'\s].*)$/i.exec(text);
  if (m) return { name: 'run-script', path: m[1]!.trim() };
  return null;
}

export const HELP_TEXT = `Description:
  The Eddy CLI talks to an Eddy server over its ksqlDB-compatible REST API.
  Statements end with ';' and may span several lines.

First steps (the README's five-minute tutorial has the whole walk-through):
  SET 'auto.offset.reset' = 'earliest';      read topics from their start
  CREATE STREAM clicks (user STRING KEY, page STRING)
    WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
  INSERT INTO clicks (user, page) VALUES ('ann', '/home');
  CREATE STREAM home AS SELECT * FROM clicks WHERE page = '/home';
  SELECT * FROM home EMIT CHANGES LIMIT 1;   a push query: waits for rows
  SELECT * FROM clicks;                      a pull query: answers and ends
  SHOW STREAMS;  SHOW TABLES;  SHOW QUERIES;  DESCRIBE clicks;
  SELECT * FROM KSQL_PROCESSING_LOG;         records queries could not read
  SHOW TOPICS EXTENDED;                      topics, their consumers and lag
  PRINT 'clicks' FROM BEGINNING LIMIT 5;     the raw records of a topic
  (outside the REPL: eddy topic list|describe|produce|consume, see docs/topics.md)

Commands (case-insensitive, a trailing ';' is optional):
  help                    Show this help.
  exit                    Leave the CLI (Ctrl-D does the same).
  clear                   Clear the screen.
  history                 Show the input history.
  version                 Show the CLI version.
  server [url]            Show the server, or switch to another one.
  output [TABULAR|VERTICAL|JSON]
                          Show or change how results are printed
                          (also SET CLI OUTPUT VERTICAL;).
  \\x                      Toggle vertical output (one column per line).
  run script <path>       Run the statements of a file.

Client-side statements:
  SET 'property' = 'value';  UNSET 'property';     sent with every request
  DEFINE name = 'value';     UNDEFINE name;        variables for \${name}
  SHOW VARIABLES;            RUN SCRIPT 'path';

SELECT … EMIT CHANGES and PRINT stream results until LIMIT or Ctrl-C.
Enter on an unfinished statement starts a new line of it; Up/Down move between its
lines, then through the history. Ctrl-R searches the history, Ctrl-L clears the screen,
Ctrl-C at an empty prompt twice exits.`;
