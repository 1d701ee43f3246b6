// Aggregate functions; the conventions of aggregates.ts hold here too.
// STDDEV_SAMP, STDDEV_POP, VARIANCE and CORRELATION.

import type { AggregateImpl } from '../library.js';
import { Decimal } from '../../common/decimal.js';
import { type DoubleState, fromDoubleState, toDoubleState } from './state-codec.js';
// ---- STDDEV / CORRELATION / SUM_LIST -------------------------------------------------------

/** Count, sum and sum of squared deviations, updated like ksqlDB (the last digits depend on it). */
interface Moments {
  n: number;
  sum: DoubleState;
  m2: DoubleState;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  return Number(v);
}

export function variance(sample: 'variance' | 'stddev'): AggregateImpl {
  const add = (s: Moments, x: number): Moments => {
    const n = s.n;
    const sum = fromDoubleState(s.sum);
    let m2 = fromDoubleState(s.m2);
    if (n > 0) {
      const d = x * n - sum;
      m2 += (d * d) / (n * (n + 1));
    }
    return { n: n + 1, sum: toDoubleState(sum + x), m2: toDoubleState(m2) };
  };
  const remove = (s: Moments, x: number): Moments => {
    const n = s.n - 1;
    if (n <= 0) return { n: 0, sum: 0, m2: 0 };
    const sum = fromDoubleState(s.sum) - x;
    const d = x * n - sum;
    return { n, sum: toDoubleState(sum), m2: toDoubleState(fromDoubleState(s.m2) - (d * d) / (n * (n + 1))) };
  };
  return {
    initialize: (): Moments => ({ n: 0, sum: 0, m2: 0 }),
    aggregate: (s, args) => (args[0] === null ? s : add(s as Moments, toNumber(args[0]))),
    undo: (s, args) => (args[0] === null ? s : remove(s as Moments, toNumber(args[0]))),
    merge: (a, b) => {
      const x = a as Moments;
      const y = b as Moments;
      if (x.n === 0) return y;
      if (y.n === 0) return x;
      const n = x.n + y.n;
      const sx = fromDoubleState(x.sum);
      const sy = fromDoubleState(y.sum);
      const delta = sy / y.n - sx / x.n;
      return {
        n,
        sum: toDoubleState(sx + sy),
        m2: toDoubleState(fromDoubleState(x.m2) + fromDoubleState(y.m2) + (delta * delta * x.n * y.n) / n),
      };
    },
    result: (s) => {
      const st = s as Moments;
      if (st.n < 2) return 0;
      const v = fromDoubleState(st.m2) / (st.n - 1);
      return sample === 'stddev' ? Math.sqrt(v) : v;
    },
  };
}

interface CoMoments {
  n: number;
  sx: DoubleState;
  sy: DoubleState;
  sxx: DoubleState;
  syy: DoubleState;
  sxy: DoubleState;
}

export function correlation(): AggregateImpl {
  const f = fromDoubleState;
  const t = toDoubleState;
  const add = (s: CoMoments, x: number, y: number, sign: 1 | -1): CoMoments => ({
    n: s.n + sign,
    sx: t(f(s.sx) + sign * x),
    sy: t(f(s.sy) + sign * y),
    sxx: t(f(s.sxx) + sign * x * x),
    syy: t(f(s.syy) + sign * y * y),
    sxy: t(f(s.sxy) + sign * x * y),
  });
  return {
    initialize: (): CoMoments => ({ n: 0, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0 }),
    aggregate: (s, args) =>
      args[0] === null || args[1] === null ? s : add(s as CoMoments, toNumber(args[0]), toNumber(args[1]), 1),
    undo: (s, args) =>
      args[0] === null || args[1] === null ? s : add(s as CoMoments, toNumber(args[0]), toNumber(args[1]), -1),
    merge: (a, b) => {
      const x = a as CoMoments;
      const y = b as CoMoments;
      return {
        n: x.n + y.n,
        sx: t(f(x.sx) + f(y.sx)),
        sy: t(f(x.sy) + f(y.sy)),
        sxx: t(f(x.sxx) + f(y.sxx)),
        syy: t(f(x.syy) + f(y.syy)),
        sxy: t(f(x.sxy) + f(y.sxy)),
      };
    },
    result: (s) => {
      const st = s as CoMoments;
      const n = st.n;
      if (n < 2) return NaN;
      const sx = f(st.sx);
      const sy = f(st.sy);
      return (n * f(st.sxy) - sx * sy) / Math.sqrt((n * f(st.sxx) - sx * sx) * (n * f(st.syy) - sy * sy));
    },
  };
}
