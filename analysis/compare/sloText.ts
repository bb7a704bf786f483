import { sloCondition, SLO_METRICS, type Slos } from "../../domain/slos";
import type { RunSummary } from "../summary/resultsSchema";
import { printable } from "./printable";

/** aiperf takes an SLO's threshold in the metric's display unit: ms for times, tokens for lengths and counts. */
function thresholdUnit(metric: string): string {
  const unit = Object.hasOwn(SLO_METRICS, metric) ? SLO_METRICS[metric].unit : undefined;
  return unit === undefined ? "" : ` ${unit}`;
}

/** SLOs in a stable order, so that the same SLOs given in another order are the same. */
export function sameSlos(a: Record<string, number>, b: Record<string, number>): boolean {
  const text = (slos: Record<string, number>) => JSON.stringify(Object.entries(slos).sort(([x], [y]) => (x < y ? -1 : 1)));
  return text(a) === text(b);
}

/** `time_to_first_token ≤ 2000 ms and inter_token_latency ≤ 25 ms`. */
export function sloConditions(slos: Slos): string {
  const entries = Object.entries(slos);
  if (entries.length === 0) return "none recorded";
  // A summary.json may come from anywhere: its metric names are shown, never trusted.
  return entries.map(([metric, threshold]) => `${sloCondition(printable(metric), threshold)}${thresholdUnit(metric)}`).join(" and ");
}

/** The SLOs a good request meets, as one line: once when the runs share them, each run's otherwise. */
export function goodputSlosLine(comparison: { baseline: { summary: RunSummary }; candidate: { summary: RunSummary } }): string {
  const before = comparison.baseline.summary.goodput.slos;
  const after = comparison.candidate.summary.goodput.slos;
  if (sameSlos(before, after))
    return `Goodput SLOs: ${sloConditions(before)}${Object.keys(before).length === 0 ? ", so goodput is not known" : ""}`;
  return `Goodput SLOs: baseline ${sloConditions(before)}; candidate ${sloConditions(after)}`;
}
