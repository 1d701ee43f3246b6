// COUNT_DISTINCT state: an exact set of 32-bit value hashes while small, then a HyperLogLog
// sketch (2^12 registers, about 1.6% standard error), both kept as JSON data.

import { valueKey } from '../values.js';

const EXACT_LIMIT = 4096;
const P = 12;
const M = 1 << P;

interface ExactState {
  h: number[];
}
interface SketchState {
  r: string; // base64 of M register bytes
}
type State = ExactState | SketchState;

/** FNV-1a over the UTF-16 code units, then a murmur-style finaliser for better bit spread. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashOf(v: unknown): number {
  const k = valueKey(v);
  return hash32(typeof k === 'string' ? `s${k}` : `${typeof k}:${String(k)}`);
}

function addToRegisters(regs: Uint8Array, h: number): void {
  const idx = h >>> (32 - P);
  const rest = (h << P) >>> 0;
  const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
  if (rank > regs[idx]!) regs[idx] = rank;
}

function toSketch(hashes: number[]): Uint8Array {
  const regs = new Uint8Array(M);
  for (const h of hashes) addToRegisters(regs, h);
  return regs;
}

export function countDistinctInit(): State {
  return { h: [] };
}

export function countDistinctAdd(s: unknown, v: unknown): State {
  const st = s as State;
  const h = hashOf(v);
  if ('h' in st) {
    if (st.h.includes(h)) return st;
    const next = [...st.h, h];
    if (next.length <= EXACT_LIMIT) return { h: next };
    return { r: Buffer.from(toSketch(next)).toString('base64') };
  }
  const regs = new Uint8Array(Buffer.from(st.r, 'base64'));
  addToRegisters(regs, h);
  return { r: Buffer.from(regs).toString('base64') };
}

export function countDistinctMerge(a: unknown, b: unknown): State {
  const x = a as State;
  const y = b as State;
  if ('h' in x && 'h' in y) {
    const set = new Set([...x.h, ...y.h]);
    if (set.size <= EXACT_LIMIT) return { h: [...set] };
    return { r: Buffer.from(toSketch([...set])).toString('base64') };
  }
  const rx = 'h' in x ? toSketch(x.h) : new Uint8Array(Buffer.from(x.r, 'base64'));
  const ry = 'h' in y ? toSketch(y.h) : new Uint8Array(Buffer.from(y.r, 'base64'));
  for (let i = 0; i < M; i++) if (ry[i]! > rx[i]!) rx[i] = ry[i]!;
  return { r: Buffer.from(rx).toString('base64') };
}

export function countDistinctEstimate(s: unknown): number {
  const st = s as State;
  if ('h' in st) return st.h.length;
  const regs = new Uint8Array(Buffer.from(st.r, 'base64'));
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < M; i++) {
    sum += 2 ** -regs[i]!;
    if (regs[i] === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / M);
  let e = (alpha * M * M) / sum;
  if (e <= 2.5 * M && zeros > 0) e = M * Math.log(M / zeros);
  return Math.round(e);
}
