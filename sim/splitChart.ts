import { svgChart } from "../lib/svgChart";
import { formatCount, formatValue } from "../lib/numbers";
import type { Slos } from "../domain/slos";
import type { SplitPoint } from "./splitSweep";
import { OVERLOADED_MS } from "./traceSimulation";

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
export function splitChart(title: string, points: SplitPoint[], best: SplitPoint | undefined, slos: Slos): string {
  const labels = points.map((point) => point.split.label);
  const ttft = points.map((point) => point.report.latency.timeToFirstToken.p90);
  const overloaded = ttft.some((value) => value > OVERLOADED_MS);
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
          (best
            ? `best for the SLOs: ${best.split.label}, the most requests within them`
            : "goodput not predicted: the SLOs name a metric the simulation does not predict") +
          "; dashed: the SLOs" +
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
          data: ttft.map((value) =>
            value > OVERLOADED_MS ? { value: OVERLOADED_MS, symbol: "triangle", symbolSize: 12 } : { value: Math.max(1e-3, value) },
          ),
          markLine: sloLine(slos.time_to_first_token),
        },
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
