import { svgChart } from "../lib/svgChart";
import { formatCount, formatValue } from "../lib/numbers";
import type { Slos } from "../domain/slos";
import type { SplitPoint, SplitVerdict } from "./splitSweep";
import { OVERLOADED_MS } from "./traceSimulation";

type ChartValue = number | null | { value: number; symbol?: string; symbolSize?: number };

const SLO_LINE = { color: "#D55E00", type: "dashed" as const, width: 1.5 };

/** A panel's place, top to bottom, in a chart 760 × 660. */
const PANELS = [
  { top: 100, height: 115 },
  { top: 280, height: 125 },
  { top: 470, height: 125 },
];

/** 1, 2 or 5 times a power of ten, at or above `value`: an axis top with round ticks. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(value, 1e-9)));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

function sloLine(threshold: number | undefined) {
  if (threshold === undefined) return undefined;
  return {
    symbol: "none",
    silent: true,
    lineStyle: SLO_LINE,
    data: [
      { yAxis: threshold, label: { formatter: `SLO ${formatCount(threshold)} ms`, position: "insideEndTop" as const, color: "#D55E00" } },
    ],
  };
}

/**
 * Predicted goodput per split as bars (the best one outlined), then TTFT p90 and ITL p90, each in a
 * panel of its own, on its own axis, with its SLO dashed. A TTFT p90 past OVERLOADED_MS is an overloaded
 * split's: it is drawn at that line, as a triangle, rather than stretch the axis over its queue.
 */
export function splitChart(title: string, points: SplitPoint[], verdict: SplitVerdict, slos: Slos): string {
  const best = verdict.kind === "best" ? verdict.point : undefined;
  const labels = points.map((point) => point.split.label);
  // A split that served no request has no TTFT: no point is drawn for it.
  const ttft = points.map((point) => point.report.latency.timeToFirstToken?.p90 ?? null);
  const ranged = points.every((point) => point.report.range);
  const ends = ranged ? (["fast", "slow"] as const) : [];
  const endTtft = (end: "fast" | "slow") => points.map((point) => point.report.range![end].latency.timeToFirstToken?.p90 ?? null);
  const overloaded = [ttft, ...ends.map(endTtft)].some((values) => values.some((value) => value !== null && value > OVERLOADED_MS));
  const ttftPoint = (value: number | null) =>
    value === null
      ? null
      : value > OVERLOADED_MS
        ? { value: OVERLOADED_MS, symbol: "triangle", symbolSize: 12 }
        : { value: Math.max(1e-3, value) };
  /** A range end, drawn thin and dotted in its figure's colour. */
  const endSeries = (end: "fast" | "slow", name: string, axis: number, color: string, data: ChartValue[]) => ({
    name: `${name}, ${end} end`,
    type: "line" as const,
    xAxisIndex: axis,
    yAxisIndex: axis,
    color,
    symbol: end === "fast" ? "emptyCircle" : "emptyRect",
    lineStyle: { type: "dotted" as const, width: 1 },
    data,
  });
  const verdictText =
    verdict.kind === "best"
      ? `best for the SLOs: ${verdict.point.split.label}, the most requests within them` + (ranged ? " across the range" : "")
      : verdict.kind === "tie"
        ? `no split wins${ranged ? " across the range" : ""}: ${verdict.points.map((point) => point.split.label).join(", ")} tie`
        : verdict.kind === "none meets the SLOs"
          ? "no split meets the SLOs: every one serves 0% of requests within them"
          : "goodput not predicted: the SLOs name a metric the simulation does not predict";
  const category = (gridIndex: number, last: boolean) => ({
    type: "category" as const,
    gridIndex,
    data: labels,
    axisLabel: { show: true },
    ...(last ? { name: "split of the GPU budget", nameLocation: "middle" as const, nameGap: 30 } : {}),
  });
  return svgChart(
    {
      title: {
        text: title,
        left: "center",
        subtext:
          verdictText +
          "; dashed: the SLOs" +
          (ranged ? "; dotted: the range's fast (○) and slow (□) ends" : "") +
          (overloaded ? `; ▲ past ${OVERLOADED_MS / 60_000} min: overloaded` : ""),
        subtextStyle: { color: "#555" },
      },
      grid: PANELS.map((panel) => ({ left: 80, right: 40, ...panel })),
      xAxis: [category(0, false), category(1, false), category(2, true)],
      yAxis: [
        { type: "value", gridIndex: 0, min: 0, max: 100, name: "goodput", axisLabel: { formatter: "{value}%" } },
        {
          type: "log",
          gridIndex: 1,
          name: "TTFT p90 (ms)",
          min: (extent: { min: number }) => 10 ** Math.floor(Math.log10(Math.min(extent.min, slos.time_to_first_token ?? Infinity))),
          max: overloaded ? OVERLOADED_MS : undefined,
          axisLabel: { formatter: (value: number) => formatCount(value) },
        },
        {
          type: "value",
          gridIndex: 2,
          min: 0,
          // Up to the SLO at least, so that its line is drawn even when every split is well within it.
          max: (extent: { max: number }) => niceCeiling(Math.max(extent.max, slos.inter_token_latency ?? 0) * 1.1),
          name: "ITL p90 (ms)",
          axisLabel: { formatter: (value: number) => formatValue(value, 0) },
        },
      ],
      series: [
        {
          name: "goodput",
          type: "bar",
          xAxisIndex: 0,
          yAxisIndex: 0,
          data: points.map((point) => ({
            value: (point.report.goodput?.fraction ?? 0) * 100,
            itemStyle: point === best ? { borderColor: "#000", borderWidth: 2 } : undefined,
          })),
        },
        {
          name: "TTFT p90",
          type: "line",
          xAxisIndex: 1,
          yAxisIndex: 1,
          color: "#E69F00",
          data: ttft.map(ttftPoint),
          markLine: sloLine(slos.time_to_first_token),
        },
        ...ends.map((end) =>
          endSeries(
            end,
            "goodput",
            0,
            "#0072B2",
            points.map((point) => (point.report.range![end].goodput ?? 0) * 100),
          ),
        ),
        ...ends.map((end) => endSeries(end, "TTFT p90", 1, "#E69F00", endTtft(end).map(ttftPoint))),
        ...ends.map((end) =>
          endSeries(
            end,
            "ITL p90",
            2,
            "#009E73",
            points.map((point) => point.report.range![end].latency.interTokenLatency?.p90 ?? null),
          ),
        ),
        {
          name: "ITL p90",
          type: "line",
          xAxisIndex: 2,
          yAxisIndex: 2,
          color: "#009E73",
          data: points.map((point) => point.report.latency.interTokenLatency?.p90 ?? null),
          markLine: sloLine(slos.inter_token_latency),
        },
      ],
    },
    { width: 760, height: 660 },
  );
}
