import { existsSync, statSync } from "node:fs";
import { forEachRecord, readAggregate, type AggregateMetric, type RequestRecord } from "./aiperfFiles";
import { describe } from "./statistics";
import type { Slos } from "./goodput";
import { UserError } from "../userError";

export const SUMMARY_METRICS = [
  "time_to_first_token",
  "inter_token_latency",
  "request_latency",
  "input_sequence_length",
  "output_sequence_length",
] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

const STAT_KEYS = ["avg", "min", "max", "std", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"] as const;
type StatKey = (typeof STAT_KEYS)[number];

export type MetricSummary = { unit: string } & Record<StatKey, number | null>;

/** One run, in the shape `summarize --json` prints. */
export interface RunSummary {
  requests: { total: number; succeeded: number; failed: number; skippedLines: number };
  /** First request start to last request end. */
  durationSeconds: number | null;
  metrics: Record<SummaryMetric, MetricSummary | null>;
  goodput: { slos: Slos; goodRequests: number; fraction: number };
}

/** How a summary was made, for the human form. */
export interface SummaryProvenance {
  metricsFrom: "aiperf's aggregate" | "the per-request records";
  skippedLineNumbers: number[];
}

export class SummaryError extends UserError {}

const NS_PER_SECOND = 1e9;

function aggregateSummary(metric: AggregateMetric): MetricSummary {
  const summary = { unit: metric.unit } as MetricSummary;
  for (const key of STAT_KEYS) summary[key] = metric[key] ?? null;
  return summary;
}

function isGood(record: RequestRecord, slos: Slos): boolean {
  if (record.error) return false;
  return Object.entries(slos).every(([metric, threshold]) => {
    const value = record.metrics?.[metric]?.value;
    return typeof value === "number" && value <= threshold;
  });
}

/** Counts, durations, goodput and (where needed) metric values, in one pass over the records. */
class RecordTally {
  total = 0;
  succeeded = 0;
  failed = 0;
  goodRequests = 0;
  firstStartNs = Infinity;
  lastEndNs = -Infinity;
  readonly values = new Map<SummaryMetric, number[]>();
  readonly units = new Map<SummaryMetric, string>();

  constructor(
    private readonly slos: Slos,
    metricsToCollect: SummaryMetric[],
  ) {
    for (const metric of metricsToCollect) this.values.set(metric, []);
  }

  add(record: RequestRecord): void {
    if (record.metadata.benchmark_phase !== undefined && record.metadata.benchmark_phase !== "profiling") return;
    this.total++;
    this.firstStartNs = Math.min(this.firstStartNs, record.metadata.request_start_ns);
    if (record.metadata.request_end_ns != null) this.lastEndNs = Math.max(this.lastEndNs, record.metadata.request_end_ns);
    if (record.error) {
      this.failed++;
      return;
    }
    this.succeeded++;
    if (isGood(record, this.slos)) this.goodRequests++;
    for (const [metric, values] of this.values) {
      const measured = record.metrics?.[metric];
      if (measured && typeof measured.value === "number") {
        values.push(measured.value);
        this.units.set(metric, measured.unit);
      }
    }
  }

  metric(metric: SummaryMetric): MetricSummary | null {
    const values = this.values.get(metric);
    if (!values || values.length === 0) return null;
    return { unit: this.units.get(metric)!, ...describe(values) };
  }
}

/**
 * Summarizes one aiperf artifact directory. Metrics come from aiperf's own aggregate when it is
 * there, and are computed from the records otherwise (a run that died writes no aggregate); counts,
 * duration and goodput come from the records whenever they exist.
 */
export async function summarizeRun(dir: string, slos: Slos): Promise<{ summary: RunSummary; provenance: SummaryProvenance }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SummaryError(`${dir}: no such directory`);
  const aggregate = readAggregate(dir);
  const fromAggregate = new Map(SUMMARY_METRICS.map((metric) => [metric, aggregate?.metric(metric)]));
  const needValues = SUMMARY_METRICS.filter((metric) => !fromAggregate.get(metric));
  const tally = new RecordTally(slos, needValues);
  const read = await forEachRecord(dir, (record) => tally.add(record));

  if (!read && !aggregate) {
    throw new SummaryError(`${dir}: neither profile_export.jsonl nor profile_export_aiperf.json is there; is it an aiperf artifact directory?`);
  }
  const metrics = Object.fromEntries(
    SUMMARY_METRICS.map((metric) => {
      const fromFile = fromAggregate.get(metric);
      return [metric, fromFile ? aggregateSummary(fromFile) : tally.metric(metric)];
    }),
  ) as Record<SummaryMetric, MetricSummary | null>;

  let requests: RunSummary["requests"];
  let durationSeconds: number | null;
  let goodRequests: number;
  if (read) {
    requests = { total: tally.total, succeeded: tally.succeeded, failed: tally.failed, skippedLines: read.skippedLines.length };
    durationSeconds = tally.total > 0 && tally.lastEndNs > -Infinity ? (tally.lastEndNs - tally.firstStartNs) / NS_PER_SECOND : null;
    goodRequests = tally.goodRequests;
  } else {
    const succeeded = aggregate!.metric("request_count")?.avg ?? 0;
    const failed = aggregate!.metric("error_request_count")?.avg ?? 0;
    requests = { total: succeeded + failed, succeeded, failed, skippedLines: 0 };
    durationSeconds = aggregate!.metric("benchmark_duration")?.avg ?? null;
    goodRequests = aggregate!.metric("good_request_count")?.avg ?? 0;
  }
  if (requests.total === 0) throw new SummaryError(`${dir}: the run has no requests`);

  return {
    summary: {
      requests,
      durationSeconds,
      metrics,
      goodput: { slos, goodRequests, fraction: goodRequests / requests.total },
    },
    provenance: {
      metricsFrom: needValues.length === 0 ? "aiperf's aggregate" : "the per-request records",
      skippedLineNumbers: read?.skippedLines ?? [],
    },
  };
}
