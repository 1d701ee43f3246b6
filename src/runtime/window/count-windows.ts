// COUNT windows: windows of SIZE records per key, in the order the records arrive (offset
// order). Window j starts at the key's record number j * ADVANCE (0-based) and holds SIZE
// records; ADVANCE = SIZE gives tumbling windows, a smaller ADVANCE hopping ones. A window
// is complete, and emitted under EMIT FINAL, when its last record arrives. Its bounds are
// the time of its first and of its last record so far (in offset order, so WINDOWEND is
// below WINDOWSTART when time went back); j is exposed as WINDOWSEQ. Keys use the session
// layout (both bounds); under EMIT CHANGES a window whose end moved first gets a tombstone
// for its previous bounds.

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
