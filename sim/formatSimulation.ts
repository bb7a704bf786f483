import { formatCount, formatPercent } from "../summary/numbers";
import { textTable } from "../summary/table";
import type { SimulationReport, SweepPoint } from "./traceSimulation";

const maxMean = ({ max, mean }: { max: number; mean: number }) => `${formatCount(max)} / ${formatCount(mean)}`;

/** One column per simulated policy, side by side. */
export function simulationText(reports: SimulationReport[]): string {
  const rows: [string, (report: SimulationReport) => string][] = [
    ["workers", (r) => formatCount(r.workers)],
    ["cache capacity per worker (tokens)", (r) => formatCount(r.capacityTokensPerWorker)],
    ["hit rate (block references from cache)", (r) => formatPercent(r.hitRate)],
    ["bound (one unbounded cache)", (r) => formatPercent(r.bound)],
    ["hit rate / bound", (r) => formatPercent(r.bound > 0 ? r.hitRate / r.bound : 0, 1)],
    ["prefill tokens computed", (r) => formatCount(r.prefillTokens.computed)],
    ["  with one unbounded cache", (r) => formatCount(r.prefillTokens.unbounded)],
    ["  input tokens in the trace", (r) => formatCount(r.prefillTokens.input)],
    ["requests per worker, max / mean", (r) => maxMean(r.load.requests)],
    ["prefill tokens per worker, max / mean", (r) => maxMean(r.load.prefillTokens)],
    ["cached tokens per worker, max / mean", (r) => maxMean(r.cachedTokensPerWorker)],
    ["  max as a share of capacity", (r) => formatPercent(r.cachedTokensPerWorker.capacityFraction, 1)],
  ];
  return `${textTable({
    header: ["policy", ...reports.map((r) => r.policy)],
    align: ["left", ...reports.map(() => "right" as const)],
    rows: rows.map(([label, value]) => [label, ...reports.map(value)]),
  })}\n`;
}

export function sweepText(points: SweepPoint[], bound: number): string {
  return `${textTable({
    header: ["capacity per worker (tokens)", "hit rate", "of the bound"],
    align: ["right", "right", "right"],
    rows: points.map((p) => [formatCount(p.capacityTokens), formatPercent(p.hitRate), formatPercent(bound > 0 ? p.hitRate / bound : 0, 1)]),
  })}\nbound (one unbounded cache): ${formatPercent(bound)}\n`;
}
