import { existsSync, statSync } from "node:fs";
import { forEachRecord, readAggregate, type AggregateMetric, type RequestRecord } from "./aiperfFiles";
import { describe } from "./statistics";
import { meetsSlo, type Slos } from "./goodput";
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

/** Records that cannot be a real measurement: left out of every figure, and counted here. */
export interface ImplausibleRecords {
  /** The same request id as an earlier record. */
  duplicate: number;
  /** request_end_ns before request_start_ns. */
  endBeforeStart: number;
  /** A time (ms, s…) below zero. */
  negativeTime: number;
  /** A metric in another unit than the run's other records give it. */
  unitMismatch: number;
}

/** One run, in the shape `summarize --json` prints. */
export interface RunSummary {
  requests: { total: number; succeeded: number; failed: number; skippedLines: number; implausible?: ImplausibleRecords };
  /** First request start to last request end. */
  durationSeconds: number | null;
  metrics: Record<SummaryMetric, MetricSummary | null>;
  /** Counted from the per-request records; null without them, since aiperf's own count used its own SLOs. */
  goodput: { slos: Slos; goodRequests: number | null; fraction: number | null };
}

/** How a summary was made, for the human form. */
export interface SummaryProvenance {
  metricsFrom: "aiperf's aggregate" | "the per-request records" | "aiperf's aggregate, and the per-request records for the rest";
  skippedLineNumbers: number[];
}

export class SummaryError extends UserError {}

const NS_PER_SECOND = 1e9;

function aggregateSummary(metric: AggregateMetric): MetricSummary {
  const summary = { unit: metric.unit } as MetricSummary;
  for (const key of STAT_KEYS) summary[key] = metric[key] ?? null;
  return summary;
}

/** Good when it meets every SLO; a metric it has no value for (aiperf writes NaN as null) is not met. */
function isGood(record: RequestRecord, slos: Slos): boolean {
  if (record.error) return false;
  return Object.entries(slos).every(([metric, threshold]) => {
    const value = record.metrics?.[metric]?.value;
    return typeof value === "number" && meetsSlo(metric, value, threshold);
  });
}

const TIME_UNITS = new Set(["ns", "us", "ms", "sec", "s"]);

function isNegativeTime(unit: string, value: number | number[] | null): boolean {
  if (!TIME_UNITS.has(unit)) return false;
  return typeof value === "number" ? value < 0 : Array.isArray(value) && value.some((v) => v < 0);
}

/** Counts, durations, goodput and (where needed) metric values, in one pass over the records. */
class RecordTally {
  total = 0;
  succeeded = 0;
  failed = 0;
  goodRequests = 0;
  firstStartNs = Infinity;
  lastEndNs = -Infinity;
  readonly implausible: ImplausibleRecords = { duplicate: 0, endBeforeStart: 0, negativeTime: 0, unitMismatch: 0 };
  readonly values = new Map<SummaryMetric, number[]>();
  /** Each metric's unit, as the first plausible record gives it. */
  readonly units = new Map<string, string>();
  private readonly requestIds = new Set<string>();

  constructor(
    private readonly slos: Slos,
    metricsToCollect: SummaryMetric[],
  ) {
    for (const metric of metricsToCollect) this.values.set(metric, []);
  }


  /** Why a record cannot be a real measurement, if it cannot. */
  private implausibility(record: RequestRecord): keyof ImplausibleRecords | undefined {
    const { x_request_id: id, request_start_ns: start, request_end_ns: end } = record.metadata;
    if (id !== undefined && this.requestIds.has(id)) return "duplicate";
    if (end != null && end < start) return "endBeforeStart";
    const metrics = record.metrics ?? {};
    let mismatch = false;
    for (const tag in metrics) {
      const { unit, value } = metrics[tag];
      if (isNegativeTime(unit, value)) return "negativeTime";
      const known = this.units.get(tag);
      if (known !== undefined && known !== unit) mismatch = true;
    }
    return mismatch ? "unitMismatch" : undefined;
  }

  add(record: RequestRecord): void {
    if (record.metadata.benchmark_phase !== undefined && record.metadata.benchmark_phase !== "profiling") return;
    const reason = this.implausibility(record);
    if (reason) {
      this.implausible[reason]++;
      return;
    }
    if (record.metadata.x_request_id !== undefined) this.requestIds.add(record.metadata.x_request_id);
    const metrics = record.metrics ?? {};
    for (const tag in metrics) if (!this.units.has(tag)) this.units.set(tag, metrics[tag].unit);
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
      if (measured && typeof measured.value === "number") values.push(measured.value);
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
 * there, and are computed from the records otherwise (a run that died writes no aggregate, and
 * aiperf's aggregate counts records that cannot be real measurements); counts, duration and
 * goodput come from the records whenever they exist.
 */
export async function summarizeRun(dir: string, slos: Slos): Promise<{ summary: RunSummary; provenance: SummaryProvenance }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SummaryError(`${dir}: no such directory`);
  const aggregate = readAggregate(dir);
  const tally = new RecordTally(slos, [...SUMMARY_METRICS]);
  const read = await forEachRecord(dir, (record) => tally.add(record));
  if (!read && !aggregate) {
    throw new SummaryError(`${dir}: neither profile_export.jsonl nor profile_export_aiperf.json is there; is it an aiperf artifact directory?`);
  }
  const implausible = Object.values(tally.implausible).reduce((sum, count) => sum + count, 0);
  // aiperf's aggregate counts every record, implausible ones too: then the records' own figures are the true ones.
  const fromAggregate = (metric: SummaryMetric) => (read && implausible > 0 ? undefined : aggregate?.metric(metric));
  const metrics = Object.fromEntries(
    SUMMARY_METRICS.map((metric) => {
      const fromFile = fromAggregate(metric);
      return [metric, fromFile ? aggregateSummary(fromFile) : tally.metric(metric)];
    }),
  ) as Record<SummaryMetric, MetricSummary | null>;
  const fromRecords = read ? SUMMARY_METRICS.filter((metric) => !fromAggregate(metric)).length : 0;

  let requests: RunSummary["requests"];
  let durationSeconds: number | null;
  let goodRequests: number | null;
  if (read) {
    requests = {
      total: tally.total,
      succeeded: tally.succeeded,
      failed: tally.failed,
      skippedLines: read.skippedLines.length,
      implausible: { ...tally.implausible },
    };
    durationSeconds = tally.total > 0 && tally.lastEndNs > -Infinity ? (tally.lastEndNs - tally.firstStartNs) / NS_PER_SECOND : null;
    goodRequests = tally.goodRequests;
  } else {
    const succeeded = aggregate!.metric("request_count")?.avg ?? 0;
    const failed = aggregate!.metric("error_request_count")?.avg ?? 0;
    requests = { total: succeeded + failed, succeeded, failed, skippedLines: 0 };
    durationSeconds = aggregate!.metric("benchmark_duration")?.avg ?? null;
    goodRequests = null;
  }
  if (requests.total === 0 && implausible === 0) throw new SummaryError(`${dir}: the run has no requests`);

  return {
    summary: {
      requests,
      durationSeconds,
      metrics,
      goodput: { slos, goodRequests, fraction: goodRequests === null || requests.total === 0 ? null : goodRequests / requests.total },
    },
    provenance: {
      metricsFrom:
        fromRecords === 0 ? "aiperf's aggregate" : !aggregate || implausible > 0 ? "the per-request records" : "aiperf's aggregate, and the per-request records for the rest",
      skippedLineNumbers: read?.skippedLines ?? [],
    },
  };
}
