import * as z from "zod/mini";
import { UserError } from "../lib/userError";
import { formatCount } from "../lib/numbers";

/** aiperf's --goodput syntax: space-separated `metric:threshold` pairs, thresholds in the metric's unit. */
const sloPair = z
  .string()
  .check(z.regex(/^[a-z0-9_]+:[^:]*$/, { error: 'each SLO is written "metric:threshold", such as "time_to_first_token:2000"' }));

/** A threshold as aiperf reads one (`float()`, yangligt2/aiperf@c2f5e9d4 src/aiperf/config/loader/parsing.py:345): an exponent too. */
const THRESHOLD = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export type Slos = Record<string, number>;

/**
 * The per-request metrics an SLO can name; whether larger is better (aiperf's MetricFlags.LARGER_IS_BETTER): such a
 * request is good at `value >= threshold`, any other at `value <= threshold`; and the unit aiperf records it in, its
 * display unit, which its threshold is in (src/aiperf/metrics/types/good_request_count_metric.py, src/aiperf/metrics/types/*
 * and src/aiperf/common/enums/metric_enums.py:133-155, 185-205, 352-366, yangligt2/aiperf @
 * c2f5e9d459005d362457716bbd865d247232fa30, aiperf 0.12.0, the nearest to the pinned 0.13.0 that could be read). A time
 * read in another time unit is converted to ms first.
 */
export const SLO_METRICS: Record<string, { largerIsBetter: boolean; unit: SloUnit }> = {
  time_to_first_token: { largerIsBetter: false, unit: "ms" },
  time_to_second_token: { largerIsBetter: false, unit: "ms" },
  time_to_first_output_token: { largerIsBetter: false, unit: "ms" },
  inter_token_latency: { largerIsBetter: false, unit: "ms" },
  request_latency: { largerIsBetter: false, unit: "ms" },
  decode_duration: { largerIsBetter: false, unit: "ms" },
  output_token_throughput_per_user: { largerIsBetter: true, unit: "tokens/sec/user" },
  e2e_output_token_throughput: { largerIsBetter: true, unit: "tokens/sec/user" },
  prefill_throughput_per_user: { largerIsBetter: true, unit: "tokens/sec/user" },
  input_sequence_length: { largerIsBetter: true, unit: "tokens" },
  output_sequence_length: { largerIsBetter: true, unit: "tokens" },
  output_token_count: { largerIsBetter: true, unit: "tokens" },
  reasoning_token_count: { largerIsBetter: true, unit: "tokens" },
};

type SloUnit = "ms" | "tokens/sec/user" | "tokens";

/**
 * The thresholds an SLO may set, from 0, in its metric's unit. A time past a day can never be missed:
 * aiperf times a request out after 6 hours by default (yangligt2/aiperf@c2f5e9d4 src/aiperf/config/endpoint.py:58),
 * and the benchmark Job sets no other; such a threshold is a typo, as 1e12 ms (31 years) is. A billion tokens,
 * or tokens a second for one user, is past any model's context and any engine's speed.
 */
export const SLO_THRESHOLD_MAX: Record<SloUnit, { max: number; says: string }> = {
  ms: { max: 86_400_000, says: "ms, a day" },
  "tokens/sec/user": { max: 1e9, says: "tokens/sec/user" },
  tokens: { max: 1e9, says: "tokens" },
};

/** Whether a measured value meets the SLO on its metric, in aiperf's direction for that metric. */
export function meetsSlo(metric: string, value: number, threshold: number): boolean {
  return SLO_METRICS[metric]?.largerIsBetter ? value >= threshold : value <= threshold;
}

/** The condition an SLO sets, as people read it: `time_to_first_token ≤ 1000`. */
export function sloCondition(metric: string, threshold: number): string {
  return `${metric} ${SLO_METRICS[metric]?.largerIsBetter ? "≥" : "≤"} ${threshold}`;
}

export function parseGoodput(text: string): Slos {
  const pairs = text.trim().split(/\s+/).filter(Boolean);
  if (pairs.length === 0) throw new GoodputError('--goodput: give at least one SLO, such as "time_to_first_token:2000"');
  const slos: Slos = {};
  for (const pair of pairs) {
    const shown = pair.length > 60 ? `${pair.slice(0, 60)}…` : pair;
    const parsed = sloPair.safeParse(pair);
    if (!parsed.success) throw new GoodputError(`--goodput: "${shown}": ${parsed.error.issues[0].message}`);
    const [metric, threshold] = pair.split(":");
    // A misspelled metric would otherwise be missing from every request, and goodput 0%.
    if (!Object.hasOwn(SLO_METRICS, metric)) {
      throw new GoodputError(
        `--goodput: "${shown}": aiperf has no per-request metric "${metric}"; ` +
          `the metrics allowed are: ${Object.keys(SLO_METRICS).join(", ")}`,
      );
    }
    if (Object.hasOwn(slos, metric)) throw new GoodputError(`--goodput: "${metric}" is given twice; give each metric one threshold`);
    // 400 nines, or 1e400, are Infinity to a double: the range refuses them with the rest.
    const value = THRESHOLD.test(threshold) ? Number(threshold) : NaN;
    const { max, says } = SLO_THRESHOLD_MAX[SLO_METRICS[metric].unit];
    if (!(value >= 0 && value <= max)) {
      throw new GoodputError(`--goodput: "${shown}": the threshold of ${metric} must be from 0 to ${formatCount(max)} (${says})`);
    }
    slos[metric] = value;
  }
  return slos;
}

export class GoodputError extends UserError {}
