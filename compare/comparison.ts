import { SummaryError, type RunSummary, type SummaryMetric } from "../summary/runSummary";
import type { RunInput } from "./runInput";

export const COMPARED_METRICS: SummaryMetric[] = ["time_to_first_token", "inter_token_latency", "request_latency"];
export const COMPARED_STATISTICS = ["avg", "p50", "p90", "p99"] as const;

export interface ComparisonRow {
  metric: SummaryMetric | "goodput";
  statistic: (typeof COMPARED_STATISTICS)[number] | "fraction";
  unit: string;
  baseline: number | null;
  candidate: number | null;
  /** (candidate − baseline) / baseline, in percent. */
  changePercent: number | null;
  /** candidate / baseline. */
  ratio: number | null;
}

export interface Comparison {
  baseline: { dir: string; summary: RunSummary };
  candidate: { dir: string; summary: RunSummary };
  rows: ComparisonRow[];
  /** Things that make the two runs less comparable than they look. */
  caveats: string[];
}

function row(
  metric: ComparisonRow["metric"],
  statistic: ComparisonRow["statistic"],
  unit: string,
  baseline: number | null,
  candidate: number | null,
): ComparisonRow {
  const comparable = baseline !== null && candidate !== null && baseline !== 0;
  return {
    metric,
    statistic,
    unit,
    baseline,
    candidate,
    changePercent: comparable ? ((candidate - baseline) / baseline) * 100 : null,
    ratio: comparable ? candidate / baseline : null,
  };
}

export function compareRuns(baseline: RunInput, candidate: RunInput): Comparison {
  const rows: ComparisonRow[] = [];
  for (const metric of COMPARED_METRICS) {
    const before = baseline.summary.metrics[metric];
    const after = candidate.summary.metrics[metric];
    // Converting ms to s is not exact in floating point, and side by side the numbers would mislead.
    if (before && after && before.unit !== after.unit) {
      throw new SummaryError(
        `${metric} is in ${before.unit} in ${baseline.dir} but in ${after.unit} in ${candidate.dir}: runs in different units are not compared`,
      );
    }
    for (const statistic of COMPARED_STATISTICS) {
      rows.push(row(metric, statistic, before?.unit ?? after?.unit ?? "", before?.[statistic] ?? null, after?.[statistic] ?? null));
    }
  }
  rows.push(row("goodput", "fraction", "", baseline.summary.goodput.fraction, candidate.summary.goodput.fraction));

  const caveats: string[] = [];
  const sloText = (slos: Record<string, number>) => JSON.stringify(Object.entries(slos).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (sloText(baseline.summary.goodput.slos) !== sloText(candidate.summary.goodput.slos)) {
    caveats.push("the two runs' goodput counts different SLOs");
  }
  if (baseline.summary.requests.total !== candidate.summary.requests.total) {
    caveats.push(
      `the runs sent different numbers of requests (${baseline.summary.requests.total} and ${candidate.summary.requests.total}): ` +
        "with a fixed schedule they replay the same trace only when both ran to the end",
    );
  }
  return { baseline: { dir: baseline.dir, summary: baseline.summary }, candidate: { dir: candidate.dir, summary: candidate.summary }, rows, caveats };
}
