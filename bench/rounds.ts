// Alternating rounds: Eddy and its baseline run turn about (baseline, Eddy, baseline, …) in
// one process, so both see the same machine load; the figure is the median of the
// per-round ratios (Eddy's rate over the baseline's), with its spread (min–max and IQR).

export interface RoundResult {
  ms: number;
  /** A line of detail for this round (records produced, RSS, …). */
  note?: string;
}

export interface RoundsSummary {
  eddyPerSecond: number;
  baselinePerSecond: number;
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  ratioIqr: [number, number];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Quartiles by linear interpolation between closest ranks. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const rate = (n: number) => Math.round(n).toLocaleString('en-US');

export async function alternate(options: {
  label: string;
  records: number;
  rounds: number;
  baseline: (round: number) => Promise<RoundResult> | RoundResult;
  eddy: (round: number) => Promise<RoundResult>;
  /** What the two sides are called in the output (default: baseline and eddy). */
  names?: { baseline: string; eddy: string };
}): Promise<RoundsSummary> {
  const { label, records, rounds } = options;
  const names = options.names ?? { baseline: 'baseline', eddy: 'eddy' };
  const eddy: number[] = [];
  const base: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const b = await options.baseline(round);
    const e = await options.eddy(round);
    const bRate = (records / b.ms) * 1000;
    const eRate = (records / e.ms) * 1000;
    base.push(bRate);
    eddy.push(eRate);
    ratios.push(eRate / bRate);
    const notes = [b.note && `${names.baseline}: ${b.note}`, e.note && `${names.eddy}: ${e.note}`].filter(Boolean).join('; ');
    console.log(
      `  ${label} round ${round + 1}/${rounds}: ${names.baseline} ${rate(bRate)}/s, ${names.eddy} ${rate(eRate)}/s, ratio ${(eRate / bRate).toFixed(2)}${notes ? ` (${notes})` : ''}`,
    );
  }
  const summary: RoundsSummary = {
    eddyPerSecond: median(eddy),
    baselinePerSecond: median(base),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    ratioIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
  };
  console.log(
    `  ${label}: ${names.eddy} median ${rate(summary.eddyPerSecond)} records/s (${rate(Math.min(...eddy))}–${rate(Math.max(...eddy))}), ` +
      `${names.baseline} median ${rate(summary.baselinePerSecond)} records/s (${rate(Math.min(...base))}–${rate(Math.max(...base))})`,
  );
  console.log(
    `  ${label}: median ratio ${summary.ratio.toFixed(2)} over ${rounds} rounds, spread ${summary.ratioMin.toFixed(2)}–${summary.ratioMax.toFixed(2)}, ` +
      `IQR ${summary.ratioIqr[0].toFixed(2)}–${summary.ratioIqr[1].toFixed(2)}`,
  );
  return summary;
}

export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
