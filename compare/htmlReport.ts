import { METRIC_NAMES } from "../summary/formatSummary";
import type { Table } from "../summary/table";
import type { Comparison } from "./comparison";
import { comparisonTable } from "./formatComparison";
import { cdfChart, percentileBars, type ChartSeries } from "./charts";

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
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 820px; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd; }
.right { text-align: right; } .left { text-align: left; }
figure { margin: 1.5rem 0; } figcaption { color: #555; font-size: 0.9rem; }
code { background: #f4f4f4; padding: 0 0.2rem; }
`;

/** A report in one file, charts inline as SVG, that opens anywhere with no network. */
export function htmlReport(comparison: Comparison): string {
  const sides = (metric: "time_to_first_token" | "inter_token_latency"): ChartSeries[] => [
    { name: "baseline", metric: comparison.baseline.summary.metrics[metric] },
    { name: "candidate", metric: comparison.candidate.summary.metrics[metric] },
  ];
  const figures = (["time_to_first_token", "inter_token_latency"] as const).flatMap((metric) => {
    const unit = comparison.baseline.summary.metrics[metric]?.unit ?? comparison.candidate.summary.metrics[metric]?.unit ?? "";
    return [
      `<figure>${cdfChart(`${METRIC_NAMES[metric]}: CDF`, unit, sides(metric))}<figcaption>Each curve passes through the run's min, p1, p5, p10, p25, p50, p75, p90, p95, p99 and max.</figcaption></figure>`,
      `<figure>${percentileBars(`${METRIC_NAMES[metric]}: percentiles`, unit, sides(metric))}</figure>`,
    ];
  });
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>dynamo-bench: baseline vs candidate</title><style>${STYLE}</style></head>
<body>
<h1>dynamo-bench: baseline vs candidate</h1>
<p>Baseline <code>${escapeHtml(comparison.baseline.dir)}</code>, candidate <code>${escapeHtml(comparison.candidate.dir)}</code>. Lower latency is better; higher goodput is better.</p>
${comparison.caveats.map((caveat) => `<p><strong>Note:</strong> ${escapeHtml(caveat)}.</p>`).join("\n")}
${htmlTable(comparisonTable(comparison))}
${figures.join("\n")}
</body>
</html>
`;
}
