/** The statistics of a metric summary, in the order summary.json writes them. */
export const STAT_KEYS = ["avg", "min", "max", "std", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"] as const;
export type StatKey = (typeof STAT_KEYS)[number];

/** From the smallest to the largest: each at most the next. */
const RISING = ["min", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "max"] as const;

/** Times and token counts, which cannot be below zero. */
const NON_NEGATIVE_UNITS = new Set(["ms", "ns", "us", "sec", "s", "tokens"]);

// Rounding lets an average of equal values, or an interpolated percentile, come out an ulp past its neighbour.
const atMost = (low: number, high: number) => low <= high + 1e-9 * Math.max(Math.abs(low), Math.abs(high));

export type Statistics = { unit: string } & Partial<Record<StatKey, number | null>>;

/**
 * Why a metric's statistics cannot come from any run, naming the statistic; undefined when they
 * can. A statistic that is null (unknown) is never a problem.
 */
export function statisticsProblem(stats: Statistics): { statistic: StatKey; problem: string } | undefined {
  const known = (key: StatKey) => (typeof stats[key] === "number" ? (stats[key] as number) : undefined);
  for (const key of STAT_KEYS) {
    const value = known(key);
    if (value === undefined) continue;
    if (!Number.isFinite(value)) return { statistic: key, problem: "is not a finite number" };
    if (value < 0 && (key === "std" || NON_NEGATIVE_UNITS.has(stats.unit))) {
      return {
        statistic: key,
        problem: `is negative (${value}), which no ${key === "std" ? "standard deviation" : `value in ${stats.unit}`} is`,
      };
    }
  }
  let below: StatKey | undefined;
  for (const key of RISING) {
    const value = known(key);
    if (value === undefined) continue;
    if (below !== undefined && !atMost(known(below)!, value)) {
      return { statistic: key, problem: `is ${value}, less than ${below} (${known(below)}); they must rise from min to max` };
    }
    below = key;
  }
  const [avg, min, max] = [known("avg"), known("min"), known("max")];
  if (avg !== undefined && min !== undefined && !atMost(min, avg))
    return { statistic: "avg", problem: `is ${avg}, less than min (${min})` };
  if (avg !== undefined && max !== undefined && !atMost(avg, max))
    return { statistic: "avg", problem: `is ${avg}, more than max (${max})` };
  return undefined;
}
