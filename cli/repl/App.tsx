// The Ink view of the REPL: finished output above (never redrawn), then the live part:
// the progress of a running statement, or the editor with the statement being written
// (several lines when it is unfinished), a Ctrl-R search, and the connection state.

import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import { CONTINUATION, PROMPT, ReplController, type ReplHost, type Tone } from './controller.js';
import type { KsqlClient } from '../client.js';
import type { History } from './history.js';
import { LineEditor, type EditorState } from './line-editor.js';
import { HistorySearch, type SearchState } from './history-search.js';

interface Block {
  id: number;
  lines: string[];
  tone: Tone;
}

export interface AppProps {
  client: KsqlClient;
  history: History;
  banner: string[];
  host?: ReplHost;
  configure?: (controller: ReplController) => void;
}

const toneColor: Record<Tone, string | undefined> = { normal: undefined, error: 'red', info: 'gray' };

/** A ref and a state copy: keystrokes can arrive faster than React re-renders, so input handling reads refs. */
function useLive<T>(initial: T): [T, React.MutableRefObject<T>, (v: T) => void] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  return [value, ref, (v: T) => ((ref.current = v), setValue(v))];
}

export function App({ client, history, banner, host, configure }: AppProps): React.ReactElement {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const nextId = useRef(1);
  const [blocks, setBlocks] = useState<Block[]>([{ id: 0, lines: banner, tone: 'normal' }]);
  const [running, setRunning] = useState(false);
  const [editor, editorRef, setEditor] = useLive<EditorState>(LineEditor.empty());
  const [search, searchRef, setSearch] = useLive<SearchState | null>(null);
  const [armedExit, armedRef, setArmedExit] = useLive(false);
  const [progress, setProgress] = useState<string | null>(null);
  const [connection, setConnection] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const browseRef = useRef<number | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());

  // Output is coalesced for a few milliseconds so a fast push query redraws once per batch
  // of rows rather than once per row.
  const pendingBlocks = useRef<Block[]>([]);
  const flushTimer = useRef<NodeJS.Timeout | null>(null);
  const print = (lines: string[], tone: Tone = 'normal') => {
    const last = pendingBlocks.current.at(-1);
    if (last && last.tone === tone) last.lines.push(...lines);
    else pendingBlocks.current.push({ id: nextId.current++, lines: [...lines], tone });
    flushTimer.current ??= setTimeout(() => {
      flushTimer.current = null;
      const ready = pendingBlocks.current;
      pendingBlocks.current = [];
      setBlocks((prev) => [...prev, ...ready]);
    }, 15);
  };
  const clear = () => stdout.write('\x1b[2J\x1b[3J\x1b[H');

  const controller = useMemo(() => {
    const c = new ReplController(
      client,
      { print, clear, exit: () => exit(), busy: (b) => setRunning(b), progress: setProgress, connection: setConnection, status: setStatus },
      history,
      () => stdout.columns || 120,
      host,
    );
    configure?.(c);
    return c;
  }, []);

  useEffect(() => {
    controller.monitor.start();
    return () => {
      controller.monitor.stop();
      controller.catchUp.stop();
    };
  }, []);

  // Entries are handled one after the other, also when several were pasted at once.
  const submit = (text: string) => {
    queue.current = queue.current.then(async () => {
      print(
        text.split('\n').map((line, i) => (i === 0 ? PROMPT : CONTINUATION) + line),
        'info',
      );
      await controller.submitText(text);
    });
  };

  /** Enter: run the entry when it is whole, else go on on a new line of it. */
  const enter = (state: EditorState): EditorState => {
    if (controller.isComplete(state.text)) {
      submit(state.text);
      browseRef.current = null;
      return LineEditor.empty();
    }
    return LineEditor.insert(LineEditor.end(state), '\n');
  };

  const browse = (up: boolean) => {
    const entries = history.entries;
    if (entries.length === 0) return;
    let index = browseRef.current ?? entries.length;
    index = up ? Math.max(0, index - 1) : Math.min(entries.length, index + 1);
    browseRef.current = index === entries.length ? null : index;
    setEditor(LineEditor.withText(index === entries.length ? '' : entries[index]!));
  };

  const searchKeys = (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]): void => {
    const s = searchRef.current!;
    const entries = history.entries;
    if (key.ctrl && input === 'r') return setSearch(HistorySearch.older(s, entries));
    if ((key.ctrl && (input === 'g' || input === 'c')) || key.escape) return setSearch(null);
    if (key.backspace || key.delete) return setSearch(HistorySearch.backspace(s, entries));
    if (key.return || key.leftArrow || key.rightArrow || key.upArrow || key.downArrow || key.ctrl) {
      setEditor(LineEditor.withText(HistorySearch.match(s, entries)));
      setSearch(null);
      return;
    }
    if (input !== '' && !key.meta && !key.tab) setSearch(HistorySearch.type(s, entries, input));
  };

  useInput((input, key) => {
    const editor = editorRef.current;
    if (searchRef.current) return searchKeys(input, key);
    if (key.ctrl && input === 'c') {
      if (controller.cancel()) return;
      if (editor.text !== '') {
        setEditor(LineEditor.empty());
        setArmedExit(false);
        return;
      }
      if (armedRef.current) {
        exit();
        return;
      }
      setArmedExit(true);
      return;
    }
    setArmedExit(false);
    if (key.ctrl && input === 'l') {
      clear();
      return;
    }
    if (key.ctrl && input === 'd') {
      if (!controller.isRunning && editor.text === '') queue.current = queue.current.then(() => controller.requestExit());
      return;
    }
    if (controller.isRunning) return;
    if (key.ctrl && input === 'r') return setSearch(HistorySearch.start(history.entries));
    if (key.upArrow) {
      const moved = LineEditor.up(editor);
      return moved ? setEditor(moved) : browse(true);
    }
    if (key.downArrow) {
      const moved = LineEditor.down(editor);
      return moved ? setEditor(moved) : browse(false);
    }
    if (key.return) return setEditor(enter(editor));
    if (key.leftArrow) return setEditor(LineEditor.left(editor));
    if (key.rightArrow) return setEditor(LineEditor.right(editor));
    if (key.home || (key.ctrl && input === 'a')) return setEditor(LineEditor.home(editor));
    if (key.end || (key.ctrl && input === 'e')) return setEditor(LineEditor.end(editor));
    if (key.backspace || key.delete) return setEditor(LineEditor.backspace(editor));
    if (key.ctrl || key.meta || key.tab || key.escape) return;
    // Typed or pasted text; pasted text may hold several lines.
    const parts = input.split(/\r\n|\r|\n/);
    let state = editor;
    for (let i = 0; i < parts.length - 1; i++) state = enter(LineEditor.insert(state, parts[i]!));
    setEditor(LineEditor.insert(state, parts.at(-1)!));
  });

  return (
    <Box flexDirection="column">
      <Static items={blocks}>
        {(block) => (
          <Text key={block.id} color={toneColor[block.tone]}>
            {block.lines.join('\n')}
          </Text>
        )}
      </Static>
      {running ? (
        <Box flexDirection="column">
          {progress !== null ? <Text color="yellow">{progress}</Text> : null}
          <Text color="gray">Press Ctrl-C to interrupt</Text>
        </Box>
      ) : (
        <Box flexDirection="column">
          {armedExit ? <Text color="gray">Press Ctrl-C again to exit, or type a statement.</Text> : null}
          {search ? (
            <Text>
              <Text color="cyan">{`(reverse-i-search)'${search.query}': `}</Text>
              {HistorySearch.match(search, history.entries) || (search.query === '' ? '' : '(no match)')}
            </Text>
          ) : (
            <EditorView editor={editor} />
          )}
        </Box>
      )}
      {status !== null ? <Text color="yellow">{status}</Text> : null}
      {connection !== null ? <Text color="red">{connection}</Text> : null}
    </Box>
  );
}

/** The statement being written, one prompt per line, the cursor shown inverse. */
function EditorView({ editor }: { editor: EditorState }): React.ReactElement {
  const lines = editor.text.split('\n');
  let offset = 0;
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => {
        const start = offset;
        offset += line.length + 1;
        const here = editor.cursor >= start && editor.cursor <= start + line.length;
        const col = editor.cursor - start;
        return (
          <Text key={i}>
            <Text color="cyan">{i === 0 ? PROMPT : CONTINUATION}</Text>
            {here ? (
              <>
                {line.slice(0, col)}
                <Text inverse>{line[col] ?? ' '}</Text>
                {line.slice(col + 1)}
              </>
            ) : (
              line
            )}
          </Text>
        );
      })}
    </Box>
  );
}
