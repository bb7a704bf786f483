import { SummaryError } from "../summary/runSummary";
import type { RunSummary, SummaryMetric } from "../summary/resultsSchema";
import type { RunInput } from "./runInput";
import { predictionNotes } from "./predictedBesideMeasured";
import { sameSlos } from "./sloText";
import { knownGoodput } from "../summary/knownGoodput";

export const COMPARED_METRICS: SummaryMetric[] = ["time_to_first_token", "inter_token_latency", "request_latency"];
export const COMPARED_STATISTICS = ["avg", "p50", "p90", "p99"] as const;

export interface ComparisonRow {
  metric: SummaryMetric | "failed_requests" | "goodput";
  statistic: (typeof COMPARED_STATISTICS)[number] | "fraction";
  unit: string;
  baseline: number | null;
  candidate: number | null;
  /** (candidate − baseline) / baseline, in percent; null for a fraction of requests, whose change is in points. */
  changePercent: number | null;
  /** (candidate − baseline) × 100 for a fraction of requests: 0.6485 → 0.8460 is +19.75 points; null for the rest. */
  changePoints: number | null;
  /** candidate / baseline; null for a fraction of requests. */
  ratio: number | null;
}

/** One side of a comparison: where it came from, what it is called, and its summary. */
export type ComparedRun = RunInput;

export interface Comparison {
  baseline: ComparedRun;
  candidate: ComparedRun;
  rows: ComparisonRow[];
  /** Things that make the two runs less comparable than they look. */
  caveats: string[];
  /** Things about the inputs that do not change the figures, such as a run.json that could not be used. */
  notes: string[];
}

function relativeRow(
  metric: SummaryMetric,
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
    changePoints: null,
    ratio: comparable ? candidate / baseline : null,
  };
}

// A relative change of a fraction reads as a larger move than it is: 64.85% → 84.60% is +30.5% but +19.75 points.
function fractionRow(metric: "failed_requests" | "goodput", baseline: number | null, candidate: number | null): ComparisonRow {
  return {
    metric,
    statistic: "fraction",
    unit: "",
    baseline,
    candidate,
    changePercent: null,
    changePoints: baseline !== null && candidate !== null ? (candidate - baseline) * 100 : null,
    ratio: null,
  };
}

function failedFraction({ requests }: RunSummary): number | null {
  return requests.total > 0 ? requests.failed / requests.total : null;
}

export function compareRuns(baseline: RunInput, candidate: RunInput): Comparison {
  const rows: ComparisonRow[] = [];
  for (const metric of COMPARED_METRICS) {
    const before = baseline.summary.metrics[metric];
    const after = candidate.summary.metrics[metric];
    // Converting ms to s is not exact in floating point, and side by side the numbers would mislead.
    if (before && after && before.unit !== after.unit) {
      throw new SummaryError(
        `${metric} is in ${before.unit} in ${baseline.dir} but in ${after.unit} in ${candidate.dir}: ` +
          "runs in different units are not compared",
      );
    }
    for (const statistic of COMPARED_STATISTICS) {
      rows.push(relativeRow(metric, statistic, before?.unit ?? after?.unit ?? "", before?.[statistic] ?? null, after?.[statistic] ?? null));
    }
  }
  rows.push(fractionRow("failed_requests", failedFraction(baseline.summary), failedFraction(candidate.summary)));
  rows.push(fractionRow("goodput", knownGoodput(baseline.summary), knownGoodput(candidate.summary)));

  const caveats: string[] = [];
  if (!sameSlos(baseline.summary.goodput.slos, candidate.summary.goodput.slos)) {
    caveats.push("the two runs' goodput counts different SLOs");
  }
  if (baseline.summary.requests.total !== candidate.summary.requests.total) {
    caveats.push(
      `the runs sent different numbers of requests (${baseline.summary.requests.total} and ${candidate.summary.requests.total}): ` +
        "with a fixed schedule they replay the same trace only when both ran to the end",
    );
  }
  const predictions = [baseline, candidate].map(predictionNotes);
  caveats.push(...predictions.flatMap((prediction) => prediction.caveats));
  const notes = [baseline.note, candidate.note].filter((note): note is string => note !== undefined);
  notes.push(...predictions.flatMap((prediction) => prediction.assumed));
  return { baseline, candidate, rows, caveats, notes };
}
