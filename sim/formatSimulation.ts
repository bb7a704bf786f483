import { formatCount, formatPercent, formatValue } from "../summary/numbers";
import { sloCondition } from "../summary/goodput";
import { textTable } from "../summary/table";
import type { SplitPoint } from "./splitSweep";
import type { Percentiles, SimulationReport, SweepPoint } from "./traceSimulation";

type Row = (report: SimulationReport) => string;

const maxMean = ({ max, mean }: { max: number; mean: number }) => `${formatCount(max)} / ${formatCount(mean)}`;

/** One column per simulated policy, side by side. */
export function simulationText(reports: SimulationReport[]): string {
  const ms = (value: number | undefined) => (value === undefined ? "–" : formatValue(value, value < 100 ? 1 : 0));
  const percentileRows = (label: string, pick: (r: SimulationReport) => Percentiles | null): [string, Row][] => [
    [`${label}, p50 / p90 / p99 (ms)`, (r) => [50, 90, 99].map((p) => ms(pick(r)?.[`p${p}` as "p50"])).join(" / ")],
  ];
  const rows: [string, Row][] = [
    ["workers routed to", (r) => formatCount(r.workers)],
    ["decode workers", (r) => (r.decodeWorkers > 0 ? formatCount(r.decodeWorkers) : "–")],
    ...percentileRows("predicted TTFT", (r) => r.latency.timeToFirstToken),
    ...percentileRows("predicted ITL", (r) => r.latency.interTokenLatency),
    ...percentileRows("predicted request latency", (r) => r.latency.requestLatency),
    ["predicted goodput", (r) => (r.goodput ? formatPercent(r.goodput.fraction) : "–")],
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
  const table = textTable({
    header: ["policy", ...reports.map((r) => r.policy)],
    align: ["left", ...reports.map(() => "right" as const)],
    rows: rows.map(([label, value]) => [label, ...reports.map(value)]),
  });
  const slos = reports.find((r) => r.goodput)?.goodput?.slos;
  const goodput = slos
    ? `goodput: requests that meet ${Object.entries(slos)
        .map(([metric, threshold]) => sloCondition(metric, threshold))
        .join(" and ")}`
    : "goodput: not predicted; the SLOs name a metric the simulation does not predict";
  return `${table}\n${goodput}\nengine timings: ${reports[0]?.perfModel ?? "–"}\n`;
}

export function sweepText(points: SweepPoint[], bound: number): string {
  return `${textTable({
    header: ["capacity per worker (tokens)", "hit rate", "of the bound"],
    align: ["right", "right", "right"],
    rows: points.map((p) => [formatCount(p.capacityTokens), formatPercent(p.hitRate), formatPercent(bound > 0 ? p.hitRate / bound : 0, 1)]),
  })}\nbound (one unbounded cache): ${formatPercent(bound)}\n`;
}

/** One row per split: predicted TTFT, ITL and goodput, and the best one named. */
export function splitText(points: SplitPoint[], best: SplitPoint | undefined): string {
  const ms = (value: number | undefined) => (value === undefined ? "–" : formatValue(value, value < 100 ? 1 : 0));
  const table = textTable({
    header: ["split", "TTFT p50 / p90 (ms)", "ITL p50 / p90 (ms)", "goodput"],
    align: ["left", "right", "right", "right"],
    rows: points.map(({ split, report }) => [
      split === best?.split ? `${split.label} (best)` : split.label,
      `${ms(report.latency.timeToFirstToken.p50)} / ${ms(report.latency.timeToFirstToken.p90)}`,
      `${ms(report.latency.interTokenLatency?.p50)} / ${ms(report.latency.interTokenLatency?.p90)}`,
      report.goodput ? formatPercent(report.goodput.fraction) : "–",
    ]),
  });
  const verdict = best
    ? `best for the SLOs: ${best.split.label}, with ${formatPercent(best.report.goodput!.fraction)} of requests within them`
    : "goodput not predicted: the SLOs name a metric the simulation does not predict";
  return `${table}\n${verdict}\n`;
}
