// COUNT windows: windows of SIZE records per key, in the order the records arrive (offset
// order). Window j starts at the key's record number j * ADVANCE (0-based) and holds SIZE
// records; ADVANCE = SIZE gives tumbling windows, a smaller ADVANCE hopping ones. A window
// is complete, and emitted under EMIT FINAL, when its last record arrives. Its bounds are
// the earliest and the latest time of its records (the first and the last record's for
// time-ordered input); j is exposed as WINDOWSEQ.

/** The window numbers record number `i` of a key falls into, earliest first. */
export function countWindowsFor(i: number, size: number, advance: number): number[] {
  const out: number[] = [];
  for (let j = Math.max(0, Math.ceil((i - size + 1) / advance)); j * advance <= i; j++) out.push(j);
  return out;
}

/** Whether record number `i` is the last one of window `j`. */
export function completesCountWindow(i: number, j: number, size: number, advance: number): boolean {
  return i === j * advance + size - 1;
}
