import type { Slos } from "../domain/slos";
import type { StackModel } from "./stackSimulation";
import { simulateTrace, type LoadedTrace, type RangeEnd, type SimulationReport } from "./traceSimulation";

/** One way to spend the GPU budget: all workers aggregated, or some prefilling and the rest decoding. */
export interface Split {
  label: string;
  prefill: number;
  decode: number;
}

/** agg, then 1P(n−1)D … (n−1)P1D, for n workers of `tensorParallelSize` GPUs in `gpus`. */
export function splitsOf(gpus: number, tensorParallelSize: number): Split[] {
  const workers = Math.floor(gpus / tensorParallelSize);
  const splits: Split[] = [{ label: `agg ${workers}`, prefill: 0, decode: workers }];
  for (let prefill = 1; prefill < workers; prefill++) {
    splits.push({ label: `${prefill}P${workers - prefill}D`, prefill, decode: workers - prefill });
  }
  return splits;
}

export interface SplitPoint {
  split: Split;
  report: SimulationReport;
}

export function splitSweep(trace: LoadedTrace, model: StackModel, slos: Slos, splits: Split[]): SplitPoint[] {
  return splits.map((split) => ({
    split,
    report: simulateTrace(
      trace,
      { ...model, routedWorkers: split.prefill > 0 ? split.prefill : split.decode, decodeWorkers: split.prefill > 0 ? split.decode : 0 },
      slos,
    ),
  }));
}

/** A split's figures at the point, or at one end of its range. */
type Figures = { goodput: number | null; ttftP90: number; itlP90: number };

const AT = {
  point: (report: SimulationReport): Figures => ({
    goodput: report.goodput?.fraction ?? null,
    ttftP90: report.latency.timeToFirstToken?.p90 ?? Infinity,
    itlP90: report.latency.interTokenLatency?.p90 ?? Infinity,
  }),
  fast: (report: SimulationReport): Figures => endFigures(report.range!.fast),
  slow: (report: SimulationReport): Figures => endFigures(report.range!.slow),
};

function endFigures(end: RangeEnd): Figures {
  const { timeToFirstToken, interTokenLatency } = end.latency;
  return { goodput: end.goodput, ttftP90: timeToFirstToken?.p90 ?? Infinity, itlP90: interTokenLatency?.p90 ?? Infinity };
}

/** The most requests within the SLOs; among equals, the lower TTFT p90, then the lower ITL p90. */
function bestAt(points: SplitPoint[], at: (report: SimulationReport) => Figures): SplitPoint {
  const figures = new Map(points.map((point) => [point, at(point.report)]));
  return [...points].sort((a, b) => {
    const [x, y] = [figures.get(a)!, figures.get(b)!];
    return y.goodput! - x.goodput! || x.ttftP90 - y.ttftP90 || x.itlP90 - y.itlP90;
  })[0];
}

/** Which split to run: one that wins at the point and at both ends of the range, or the splits that tie for it. */
export type SplitVerdict =
  { kind: "best"; point: SplitPoint } | { kind: "tie"; points: SplitPoint[]; where: string[] } | { kind: "not predicted" };

/**
 * The split that serves the most requests within the SLOs, at the point and, where the prediction
 * has a range, at its fast end and at its slow end too: the spans move every split alike, so a
 * split that wins at both ends wins across the range. When different splits win, they tie, and
 * the verdict names them and where each wins.
 */
export function splitVerdict(points: SplitPoint[]): SplitVerdict {
  if (points.length === 0 || points.some((point) => point.report.goodput === null)) return { kind: "not predicted" };
  const ranged = points.every(
    (point) => point.report.range && point.report.range.fast.goodput !== null && point.report.range.slow.goodput !== null,
  );
  const winners = (ranged ? (["point", "fast", "slow"] as const) : (["point"] as const)).map(
    (where) => [where, bestAt(points, AT[where])] as const,
  );
  const distinct = [...new Set(winners.map(([, point]) => point))];
  if (distinct.length === 1) return { kind: "best", point: distinct[0] };
  const where = distinct.map(
    (point) =>
      `${point.split.label} at the ${winners
        .filter(([, winner]) => winner === point)
        .map(([at]) => (at === "point" ? "point" : `${at} end`))
        .join(" and ")}`,
  );
  return { kind: "tie", points: distinct, where };
}
