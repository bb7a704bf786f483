import { join } from "node:path";
import { forEachRecord, RECORDS_FILE, type RequestRecord } from "../summary/aiperfFiles";
import { isRegularFile } from "../../lib/regularFile";
import { percentile } from "../summary/statistics";
import { inMilliseconds } from "../summary/timeUnits";
import { implausibility, SeenRecords } from "../summary/recordPlausibility";

export const CDF_METRICS = ["time_to_first_token", "inter_token_latency"] as const;
export type CdfMetric = (typeof CDF_METRICS)[number];

/** A run's CDF of one metric: (value in ms, fraction of requests at or below it). */
export interface RequestCdf {
  points: [number, number][];
  /** The requests it is drawn from. */
  requests: number;
}

export type RequestCdfs = Partial<Record<CdfMetric, RequestCdf>>;

/** Enough for a smooth curve at chart width, few enough to keep the SVG small. */
export const CDF_POINTS = 300;

/** A time in ms, as the summary gives it; undefined when the record has none. */
function milliseconds(record: RequestRecord, metric: CdfMetric): number | undefined {
  const measured = record.metrics?.[metric];
  return measured?.unit === "ms" && typeof measured.value === "number" ? measured.value : undefined;
}

/** `count` evenly spaced quantiles of sorted values, from the min (0) to the max (1), or every value if there are fewer. */
export function quantilePoints(sorted: ArrayLike<number>, count = CDF_POINTS): [number, number][] {
  const n = Math.min(count, sorted.length);
  if (n === 0) return [];
  if (n === 1) return [[sorted[0], 1]];
  return Array.from({ length: n }, (_, i) => {
    const fraction = i / (n - 1);
    return [percentile(sorted, fraction * 100), fraction];
  });
}

/**
 * Each run's TTFT and ITL per request, from an aiperf artifact directory's profile_export.jsonl,
 * thinned to CDF_POINTS quantiles. The file is streamed; only the two numbers per request are kept.
 * Counted as the summary counts: the profiling phase, successful requests, each request once, none that cannot be a
 * real measurement.
 * Undefined when the directory has no records file.
 */
export async function readRequestCdfs(dir: string): Promise<RequestCdfs | undefined> {
  if (!isRegularFile(join(dir, RECORDS_FILE))) return undefined;
  const values: Record<CdfMetric, number[]> = { time_to_first_token: [], inter_token_latency: [] };
  const seen = new SeenRecords();
  await forEachRecord(dir, (record) => {
    if (record.metadata.benchmark_phase !== undefined && record.metadata.benchmark_phase !== "profiling") return;
    inMilliseconds(record);
    if (seen.isRepeat(record) || implausibility(record)) return;
    seen.add(record);
    if (record.error) return;
    for (const metric of CDF_METRICS) {
      const ms = milliseconds(record, metric);
      if (ms !== undefined) values[metric].push(ms);
    }
  });
  const cdfs: RequestCdfs = {};
  for (const metric of CDF_METRICS) {
    if (values[metric].length === 0) continue;
    const sorted = Float64Array.from(values[metric]).sort();
    cdfs[metric] = { points: quantilePoints(sorted), requests: sorted.length };
  }
  return cdfs;
}
