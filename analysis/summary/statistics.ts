import type { StatKey } from "./metricChecks";

export const PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99] as const;

/** Every statistic of the results schema, all known. */
export type Distribution = Record<StatKey, number>;

/** The p-th percentile of sorted values, interpolated linearly between ranks: numpy's default, as aiperf uses. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
}

/** avg, min, max, population std and percentiles of a non-empty sample. */
export function describe(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const avg = sum / sorted.length;
  let squares = 0;
  for (const value of sorted) squares += (value - avg) ** 2;
  const stats = { avg, min: sorted[0], max: sorted[sorted.length - 1], std: Math.sqrt(squares / sorted.length) };
  const percentiles = Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, percentile(sorted, p)]));
  return { ...stats, ...percentiles } as Distribution;
}
