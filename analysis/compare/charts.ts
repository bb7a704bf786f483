import type { MetricSummary } from "../summary/resultsSchema";
import { formatValue } from "../../lib/numbers";
import { svgChart } from "../../lib/svgChart";
import { CDF_POINTS, type RequestCdf } from "./requestCdf";

const QUANTILES: [keyof MetricSummary, number][] = [
  ["min", 0],
  ["p1", 0.01],
  ["p5", 0.05],
  ["p10", 0.1],
  ["p25", 0.25],
  ["p50", 0.5],
  ["p75", 0.75],
  ["p90", 0.9],
  ["p95", 0.95],
  ["p99", 0.99],
  ["max", 1],
];

export interface ChartSeries {
  name: string;
  metric: MetricSummary | null;
  /** The run's CDF from its per-request values; without it, the curve goes through its percentiles. */
  requests?: RequestCdf;
}

// Fonts measure wider in many viewers than in ECharts' server-side estimate: room, so legend entries never touch.
const LEGEND = { bottom: 0, itemGap: 40 };

/** The points (value, cumulative fraction) that a run's percentiles pin its CDF to. */
export function cdfPoints(metric: MetricSummary | null): [number, number][] {
  if (!metric) return [];
  return QUANTILES.flatMap(([key, probability]) => {
    const value = metric[key];
    return typeof value === "number" ? [[value, probability] as [number, number]] : [];
  });
}

/** The curve up to `limit`, ending exactly at it where the curve goes on past it. */
export function clipCurve(points: [number, number][], limit: number): [number, number][] {
  const kept = points.filter(([value]) => value <= limit);
  const next = points.find(([value]) => value > limit);
  const last = kept.at(-1);
  if (next && last && last[0] < limit) {
    const [x0, y0] = last;
    const [x1, y1] = next;
    kept.push([limit, y0 + ((y1 - y0) * (limit - x0)) / (x1 - x0)]);
  }
  return kept;
}

/** The larger p99 of the runs: past it lie 1% of requests, and one outlier would squeeze the rest into a corner. */
function axisEnd(series: ChartSeries[], curves: [number, number][][]): number | undefined {
  const p99s = series.map(({ metric }, i) => metric?.p99 ?? curves[i].find(([, fraction]) => fraction >= 0.99)?.[0] ?? null);
  const ends = p99s.filter((p99): p99 is number => p99 !== null && p99 > 0);
  return ends.length > 0 ? Math.max(...ends) : undefined;
}

/** What each curve is drawn from, a line per run when they differ. */
function sourceLines(series: ChartSeries[]): string[] {
  if (series.every((s) => s.requests)) return [`Drawn from each run's per-request values, thinned to ${CDF_POINTS} quantiles`];
  if (series.every((s) => !s.requests)) return ["Drawn through each run's min, p1, p5, p10, p25, p50, p75, p90, p95, p99 and max only"];
  return series.map(({ name, requests }) =>
    requests
      ? `${name}: from every request (${requests.requests.toLocaleString("en-US")}), thinned to ${CDF_POINTS} quantiles`
      : `${name}: through its min, p1…p99 and max only`,
  );
}

/** A CDF per run, from its per-request values when there are some, from its percentiles otherwise, as SVG. */
export function cdfChart(title: string, unit: string, series: ChartSeries[]): string {
  const curves = series.map((s) => s.requests?.points ?? cdfPoints(s.metric));
  const end = axisEnd(series, curves);
  const clipped = end !== undefined && curves.some((curve) => curve.some(([value]) => value > end));
  const axisName = clipped ? `${unit}, axis cut at the larger p99 (${formatValue(end)} ${unit})` : unit;
  const sources = sourceLines(series);
  return svgChart(
    {
      title: { text: title, left: "center", subtext: sources.join("\n"), subtextStyle: { color: "#555", lineHeight: 17 } },
      legend: LEGEND,
      grid: { left: 70, right: 30, top: 72 + 17 * sources.length, bottom: 80 },
      xAxis: {
        type: "value",
        name: axisName,
        nameLocation: "middle",
        nameGap: 28,
        min: 0,
        // The cut is seldom a round number, and its label would crowd the last round one; the axis name gives it.
        ...(clipped ? { max: end, axisLabel: { showMaxLabel: false } } : {}),
      },
      yAxis: {
        type: "value",
        min: 0,
        max: 1,
        name: "requests at or below",
        axisLabel: { formatter: (fraction: number) => `${Math.round(fraction * 100)}%` },
      },
      series: series.map(({ name, requests }, i) => ({
        name,
        type: "line",
        data: clipped ? clipCurve(curves[i], end) : curves[i],
        // A marker per point only where the points are the run's few percentiles.
        showSymbol: !requests,
      })),
    },
    { width: 760, height: 400 },
  );
}

/** Grouped bars of p50, p90 and p99 per run, as SVG. */
export function percentileBars(title: string, unit: string, series: ChartSeries[]): string {
  const statistics = ["p50", "p90", "p99"] as const;
  return svgChart({
    title: { text: title, left: "center" },
    legend: LEGEND,
    grid: { left: 70, right: 30, top: 50, bottom: 60 },
    xAxis: { type: "category", data: [...statistics] },
    yAxis: { type: "value", name: unit },
    series: series.map(({ name, metric }) => ({ name, type: "bar", data: statistics.map((s) => metric?.[s] ?? null) })),
  });
}
