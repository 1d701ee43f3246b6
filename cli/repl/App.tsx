// The Ink view of the REPL: finished output above (never redrawn), then either the live
// query hint or the prompt with the line being edited.

import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import { ReplController, type Tone } from './controller.js';
import type { KsqlClient } from '../client.js';
import type { History } from './history.js';
import { LineEditor, type EditorState } from './line-editor.js';

interface Block {
  id: number;
  lines: string[];
  tone: Tone;
}

export interface AppProps {
  client: KsqlClient;
  history: History;
  banner: string[];
  configure?: (controller: ReplController) => void;
}

const toneColor: Record<Tone, string | undefined> = { normal: undefined, error: 'red', info: 'gray' };

export function App({ client, history, banner, configure }: AppProps): React.ReactElement {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const nextId = useRef(1);
  const [blocks, setBlocks] = useState<Block[]>([{ id: 0, lines: banner, tone: 'normal' }]);
  const [running, setRunning] = useState(false);
  // Keystrokes can arrive faster than React re-renders, so input handling reads and writes
  // refs; the state copies only drive what is drawn.
  const [editor, setEditorState] = useState<EditorState>(LineEditor.empty());
  const editorRef = useRef(editor);
  const setEditor = (s: EditorState) => {
    editorRef.current = s;
    setEditorState(s);
  };
  const [prompt, setPrompt] = useState('eddy> ');
  const [armedExit, setArmedExitState] = useState(false);
  const armedRef = useRef(false);
  const setArmedExit = (b: boolean) => {
    armedRef.current = b;
    setArmedExitState(b);
  };
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

  const controller = useMemo(() => {
    const c = new ReplController(
      client,
      {
        print,
        clear: () => {
          stdout.write('\x1b[2J\x1b[3J\x1b[H');
        },
        exit: () => exit(),
        busy: (b) => setRunning(b),
      },
      history,
      () => stdout.columns || 120,
    );
    configure?.(c);
    return c;
  }, []);

  // Lines are handled one after the other, also when several were pasted at once.
  const submit = (line: string) => {
    queue.current = queue.current.then(async () => {
      print([controller.prompt + line], 'info');
      await controller.submitLine(line);
      setPrompt(controller.prompt);
    });
  };

  useInput((input, key) => {
    const editor = editorRef.current;
    const running = controller.isRunning;
    if (key.ctrl && input === 'c') {
      if (controller.cancel()) return;
      if (editor.text !== '' || controller.hasPendingInput) {
        controller.discardPending();
        setPrompt(controller.prompt);
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
    if (key.ctrl && input === 'd') {
      if (!running && editor.text === '') exit();
      return;
    }
    if (running) return;
    if (key.upArrow || key.downArrow) {
      const entries = history.entries;
      if (entries.length === 0) return;
      let index = browseRef.current ?? entries.length;
      index = key.upArrow ? Math.max(0, index - 1) : Math.min(entries.length, index + 1);
      browseRef.current = index === entries.length ? null : index;
      setEditor(LineEditor.withText(index === entries.length ? '' : entries[index]!));
      return;
    }
    if (key.return) {
      const line = editor.text;
      setEditor(LineEditor.empty());
      browseRef.current = null;
      submit(line);
      return;
    }
    if (key.leftArrow) return setEditor(LineEditor.left(editor));
    if (key.rightArrow) return setEditor(LineEditor.right(editor));
    if (key.home || (key.ctrl && input === 'a')) return setEditor(LineEditor.home(editor));
    if (key.end || (key.ctrl && input === 'e')) return setEditor(LineEditor.end(editor));
    if (key.backspace || key.delete) return setEditor(LineEditor.backspace(editor));
    if (key.ctrl || key.meta || key.tab || key.escape) return;
    // Typed or pasted text; pasted text may hold several lines.
    const parts = input.split(/\r\n|\r|\n/);
    let state = editor;
    for (let i = 0; i < parts.length - 1; i++) {
      const line = LineEditor.insert(state, parts[i]!).text;
      state = LineEditor.empty();
      submit(line);
    }
    setEditor(LineEditor.insert(state, parts.at(-1)!));
  });

  useEffect(() => {
    if (!running) setPrompt(controller.prompt);
  }, [running]);

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
        <Text color="gray">Press Ctrl-C to interrupt</Text>
      ) : (
        <Box flexDirection="column">
          {armedExit ? <Text color="gray">Press Ctrl-C again to exit, or type a statement.</Text> : null}
          <Text>
            <Text color="cyan">{prompt}</Text>
            {editor.text.slice(0, editor.cursor)}
            <Text inverse>{editor.text[editor.cursor] ?? ' '}</Text>
            {editor.text.slice(editor.cursor + 1)}
          </Text>
        </Box>
      )}
    </Box>
  );
}
