import { METRIC_NAMES } from "../summary/formatSummary";
import type { Table } from "../../lib/table";
import type { ComparedRun, Comparison } from "./comparison";
import { comparisonTable, requestCounts, syntheticMarks } from "./formatComparison";
import { cdfChart, percentileBars, type ChartSeries } from "./charts";
import { CDF_METRICS, type CdfMetric, type RequestCdfs } from "./requestCdf";
import { goodputSlosLine } from "./sloText";
import { predictionTable } from "./predictedBesideMeasured";
import { REQUEST_METRICS, type RequestPairs } from "./requestErrors";
import { requestErrorsTable, requestMatchLines } from "./formatRequestErrors";
import { requestScatter } from "./requestScatter";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function htmlTable({ header, align, rows }: Table): string {
  const cell = (tag: string, text: string, column: number) => `<${tag} class="${align[column]}">${escapeHtml(text)}</${tag}>`;
  return [
    "<table>",
    `<thead><tr>${header.map((h, i) => cell("th", h, i)).join("")}</tr></thead>`,
    `<tbody>${rows.map((row) => `<tr>${row.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("")}</tbody>`,
    "</table>",
  ].join("\n");
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 820px; color: #222; background: #fff; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd; }
.right { text-align: right; } .left { text-align: left; }
figure { margin: 1.5rem 0; } figcaption { color: #555; font-size: 0.9rem; }
code { background: #f4f4f4; padding: 0 0.2rem; }
.synthetic { background: #fff3cd; border-left: 4px solid #c98a00; padding: 0.5rem 0.8rem; }
`;

/** Each run's per-request CDFs, read from its records; a run without them is drawn through its percentiles. */
export interface ReportCdfs {
  baseline?: RequestCdfs;
  candidate?: RequestCdfs;
}

function runLine(role: string, run: ComparedRun): string {
  return (
    `<li>${role}: <strong>${escapeHtml(run.label)}</strong> (<code>${escapeHtml(run.dir)}</code>): ` +
    `${escapeHtml(requestCounts(run))}</li>`
  );
}

/** Each run's matched (measured, predicted) pairs, when a per-request prediction was given for it. */
export interface ReportPairs {
  baseline?: RequestPairs;
  candidate?: RequestPairs;
}

function perRequestSection(comparison: Comparison, pairs: ReportPairs): string {
  const runs = [comparison.baseline, comparison.candidate];
  const table = requestErrorsTable(runs);
  if (!table) return "";
  const scatters = (["baseline", "candidate"] as const).flatMap((role) => {
    const runPairs = pairs[role];
    if (!runPairs) return [];
    const label = comparison[role].label;
    return REQUEST_METRICS.map(
      (metric) => `<figure>${requestScatter(`${label}: ${METRIC_NAMES[metric]}, predicted against measured`, runPairs[metric])}</figure>`,
    );
  });
  return [
    "<h2>Per request, predicted against measured</h2>",
    "<p>Δ = predicted − measured.</p>",
    htmlTable(table),
    `<ul>${requestMatchLines(runs)
      .map((line) => `<li>${escapeHtml(line)}</li>`)
      .join("")}</ul>`,
    ...scatters,
  ].join("\n");
}

/** A report in one file, charts inline as SVG, that opens anywhere with no network. */
export function htmlReport(comparison: Comparison, cdfs: ReportCdfs = {}, pairs: ReportPairs = {}): string {
  const { baseline, candidate } = comparison;
  const sides = (metric: CdfMetric): ChartSeries[] =>
    (["baseline", "candidate"] as const).map((role) => {
      const run = comparison[role];
      const metricSummary = run.summary.metrics[metric];
      // The per-request values are in ms; a summary in another unit keeps its own percentiles.
      const requests = metricSummary?.unit === "ms" ? cdfs[role]?.[metric] : undefined;
      return { name: `${run.label} (${role})`, metric: metricSummary, ...(requests ? { requests } : {}) };
    });
  const figures = CDF_METRICS.flatMap((metric) => {
    const unit = baseline.summary.metrics[metric]?.unit ?? candidate.summary.metrics[metric]?.unit ?? "";
    return [
      `<figure>${cdfChart(`${METRIC_NAMES[metric]}: CDF`, unit, sides(metric))}</figure>`,
      `<figure>${percentileBars(`${METRIC_NAMES[metric]}: percentiles`, unit, sides(metric))}</figure>`,
    ];
  });
  const notes = [...comparison.caveats, ...comparison.notes];
  const predictions = predictionTable([baseline, candidate]);
  const title = `dynamo-bench: ${escapeHtml(baseline.label)} vs ${escapeHtml(candidate.label)}`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head>
<body>
<h1>dynamo-bench: ${escapeHtml(baseline.label)} vs ${escapeHtml(candidate.label)}</h1>
${syntheticMarks(comparison)
  .map(({ who, mark }) => `<p class="synthetic"><strong>Synthetic, ${escapeHtml(who)}:</strong> ${escapeHtml(mark)}</p>\n`)
  .join("")}<ul>
${runLine("Baseline", baseline)}
${runLine("Candidate", candidate)}
</ul>
<p>${escapeHtml(goodputSlosLine(comparison))}. Lower latency is better; higher goodput is better.</p>
${notes.map((note) => `<p><strong>Note:</strong> ${escapeHtml(note)}.</p>`).join("\n")}
${htmlTable(comparisonTable(comparison))}
${predictions ? `<h2>Predicted beside measured</h2>\n${htmlTable(predictions)}` : ""}
${perRequestSection(comparison, pairs)}
${figures.join("\n")}
</body>
</html>
`;
}
