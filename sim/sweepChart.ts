import { svgChart } from "../lib/svgChart";
import { formatCount, formatValue } from "../lib/numbers";
import type { RoutingPolicy } from "../domain/variants";
import type { SweepPoint } from "./traceSimulation";

export interface PolicySweep {
  policy: RoutingPolicy;
  points: SweepPoint[];
}

export interface SweepChartInput {
  title: string;
  /** One line each. */
  sweeps: PolicySweep[];
  /** The trace's cache efficiency: no policy or capacity gets above it. */
  bound: number;
  /** The capacity per worker the stack has (or --capacity-tokens gave), marked on the axis. */
  capacityTokens: number;
  /** Where that capacity comes from: the stack's GPUs and model, or --capacity-tokens. */
  capacityFrom: "the stack" | "--capacity-tokens";
}

/** 10K, 1M, 1T: log-axis labels that stay apart from 10^4 up to 10^12. */
const compact = new Intl.NumberFormat("en-US", { notation: "compact" });

const GUIDE = { color: "#999", type: "dashed" as const, width: 1 };

/**
 * Round-robin and random spread the same prefixes over the workers alike, and their lines often
 * coincide: each policy has its own dash and marker, and the wider lines are drawn first, so a
 * line on top of another leaves the one beneath showing along its edges and between its dashes.
 */
const POLICY_STYLE: Record<RoutingPolicy, { order: number; width: number; dash: "solid" | number[]; symbol: string }> = {
  random: { order: 0, width: 6, dash: "solid", symbol: "diamond" },
  "round-robin": { order: 1, width: 2.5, dash: [10, 6], symbol: "triangle" },
  kv: { order: 2, width: 2, dash: "solid", symbol: "circle" },
};

/** Each policy's colour whatever policies are drawn, as the charts' palette orders them; random light, as it lies beneath. */
const PALETTE_OF: Record<RoutingPolicy, string> = { kv: "#0072B2", "round-robin": "#E69F00", random: "#56B4E9" };

/** Hit rate (%) against capacity per worker (log axis), a line per policy, with the bound and the stack's own capacity marked. */
export function sweepChart({ title, sweeps, bound, capacityTokens, capacityFrom }: SweepChartInput): string {
  const capacities = sweeps.flatMap((sweep) => sweep.points.map((p) => p.capacityTokens));
  // A log axis has no place for 0: such a capacity is said in the subtitle instead of drawn.
  const marked = capacityTokens > 0;
  const axisMin = Math.min(...capacities, ...(marked ? [capacityTokens] : []));
  const axisMax = Math.max(...capacities, ...(marked ? [capacityTokens] : []));
  const capacityText = `${formatCount(capacityTokens)} tokens per worker`;
  const inLeftHalf = marked && Math.log(capacityTokens / axisMin) < Math.log(axisMax / axisMin) / 2;
  const towardTheMiddle = inLeftHalf ? ("insideEndBottom" as const) : ("insideEndTop" as const);
  const guides = [
    { yAxis: bound * 100, label: { formatter: `bound ${formatValue(bound * 100, 1)}%`, position: "end" as const } },
    // Along the line, on its side toward the middle: a label across its top is cut off near either edge.
    ...(marked
      ? [{ xAxis: capacityTokens, label: { formatter: `${capacityFrom}: ${formatCount(capacityTokens)}`, position: towardTheMiddle } }]
      : []),
  ];
  return svgChart(
    {
      title: {
        text: title,
        left: "center",
        subtext: marked
          ? `dashed: the bound (one unbounded cache) and the capacity per worker from ${capacityFrom}`
          : `the capacity per worker from ${capacityFrom}, ${capacityText}, has no place on a log axis`,
        subtextStyle: { color: "#555" },
      },
      legend: { bottom: 0, itemGap: 40, data: sweeps.map((sweep) => sweep.policy) },
      grid: { left: 70, right: 110, top: 90, bottom: 80 },
      xAxis: {
        type: "log",
        name: "cache capacity per worker (tokens)",
        nameLocation: "middle",
        nameGap: 30,
        min: axisMin,
        max: axisMax,
        axisLabel: { formatter: (value: number) => compact.format(value) },
      },
      yAxis: { type: "value", min: 0, max: 100, name: "hit rate", axisLabel: { formatter: "{value}%" } },
      series: [...sweeps]
        .sort((a, b) => POLICY_STYLE[a.policy].order - POLICY_STYLE[b.policy].order)
        .map((sweep, i) => ({
          name: sweep.policy,
          type: "line" as const,
          data: sweep.points.map((p) => [p.capacityTokens, p.hitRate * 100]),
          color: PALETTE_OF[sweep.policy],
          symbol: POLICY_STYLE[sweep.policy].symbol,
          symbolSize: 8,
          lineStyle: { width: POLICY_STYLE[sweep.policy].width, type: POLICY_STYLE[sweep.policy].dash },
          // The guides belong to no policy: drawn once, grey, on the first line.
          ...(i === 0 ? { markLine: { symbol: "none", silent: true, lineStyle: GUIDE, data: guides } } : {}),
        })),
    },
    { width: 760, height: 420 },
  );
}
