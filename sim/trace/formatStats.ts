import { formatCount, formatPercent, formatValue } from "../../lib/numbers";
import { textTable } from "../../lib/table";
import type { TraceStats } from "./traceStats";

export function traceStatsText(stats: TraceStats): string {
  const range = ({ avg, min, max }: { avg: number; min: number; max: number }) =>
    `${formatValue(avg)} / ${formatCount(min)} / ${formatCount(max)}`;
  const { blocks } = stats;
  const rows = [
    ["requests", formatCount(stats.requests)],
    ["duration", `${formatValue(stats.durationSeconds, 3)} s`],
    ["request rate", `${formatValue(stats.requestRate, 3)} req/s`],
    ["input tokens per second", formatValue(stats.inputTokensPerSecond, 1)],
    ["input length avg / min / max", range(stats.inputLength)],
    ["output length avg / min / max", range(stats.outputLength)],
    ["unique blocks", formatCount(blocks.unique)],
    ["reused blocks", `${formatCount(blocks.reused)} (${formatPercent(blocks.reusedFraction, 1)} of unique)`],
    ["block references", formatCount(blocks.references)],
    ["repeats", formatCount(blocks.repeats)],
    ["cache efficiency", `${formatPercent(blocks.cacheEfficiency)} (the hit rate of one unbounded prefix cache)`],
  ];
  const table = `${textTable({ header: ["figure", "value"], align: ["left", "left"], rows })}\n`;
  if (blocks.countMismatches === 0) return table;
  return (
    `${table}warning: ${formatCount(blocks.countMismatches)} of ${formatCount(stats.requests)} request(s) have a number of hash_ids ` +
    `other than ceil(input_length / 512), one per 512-token block; their block figures may not match their tokens\n`
  );
}
