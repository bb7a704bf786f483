import type { SummaryProvenance } from "./runSummary";
import { SUMMARY_METRICS, type RunSummary, type SummaryMetric } from "./resultsSchema";
import { formatCount, formatPercent, formatValue } from "../../lib/numbers";
import { sloCondition } from "../../domain/slos";
import { markdownTable, textTable, type Table } from "../../lib/table";
import { serverMetricsMarkdown, serverMetricsText } from "./formatServerMetrics";

export const METRIC_NAMES: Record<SummaryMetric, string> = {
  time_to_first_token: "Time to first token",
  inter_token_latency: "Inter-token latency",
  request_latency: "Request latency",
  input_sequence_length: "Input sequence length",
  output_sequence_length: "Output sequence length",
};

const COLUMNS = ["avg", "p50", "p90", "p99"] as const;

function metricsTable(summary: RunSummary): Table {
  return {
    header: ["metric", "unit", ...COLUMNS],
    align: ["left", "left", ...COLUMNS.map(() => "right" as const)],
    rows: SUMMARY_METRICS.map((metric) => {
      const stats = summary.metrics[metric];
      return [METRIC_NAMES[metric], stats?.unit ?? "", ...COLUMNS.map((column) => formatValue(stats?.[column]))];
    }),
  };
}

function goodputLine(summary: RunSummary, provenance: SummaryProvenance): string {
  const { goodRequests, fraction, slos } = summary.goodput;
  const conditions = Object.entries(slos)
    .map(([metric, threshold]) => sloCondition(metric, threshold))
    .join(" and ");
  const unrecorded = provenance.unrecordedSloMetrics;
  if (goodRequests === null && unrecorded.length > 0) {
    return (
      `Goodput: not known for ${conditions}: it is counted from the per-request records, ` +
      `and none that succeeded has ${unrecorded.join(" or ")}`
    );
  }
  if (goodRequests === null) {
    return `Goodput: not known for ${conditions}: it is counted from the per-request records, and this run has none`;
  }
  if (fraction === null) return `Goodput: not known for ${conditions}: no plausible request to count it over`;
  const requests = formatCount(summary.requests.total);
  return `Goodput: ${formatCount(goodRequests)} of ${requests} requests (${formatPercent(fraction)}) meet ${conditions}`;
}

function headlines(summary: RunSummary, provenance: SummaryProvenance): string[] {
  const { total, succeeded, failed } = summary.requests;
  const lines = [
    ...(summary.synthetic !== undefined ? [`Synthetic: ${summary.synthetic}`] : []),
    `Requests: ${formatCount(total)} total, ${formatCount(succeeded)} succeeded, ${formatCount(failed)} failed`,
    `Duration: ${formatValue(summary.durationSeconds)} s (first request start to last request end)`,
  ];
  const implausible = summary.requests.implausible;
  const left = implausible ? Object.entries(implausible).filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0) : [];
  if (left.length > 0) {
    const reasons: Record<string, string> = {
      duplicate: "repeated a request id",
      badTimestamp: "had a start or end that is no real time",
      endBeforeStart: "ended before they started",
      negativeValue: "had a negative time or token count",
      unitMismatch: "gave a metric in another unit",
      notFinite: "had a time or token count that is not a finite number",
      longerThanRequest: "had a time to first token or inter-token latency longer than the whole request",
    };
    const total = left.reduce((sum, [, count]) => sum + count, 0);
    const counts = left.map(([reason, count]) => `${formatCount(count)} ${reasons[reason]}`).join(", ");
    lines.push(`Left out ${formatCount(total)} record(s) that cannot be real measurements: ${counts}`);
  }
  const skipped = provenance.skippedLineNumbers;
  if (skipped.length > 0) {
    const shown = skipped.slice(0, 5).map(formatCount).join(", ") + (skipped.length > 5 ? ", …" : "");
    lines.push(`Skipped ${formatCount(skipped.length)} truncated or invalid line(s) of profile_export.jsonl: ${shown}`);
  }
  lines.push(`Metrics from ${provenance.metricsFrom}.`);
  return lines;
}

export function summaryText(summary: RunSummary, provenance: SummaryProvenance): string {
  return (
    [...headlines(summary, provenance), "", textTable(metricsTable(summary)), "", goodputLine(summary, provenance)].join("\n") +
    "\n" +
    serverMetricsText(summary)
  );
}

export function summaryMarkdown(title: string, summary: RunSummary, provenance: SummaryProvenance): string {
  return (
    [
      `## ${title}`,
      "",
      ...headlines(summary, provenance).map((line) => `- ${line}`),
      "",
      markdownTable(metricsTable(summary)),
      "",
      goodputLine(summary, provenance),
    ].join("\n") +
    "\n" +
    serverMetricsMarkdown(summary)
  );
}
