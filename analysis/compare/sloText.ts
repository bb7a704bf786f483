import { sloCondition, SLO_METRICS, type Slos } from "../../domain/slos";
import { sameSlos, type Comparison } from "./comparison";
import { printable } from "./printable";

/** aiperf takes an SLO's threshold in the metric's display unit: ms for times, tokens for lengths and counts. */
function thresholdUnit(metric: string): string {
  const unit = Object.hasOwn(SLO_METRICS, metric) ? SLO_METRICS[metric].unit : undefined;
  return unit === undefined ? "" : ` ${unit}`;
}

/** `time_to_first_token ≤ 2000 ms and inter_token_latency ≤ 25 ms`. */
export function sloConditions(slos: Slos): string {
  const entries = Object.entries(slos);
  if (entries.length === 0) return "none recorded";
  // A summary.json may come from anywhere: its metric names are shown, never trusted.
  return entries.map(([metric, threshold]) => `${sloCondition(printable(metric), threshold)}${thresholdUnit(metric)}`).join(" and ");
}

/** The SLOs a good request meets, as one line: once when the runs share them, each run's otherwise. */
export function goodputSlosLine(comparison: Comparison): string {
  const before = comparison.baseline.summary.goodput.slos;
  const after = comparison.candidate.summary.goodput.slos;
  if (sameSlos(before, after))
    return `Goodput SLOs: ${sloConditions(before)}${Object.keys(before).length === 0 ? ", so goodput is not known" : ""}`;
  return `Goodput SLOs: baseline ${sloConditions(before)}; candidate ${sloConditions(after)}`;
}
