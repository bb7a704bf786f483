import type { Slos } from "../domain/slos";
import type { StackModel } from "./stackSimulation";
import { simulateTrace, type LoadedTrace, type SimulationReport } from "./traceSimulation";

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

/**
 * The split that serves the most requests within the SLOs; among equals, the lower TTFT p90, then
 * the lower ITL p90. Undefined when goodput cannot be predicted for the SLOs.
 */
export function bestSplit(points: SplitPoint[]): SplitPoint | undefined {
  if (points.some((point) => point.report.goodput === null)) return undefined;
  const itlP90 = (point: SplitPoint) => point.report.latency.interTokenLatency?.p90 ?? Infinity;
  return [...points].sort(
    (a, b) =>
      b.report.goodput!.fraction - a.report.goodput!.fraction ||
      a.report.latency.timeToFirstToken.p90 - b.report.latency.timeToFirstToken.p90 ||
      itlP90(a) - itlP90(b),
  )[0];
}
