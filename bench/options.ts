// Command-line options every bench shares: `--records N` shortens the rounds (development),
// `--rounds N` sets how many alternating rounds of Eddy and its baseline run (at least 5).

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} needs a positive whole number, got '${text}'`);
    process.exit(2);
  }
  return n;
}

/** Records per round: --records N, else EDDY_BENCH_RECORDS, else the bench's default. */
export function benchRecords(fallback: number): number {
  return positive('--records', option('--records') ?? process.env.EDDY_BENCH_RECORDS, fallback);
}

/** Rounds of each side: --rounds N (at least 5), else EDDY_BENCH_ROUNDS, else 5. */
export function benchRounds(): number {
  const n = positive('--rounds', option('--rounds') ?? process.env.EDDY_BENCH_ROUNDS, 5);
  if (n < 5) {
    console.error('--rounds must be at least 5: a median of fewer alternating rounds says little');
    process.exit(2);
  }
  return n;
}

/** A flag without a value, e.g. --no-rss. */
export function flag(name: string): boolean {
  return process.argv.includes(name);
}

export { option };
