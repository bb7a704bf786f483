import { printable } from "./printable";
import { terminalLine } from "../../lib/terminalText";
import { METRIC_NAMES } from "../summary/formatSummary";
import { formatCount, formatPercent, formatValue } from "../../lib/numbers";
import { markdownTable, textTable, type Table } from "../../lib/table";
import type { ComparedRun, Comparison, ComparisonRow } from "./comparison";
import { goodputSlosLine } from "./sloText";
import { predictionTable } from "./predictedBesideMeasured";
import { requestErrorsTable, requestMatchLines } from "./formatRequestErrors";
import { MAX_SYNTHETIC_CHARS } from "../summary/aiperfFiles";

function label(row: ComparisonRow): string {
  if (row.metric === "goodput") return "Goodput (fraction of requests)";
  if (row.metric === "failed_requests") return "Failed requests";
  return `${METRIC_NAMES[row.metric]} ${row.statistic} (${row.unit})`;
}

function value(row: ComparisonRow, run: ComparedRun, side: "baseline" | "candidate"): string {
  const figure = row[side];
  if (figure === null) return row.metric === "goodput" && Object.keys(run.summary.goodput.slos).length === 0 ? "not known" : "n/a";
  if (row.metric === "failed_requests")
    return `${formatCount(run.summary.requests.failed)} of ${formatCount(run.summary.requests.total)} (${formatPercent(figure)})`;
  return row.metric === "goodput" ? formatPercent(figure) : formatValue(figure);
}

const signed = (figure: number, digits: number) => `${figure > 0 ? "+" : ""}${formatValue(figure, digits)}`;

function change(row: ComparisonRow): string {
  if (row.statistic === "fraction") return row.changePoints === null ? "n/a" : `${signed(row.changePoints, 2)} pts`;
  return row.changePercent === null ? "n/a" : `${signed(row.changePercent, 1)}%`;
}

function ratio(row: ComparisonRow): string {
  // A ratio of two fractions is the relative change again, which the points replace.
  if (row.statistic === "fraction") return "—";
  return row.ratio === null ? "n/a" : `${formatValue(row.ratio, 3)}×`;
}

export function comparisonTable(comparison: Comparison): Table {
  return {
    header: ["metric", "baseline", "candidate", "change", "ratio"],
    align: ["left", "right", "right", "right", "right"],
    rows: comparison.rows.map((row) => [
      label(row),
      value(row, comparison.baseline, "baseline"),
      value(row, comparison.candidate, "candidate"),
      change(row),
      ratio(row),
    ]),
  };
}

/** `6 requests, 1 failed`. */
export function requestCounts(run: ComparedRun): string {
  const { total, failed } = run.summary.requests;
  return `${formatCount(total)} request${total === 1 ? "" : "s"}, ${formatCount(failed)} failed`;
}

/**
 * The runs that were generated, not measured, and by what: `Synthetic, both runs` when they say the
 * same, each run's otherwise. Shown first in every form, so that no one takes the figures for a measurement.
 */
export function syntheticMarks(comparison: Comparison): { who: string; mark: string }[] {
  const baseline = comparison.baseline.summary.synthetic;
  const candidate = comparison.candidate.summary.synthetic;
  // A summary.json may come from anywhere: its mark is shown, never trusted to be printable.
  const shown = (mark: string) => printable(mark, MAX_SYNTHETIC_CHARS);
  if (baseline !== undefined && baseline === candidate) return [{ who: "both runs", mark: shown(baseline) }];
  return [
    ...(baseline !== undefined ? [{ who: "the baseline", mark: shown(baseline) }] : []),
    ...(candidate !== undefined ? [{ who: "the candidate", mark: shown(candidate) }] : []),
  ];
}

function preamble(comparison: Comparison): string[] {
  const side = (run: ComparedRun) => `${run.label} (${printable(run.dir, 200)}): ${requestCounts(run)}`;
  return [
    `Baseline:  ${side(comparison.baseline)}`,
    `Candidate: ${side(comparison.candidate)}`,
    ...syntheticMarks(comparison).map(({ who, mark }) => `Synthetic, ${who}: ${mark}`),
    goodputSlosLine(comparison),
    ...comparison.caveats.map((caveat) => `Note: ${terminalLine(caveat)}.`),
    ...comparison.notes.map((note) => `Note: ${terminalLine(note)}.`),
  ];
}

const predictionsOf = (comparison: Comparison) => predictionTable([comparison.baseline, comparison.candidate]);

export function comparisonText(comparison: Comparison): string {
  const predictions = predictionsOf(comparison);
  const beside = predictions ? ["", "Predicted beside measured (prediction.json, saved by pulumi up):", textTable(predictions)] : [];
  const runs = [comparison.baseline, comparison.candidate];
  const perRequest = requestErrorsTable(runs);
  const errors = perRequest
    ? ["", "Per request, predicted against measured (Δ = predicted − measured):", textTable(perRequest), ...requestMatchLines(runs)]
    : [];
  return [...preamble(comparison), "", textTable(comparisonTable(comparison)), ...beside, ...errors].join("\n") + "\n";
}

function perRequestMarkdown(comparison: Comparison): string[] {
  const runs = [comparison.baseline, comparison.candidate];
  const table = requestErrorsTable(runs);
  if (!table) return [];
  return [
    "",
    "#### Per request, predicted against measured (Δ = predicted − measured)",
    "",
    markdownTable(table),
    "",
    ...requestMatchLines(runs).map((line) => `- ${line}`),
  ];
}

/** Inline code that no backtick in the text can end early. */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function comparisonMarkdown(comparison: Comparison): string {
  const side = (run: ComparedRun) => `${code(run.label)} (${code(printable(run.dir, 200))}, ${requestCounts(run)})`;
  const notes = [...comparison.caveats, ...comparison.notes].map((note) => `> Note: ${terminalLine(note)}.`);
  return (
    [
      "### dynamo-bench: baseline vs candidate",
      "",
      ...syntheticMarks(comparison).flatMap(({ who, mark }) => [`> **Synthetic, ${who}:** ${mark}`, ""]),
      `Baseline ${side(comparison.baseline)}, candidate ${side(comparison.candidate)}. Lower latency is better; higher goodput is better.`,
      "",
      `${goodputSlosLine(comparison)}.`,
      ...(notes.length ? ["", ...notes] : []),
      "",
      markdownTable(comparisonTable(comparison)),
      ...(predictionsOf(comparison) ? ["", "#### Predicted beside measured", "", markdownTable(predictionsOf(comparison)!)] : []),
      ...perRequestMarkdown(comparison),
    ].join("\n") + "\n"
  );
}
