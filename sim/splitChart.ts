import { svgChart } from "../lib/svgChart";
import type { SplitPoint } from "./splitSweep";

/** Predicted goodput per split as bars (the best one marked), with TTFT and ITL p90 as lines on a log axis. */
export function splitChart(title: string, points: SplitPoint[], best: SplitPoint | undefined): string {
  const labels = points.map((point) => point.split.label);
  return svgChart(
    {
      title: {
        text: title,
        left: "center",
        subtext: best
          ? `best for the SLOs: ${best.split.label}, the most requests within them`
          : "goodput not predicted: the SLOs name a metric the simulation does not predict",
        subtextStyle: { color: "#555" },
      },
      legend: { bottom: 0, itemGap: 40 },
      grid: { left: 70, right: 90, top: 90, bottom: 80 },
      xAxis: { type: "category", data: labels, name: "split of the GPU budget", nameLocation: "middle", nameGap: 30 },
      yAxis: [
        { type: "value", min: 0, max: 100, name: "goodput", axisLabel: { formatter: "{value}%" } },
        { type: "log", name: "p90 (ms)", splitLine: { show: false } },
      ],
      series: [
        {
          name: "goodput",
          type: "bar",
          data: points.map((point) => ({
            value: (point.report.goodput?.fraction ?? 0) * 100,
            itemStyle: point === best ? { borderColor: "#000", borderWidth: 2 } : undefined,
          })),
        },
        {
          name: "TTFT p90",
          type: "line",
          yAxisIndex: 1,
          data: points.map((point) => Math.max(1e-3, point.report.latency.timeToFirstToken.p90)),
        },
        {
          name: "ITL p90",
          type: "line",
          yAxisIndex: 1,
          data: points.map((point) => Math.max(1e-3, point.report.latency.interTokenLatency?.p90 ?? 0)),
        },
      ],
    },
    { width: 760, height: 420 },
  );
}
