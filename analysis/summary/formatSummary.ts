import type { SummaryProvenance } from "./runSummary";
import { SUMMARY_METRICS, type RunSummary, type SummaryMetric } from "./resultsSchema";
import { formatCount, formatPercent, formatValue } from "../../lib/numbers";
import { sloCondition } from "../../domain/slos";
import { markdownTable, textTable, type Table } from "../../lib/table";
import { serverMetricsMarkdown, serverMetricsText } from "./formatServerMetrics";
import { implausibleText } from "./recordPlausibility";
import { terminalLine } from "../../lib/terminalText";
import { NO_SLOS } from "./knownGoodput";

export const METRIC_NAMES: Record<SummaryMetric, string> = {
  time_to_first_token: "Time to first token",
  inter_token_latency: "Inter-token latency",
  request_latency: "Request latency",
  input_sequence_length: "Input sequence length",
  output_sequence_length: "Output sequence length",
};

const DURATION_FROM: Record<SummaryProvenance["durationFrom"], string> = {
  records: "first request start to last request end",
  aggregate: "aiperf's benchmark_duration",
  "summary.json": "as its summary.json gives it",
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
    .map(([metric, threshold]) => sloCondition(terminalLine(metric), threshold))
    .join(" and ");
  if (Object.keys(slos).length === 0) return `Goodput: not known: ${NO_SLOS}`;
  const unrecorded = provenance.unrecordedSloMetrics;
  if (goodRequests === null && unrecorded.length > 0) {
    return (
      `Goodput: not known for ${conditions}: it is counted from the per-request records, ` +
      `and none that succeeded has ${unrecorded.join(" or ")}`
    );
  }
  if (goodRequests === null && provenance.durationFrom === "summary.json")
    return `Goodput: not known for ${conditions}: its summary.json gives none`;
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
    `Duration: ${formatValue(summary.durationSeconds)} s (${DURATION_FROM[provenance.durationFrom]})`,
  ];
  const implausible = implausibleText(summary.requests.implausible);
  if (implausible) lines.push(`Left out ${implausible}`);
  const skipped = provenance.skippedLineNumbers;
  if (skipped.length > 0) {
    const shown = skipped.slice(0, 5).map(formatCount).join(", ") + (skipped.length > 5 ? ", …" : "");
    lines.push(`Skipped ${formatCount(skipped.length)} truncated or invalid line(s) of profile_export.jsonl: ${shown}`);
  } else if (summary.requests.skippedLines > 0) {
    lines.push(`Skipped ${formatCount(summary.requests.skippedLines)} truncated or invalid line(s) of profile_export.jsonl`);
  }
  const setAside = provenance.aggregateSetAside;
  lines.push(`Metrics from ${provenance.metricsFrom}${setAside === undefined ? "" : `: ${setAside}`}.`);
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
