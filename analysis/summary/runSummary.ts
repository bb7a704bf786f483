import { join } from "node:path";
import { notASearchableDirectory } from "../../lib/regularFile";
import {
  forEachRecord,
  readAggregate,
  RECORDS_FILE,
  type Aggregate,
  type AggregateMetric,
  type RecordsRead,
  type RequestRecord,
} from "./aiperfFiles";
import { formatCount } from "../../lib/numbers";
import { MAX_LINE_BYTES } from "../../lib/jsonLines";
import { describe } from "./statistics";
import { meetsSlo, SLO_METRICS, type Slos } from "../../domain/slos";
import { STAT_KEYS, statisticsProblem } from "./metricChecks";
import {
  parseRunSummary,
  SCHEMA_VERSION,
  SUMMARY_KIND,
  SUMMARY_METRICS,
  type ImplausibleRecords,
  type MetricSummary,
  type RunSummary,
  type SummaryMetric,
} from "./resultsSchema";
import { UserError } from "../../lib/userError";
import { readServerMetrics } from "./serverMetrics";
import { inMilliseconds, msPerUnit } from "./timeUnits";
import { implausibility, NO_IMPLAUSIBLE_RECORDS, SeenRecords } from "./recordPlausibility";

export { NO_IMPLAUSIBLE_RECORDS };

/** How a summary was made, for the human form. */
export interface SummaryProvenance {
  metricsFrom:
    | "aiperf's aggregate"
    | "the per-request records"
    | "aiperf's aggregate, and the per-request records for the rest"
    | "the run's saved summary.json";
  skippedLineNumbers: number[];
  /** SLO metrics that no request that succeeded has a value for: then goodput is not known. */
  unrecordedSloMetrics: string[];
  /**
   * What the duration is: the records' first start to last end, aiperf's own benchmark_duration for a run without
   * records, or what a saved summary.json gives.
   */
  durationFrom: "records" | "aggregate" | "summary.json";
  /** Why aiperf's aggregate, though there, gave no metric: it counts other requests than the records hold. */
  aggregateSetAside?: string;
}

export class SummaryError extends UserError {}

const NS_PER_SECOND = 1e9;

/**
 * A metric as aiperf's aggregate gives it, a time in ms as the records' are; refused if no run could give it, as
 * compare would refuse the summary.json.
 */
function aggregateSummary(metric: AggregateMetric, tag: SummaryMetric, dir: string): MetricSummary {
  const factor = msPerUnit(metric.unit) ?? 1;
  const summary = { unit: factor === 1 ? metric.unit : "ms" } as MetricSummary;
  for (const key of STAT_KEYS) summary[key] = typeof metric[key] === "number" ? metric[key] * factor : null;
  const wrong = statisticsProblem(summary);
  if (wrong) throw new SummaryError(`${dir}: aiperf's aggregate cannot be right: its ${tag}.${wrong.statistic} ${wrong.problem}`);
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

/** Counts, durations, goodput and (where needed) metric values, in one pass over the records. */
class RecordTally {
  total = 0;
  succeeded = 0;
  failed = 0;
  goodRequests = 0;
  firstStartNs = Infinity;
  lastEndNs = -Infinity;
  readonly implausible: Required<ImplausibleRecords> = { ...NO_IMPLAUSIBLE_RECORDS };
  /** The SLO metrics that some request that succeeded has a value for. */
  readonly recordedSloMetrics = new Set<string>();
  readonly values = new Map<SummaryMetric, number[]>();
  /** Each metric's unit, as the first plausible record gives it, times being in ms already. */
  readonly units = new Map<string, string>();
  private readonly seen = new SeenRecords();

  constructor(
    private readonly slos: Slos,
    metricsToCollect: SummaryMetric[],
    private readonly recordsPath: string,
  ) {
    for (const metric of metricsToCollect) this.values.set(metric, []);
  }

  /** A metric an SLO names, in a unit its threshold cannot be compared with, would fail it whatever its value: refused. */
  private checkSloUnits(record: RequestRecord): void {
    for (const metric in this.slos) {
      const measured = record.metrics?.[metric];
      const unit = SLO_METRICS[metric]?.unit;
      if (measured === undefined || unit === undefined || measured.unit === unit) continue;
      throw new SummaryError(
        `${this.recordsPath}: ${metric} is in ${JSON.stringify(measured.unit)}, which does not convert to the ${unit} its ` +
          "--goodput threshold is in, so goodput cannot be counted; " +
          `give the records in aiperf's units, or leave ${metric} out of --goodput`,
      );
    }
  }

  /** Why a record cannot be a real measurement, if it cannot. */
  private implausibility(record: RequestRecord): keyof ImplausibleRecords | undefined {
    if (this.seen.isRepeat(record)) return "duplicate";
    const reason = implausibility(record);
    if (reason) return reason;
    const metrics = record.metrics ?? {};
    for (const tag in metrics) {
      const known = this.units.get(tag);
      if (known !== undefined && known !== metrics[tag].unit) return "unitMismatch";
    }
    return undefined;
  }

  add(record: RequestRecord): void {
    if (record.metadata.benchmark_phase !== undefined && record.metadata.benchmark_phase !== "profiling") return;
    inMilliseconds(record);
    this.checkSloUnits(record);
    const reason = this.implausibility(record);
    if (reason) {
      this.implausible[reason]++;
      return;
    }
    this.seen.add(record);
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
    for (const metric in this.slos) if (typeof record.metrics?.[metric]?.value === "number") this.recordedSloMetrics.add(metric);
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

/** Why a run with records has no requests: its lines were skipped. */
function skippedNote(read: RecordsRead | undefined): string {
  const skipped = read?.skippedLines ?? [];
  if (skipped.length === 0) return "";
  const shown = skipped.slice(0, 5).join(", ") + (skipped.length > 5 ? ", …" : "");
  const maxMiB = MAX_LINE_BYTES / 2 ** 20;
  return ` (${RECORDS_FILE}: ${skipped.length} line(s) skipped as truncated, invalid or longer than ${maxMiB} MiB: line ${shown})`;
}

/**
 * Summarizes one aiperf artifact directory. Metrics come from aiperf's own aggregate when it is
 * there, and are computed from the records otherwise (a run that died writes no aggregate, and
 * aiperf's aggregate counts records that cannot be real measurements); counts, duration and
 * goodput come from the records whenever they exist. The summary is checked against the results
 * schema before anyone sees it.
 */
export async function summarizeRun(dir: string, slos: Slos): Promise<{ summary: RunSummary; provenance: SummaryProvenance }> {
  const notDirectory = notASearchableDirectory(dir);
  if (notDirectory) throw new SummaryError(`${dir}: ${notDirectory}`);
  const aggregate = readAggregate(dir);
  const tally = new RecordTally(slos, [...SUMMARY_METRICS], join(dir, RECORDS_FILE));
  const read = await forEachRecord(dir, (record) => tally.add(record));
  if (!read && !aggregate) {
    throw new SummaryError(
      `${dir}: neither profile_export.jsonl nor profile_export_aiperf.json is there; is it an aiperf artifact directory?`,
    );
  }
  const implausible = Object.values(tally.implausible).reduce((sum, count) => sum + count, 0);
  // Records that say nothing (an empty or corrupt file) leave the aggregate to speak for the run.
  const records = read && (tally.total > 0 || implausible > 0) ? read : undefined;
  if (!records && !aggregate) throw new SummaryError(`${dir}: the run has no requests${skippedNote(read)}`);
  // aiperf's aggregate counts every record, implausible ones too: then the records' own figures are the true ones.
  // One that counts other requests than the records hold is of another run, or of part of this one: the same.
  const setAside =
    records && aggregate && implausible === 0 ? otherRequests(aggregate, tally.total, records.skippedLines.length, dir) : undefined;
  const useRecords = records !== undefined && (implausible > 0 || setAside !== undefined);
  const fromAggregate = (metric: SummaryMetric) => (useRecords ? undefined : aggregate?.metric(metric));
  const metrics = Object.fromEntries(
    SUMMARY_METRICS.map((metric) => {
      const fromFile = fromAggregate(metric);
      return [metric, fromFile ? aggregateSummary(fromFile, metric, dir) : records ? tally.metric(metric) : null];
    }),
  ) as Record<SummaryMetric, MetricSummary | null>;
  const fromRecords = records ? SUMMARY_METRICS.filter((metric) => !fromAggregate(metric)).length : 0;

  let requests: RunSummary["requests"];
  let durationSeconds: number | null;
  let goodRequests: number | null;
  let unrecordedSloMetrics: string[] = [];
  if (records) {
    requests = {
      total: tally.total,
      succeeded: tally.succeeded,
      failed: tally.failed,
      skippedLines: records.skippedLines.length,
      implausible: { ...tally.implausible },
    };
    durationSeconds = tally.total > 0 && tally.lastEndNs > -Infinity ? (tally.lastEndNs - tally.firstStartNs) / NS_PER_SECOND : null;
    // A metric no request has would make every request fail its SLO: goodput 0%, which nothing measured.
    unrecordedSloMetrics = tally.succeeded > 0 ? Object.keys(slos).filter((metric) => !tally.recordedSloMetrics.has(metric)) : [];
    // Against no SLO every request would count as good: 100% of requests within nothing, which is not a goodput.
    goodRequests = unrecordedSloMetrics.length > 0 || Object.keys(slos).length === 0 ? null : tally.goodRequests;
  } else {
    const succeeded = aggregateCount(aggregate!, "request_count", dir);
    const failed = aggregateCount(aggregate!, "error_request_count", dir);
    requests = { total: succeeded + failed, succeeded, failed, skippedLines: read?.skippedLines.length ?? 0 };
    durationSeconds = aggregateDuration(aggregate!, dir);
    goodRequests = null;
  }
  if (requests.total === 0 && implausible === 0) throw new SummaryError(`${dir}: the run has no requests${skippedNote(read)}`);

  const checked = parseRunSummary({
    kind: SUMMARY_KIND,
    schemaVersion: SCHEMA_VERSION,
    ...(aggregate?.synthetic !== undefined ? { synthetic: aggregate.synthetic } : {}),
    requests,
    durationSeconds,
    metrics,
    goodput: { slos, goodRequests, fraction: goodRequests === null || requests.total === 0 ? null : goodRequests / requests.total },
    server: serverMetricsOf(dir),
  });
  if ("problem" in checked) throw new SummaryError(`${dir}: the summary of this run would not be valid: ${checked.problem}`);
  return {
    summary: checked.summary,
    provenance: {
      metricsFrom:
        fromRecords === 0
          ? "aiperf's aggregate"
          : !aggregate || useRecords
            ? "the per-request records"
            : "aiperf's aggregate, and the per-request records for the rest",
      skippedLineNumbers: read?.skippedLines ?? [],
      unrecordedSloMetrics,
      durationFrom: records ? "records" : "aggregate",
      ...(setAside !== undefined && { aggregateSetAside: setAside }),
    },
  };
}

/**
 * Why aiperf's aggregate is not a summary of these records, when it is not: it counts other requests than they hold
 * (request_count, the requests that succeeded, plus error_request_count; aiperf writes a count only when it is above
 * 0), or gives no count to tell. Lines of the records that could not be read may be requests it counted.
 */
function otherRequests(aggregate: Aggregate, records: number, unreadableLines: number, dir: string): string | undefined {
  if (aggregate.metric("request_count") === undefined && aggregate.metric("error_request_count") === undefined) {
    return `aiperf's aggregate gives no request_count to show it counts the same requests as the ${formatCount(records)} records`;
  }
  const succeeded = aggregateCount(aggregate, "request_count", dir);
  const failed = aggregateCount(aggregate, "error_request_count", dir);
  const counted = succeeded + failed;
  if (counted >= records && counted <= records + unreadableLines) return undefined;
  return (
    `aiperf's aggregate counts ${formatCount(counted)} requests (request_count ${formatCount(succeeded)} + ` +
    `error_request_count ${formatCount(failed)}), but ${RECORDS_FILE} holds ${formatCount(records)}` +
    (unreadableLines > 0 ? ` and ${formatCount(unreadableLines)} line(s) that could not be read` : "") +
    ": the aggregate is of other requests, another run's perhaps"
  );
}

/** The run's server metrics; a listing that cannot be read is a note in them, never the end of the summary. */
function serverMetricsOf(dir: string): ReturnType<typeof readServerMetrics> {
  try {
    return readServerMetrics(dir);
  } catch (error) {
    const note = `server-metrics: ${(error as Error).message}`;
    return {
      scrapes: 0,
      from: null,
      to: null,
      frontend: null,
      prefixCache: { queriedTokens: null, hitTokens: null, hitRate: null },
      workers: [],
      notes: [note],
    };
  }
}

/** aiperf's benchmark_duration, in seconds whatever unit it is in (aiperf writes sec); null when it is not there. */
function aggregateDuration(aggregate: Aggregate, dir: string): number | null {
  const duration = aggregate.metric("benchmark_duration");
  if (duration === undefined || duration.avg === undefined || duration.avg === null || duration.avg < 0) return null;
  const msPer = msPerUnit(duration.unit);
  if (msPer === undefined) {
    throw new SummaryError(
      `${dir}: aiperf's aggregate gives benchmark_duration in ${JSON.stringify(duration.unit)}, which is no unit of time`,
    );
  }
  return (duration.avg * msPer) / 1000;
}

/** A count from aiperf's aggregate (a scalar block, `avg` alone): absent is 0, and anything but a whole number ≥ 0 is refused. */
function aggregateCount(aggregate: Aggregate, tag: string, dir: string): number {
  const value = aggregate.metric(tag)?.avg ?? 0;
  if (!Number.isInteger(value) || value < 0) {
    throw new SummaryError(`${dir}: aiperf's aggregate gives ${tag} as ${value}, which is not a count of requests`);
  }
  return value;
}

/** What a summary read back from a saved summary.json can say of how it was made. */
export const SAVED_SUMMARY: SummaryProvenance = {
  metricsFrom: "the run's saved summary.json",
  skippedLineNumbers: [],
  unrecordedSloMetrics: [],
  durationFrom: "summary.json",
};
