// The edited input line as a value, with pure editing operations.

export interface EditorState {
  text: string;
  cursor: number;
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
  home: (s: EditorState): EditorState => ({ ...s, cursor: 0 }),
  end: (s: EditorState): EditorState => ({ ...s, cursor: s.text.length }),
};
