import type { MetricSummary } from "../summary/runSummary";
import { svgChart } from "../charts/svgChart";

const QUANTILES: [keyof MetricSummary, number][] = [
  ["min", 0], ["p1", 0.01], ["p5", 0.05], ["p10", 0.1], ["p25", 0.25], ["p50", 0.5],
  ["p75", 0.75], ["p90", 0.9], ["p95", 0.95], ["p99", 0.99], ["max", 1],
];

export interface ChartSeries {
  name: string;
  metric: MetricSummary | null;
}

/** The points (value, cumulative fraction) that a run's percentiles pin its CDF to. */
export function cdfPoints(metric: MetricSummary | null): [number, number][] {
  if (!metric) return [];
  return QUANTILES.flatMap(([key, probability]) => {
    const value = metric[key];
    return typeof value === "number" ? [[value, probability] as [number, number]] : [];
  });
}

/** A CDF per run, through its min, percentiles and max, as SVG. */
export function cdfChart(title: string, unit: string, series: ChartSeries[]): string {
  return svgChart({
    title: { text: title, left: "center" },
    legend: { bottom: 0 },
    grid: { left: 70, right: 30, top: 50, bottom: 70 },
    xAxis: { type: "value", name: unit, nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", min: 0, max: 1, name: "fraction of requests" },
    series: series.map(({ name, metric }) => ({ name, type: "line", data: cdfPoints(metric), showSymbol: true })),
  });
}

/** Grouped bars of p50, p90 and p99 per run, as SVG. */
export function percentileBars(title: string, unit: string, series: ChartSeries[]): string {
  const statistics = ["p50", "p90", "p99"] as const;
  return svgChart({
    title: { text: title, left: "center" },
    legend: { bottom: 0 },
    grid: { left: 70, right: 30, top: 50, bottom: 60 },
    xAxis: { type: "category", data: [...statistics] },
    yAxis: { type: "value", name: unit },
    series: series.map(({ name, metric }) => ({ name, type: "bar", data: statistics.map((s) => metric?.[s] ?? null) })),
  });
}
