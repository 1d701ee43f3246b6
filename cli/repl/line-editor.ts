// The edited input as a value, with pure editing operations. The text may span several
// lines (a statement being written); up/down move between them.

export interface EditorState {
  text: string;
  cursor: number;
}

/** Start index and column of the cursor's line. */
function lineOf(s: EditorState): { start: number; column: number } {
  const start = s.text.lastIndexOf('\n', s.cursor - 1) + 1;
  return { start, column: s.cursor - start };
}

export const LineEditor = {
  empty: (): EditorState => ({ text: '', cursor: 0 }),
  withText: (text: string): EditorState => ({ text, cursor: text.length }),
  insert: (s: EditorState, chars: string): EditorState => ({
    text: s.text.slice(0, s.cursor) + chars + s.text.slice(s.cursor),
    cursor: s.cursor + chars.length,
  }),
  backspace: (s: EditorState): EditorState =>
    s.cursor === 0 ? s : { text: s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), cursor: s.cursor - 1 },
  left: (s: EditorState): EditorState => ({ ...s, cursor: Math.max(0, s.cursor - 1) }),
  right: (s: EditorState): EditorState => ({ ...s, cursor: Math.min(s.text.length, s.cursor + 1) }),
  /** Start of the cursor's line. */
  home: (s: EditorState): EditorState => ({ ...s, cursor: lineOf(s).start }),
  /** End of the cursor's line. */
  end: (s: EditorState): EditorState => {
    const nl = s.text.indexOf('\n', s.cursor);
    return { ...s, cursor: nl < 0 ? s.text.length : nl };
  },
  /** The same column one line up, or null on the first line. */
  up: (s: EditorState): EditorState | null => {
    const { start, column } = lineOf(s);
    if (start === 0) return null;
    const prevStart = s.text.lastIndexOf('\n', start - 2) + 1;
    return { ...s, cursor: Math.min(prevStart + column, start - 1) };
  },
  /** The same column one line down, or null on the last line. */
  down: (s: EditorState): EditorState | null => {
    const { column } = lineOf(s);
    const nl = s.text.indexOf('\n', s.cursor);
    if (nl < 0) return null;
    const nextEnd = s.text.indexOf('\n', nl + 1);
    return { ...s, cursor: Math.min(nl + 1 + column, nextEnd < 0 ? s.text.length : nextEnd) };
  },
};
