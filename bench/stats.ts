/** Small statistics for benchmarks on shared, noisy machines: medians and percentiles, never single runs. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
