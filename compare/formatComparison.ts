import { METRIC_NAMES } from "../summary/formatSummary";
import { formatPercent, formatValue } from "../summary/numbers";
import { markdownTable, textTable, type Table } from "../summary/table";
import type { Comparison, ComparisonRow } from "./comparison";

function label(row: ComparisonRow): string {
  if (row.metric === "goodput") return "Goodput (fraction of requests)";
  return `${METRIC_NAMES[row.metric]} ${row.statistic} (${row.unit})`;
}

function value(row: ComparisonRow, side: "baseline" | "candidate"): string {
  const figure = row[side];
  if (figure === null) return "n/a";
  return row.metric === "goodput" ? formatPercent(figure) : formatValue(figure);
}

function change(row: ComparisonRow): string {
  if (row.changePercent === null) return "n/a";
  return `${row.changePercent > 0 ? "+" : ""}${formatValue(row.changePercent, 1)}%`;
}

export function comparisonTable(comparison: Comparison): Table {
  return {
    header: ["metric", "baseline", "candidate", "change", "ratio"],
    align: ["left", "right", "right", "right", "right"],
    rows: comparison.rows.map((row) => [label(row), value(row, "baseline"), value(row, "candidate"), change(row), row.ratio === null ? "n/a" : `${formatValue(row.ratio, 3)}×`]),
  };
}

function preamble(comparison: Comparison): string[] {
  return [
    `Baseline:  ${comparison.baseline.dir}`,
    `Candidate: ${comparison.candidate.dir}`,
    ...comparison.caveats.map((caveat) => `Note: ${caveat}.`),
  ];
}

export function comparisonText(comparison: Comparison): string {
  return [...preamble(comparison), "", textTable(comparisonTable(comparison))].join("\n") + "\n";
}

export function comparisonMarkdown(comparison: Comparison): string {
  const notes = comparison.caveats.map((caveat) => `> Note: ${caveat}.`);
  return [
    "### dynamo-bench: baseline vs candidate",
    "",
    `Baseline \`${comparison.baseline.dir}\`, candidate \`${comparison.candidate.dir}\`. Lower latency is better; higher goodput is better.`,
    ...(notes.length ? ["", ...notes] : []),
    "",
    markdownTable(comparisonTable(comparison)),
  ].join("\n") + "\n";
}
