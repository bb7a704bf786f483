import type { RequestRecord } from "./aiperfFiles";
import type { ImplausibleRecords } from "./resultsSchema";
import { formatCount } from "../../lib/numbers";

/** Why a record cannot be a real measurement: the keys of the summary's `requests.implausible`. */
export type Implausibility = keyof ImplausibleRecords;

export const NO_IMPLAUSIBLE_RECORDS: Required<ImplausibleRecords> = {
  duplicate: 0,
  badTimestamp: 0,
  endBeforeStart: 0,
  negativeValue: 0,
  unitMismatch: 0,
  notFinite: 0,
  longerThanRequest: 0,
  longerThanSpan: 0,
};

/** Each reason, as the count of records that it left out reads: `2 had a negative time or token count`. */
const REASONS: Record<Implausibility, string> = {
  duplicate: "repeated an earlier record (its request id or, without one, its start and end)",
  badTimestamp: "had a start or end that is no real time",
  endBeforeStart: "ended before they started",
  negativeValue: "had a negative time or token count",
  unitMismatch: "gave a metric in another unit",
  notFinite: "had a time or token count that is not a finite number",
  longerThanRequest: "had a time to first token or inter-token latency longer than the whole request",
  longerThanSpan: "had a latency longer than their own start to end (request_end_ns − request_start_ns)",
};

/** `3 record(s) that cannot be real measurements: 1 …, 2 …`, as what was left out; undefined when none was. */
export function implausibleText(counts: ImplausibleRecords | undefined): string | undefined {
  const left = Object.entries(counts ?? {}).filter((entry): entry is [Implausibility, number] => (entry[1] ?? 0) > 0);
  if (left.length === 0) return undefined;
  const total = left.reduce((sum, [, count]) => sum + count, 0);
  const reasons = left.map(([reason, count]) => `${formatCount(count)} ${REASONS[reason]}`).join(", ");
  return `${formatCount(total)} record(s) that cannot be real measurements: ${reasons}`;
}

/** A time (in ms by now) or a token count: what cannot be below zero, or infinite. */
const isTimeOrTokens = (unit: string) => unit === "ms" || unit === "tokens";

function some(value: number | number[] | null, test: (v: number) => boolean): boolean {
  return typeof value === "number" ? test(value) : Array.isArray(value) && value.some(test);
}

type Metrics = NonNullable<RequestRecord["metrics"]>;

/** A time in ms, when the record has one for `tag`. */
function msOf(metrics: Metrics, tag: string): number | undefined {
  const metric = metrics[tag];
  return metric?.unit === "ms" && typeof metric.value === "number" ? metric.value : undefined;
}

/** Whether `part` exceeds `whole`, past what converting units, and a timestamp's double, can round. */
const exceeds = (part: number, whole: number, slackMs: number) => part > whole * (1 + 1e-9) + slackMs;

/** Whether TTFT or ITL exceeds the request latency. */
function isLongerThanRequest(metrics: Metrics): boolean {
  const whole = msOf(metrics, "request_latency");
  if (whole === undefined) return false;
  return ["time_to_first_token", "inter_token_latency"].some((tag) => {
    const part = msOf(metrics, tag);
    return part !== undefined && exceeds(part, whole, 1e-6);
  });
}

/**
 * A double holds a timestamp of 2026 in ns to within 256 ns, so a start-to-end span is exact to about half a µs: a µs of
 * slack keeps every span aiperf wrote.
 */
const SPAN_SLACK_MS = 1e-3;

/**
 * Whether request latency, TTFT or ITL is longer than the record's own span. aiperf's request_end_ns is the start plus the
 * time to its last response, and request_latency the time to its last response with content, so never more
 * (src/aiperf/records/record_processor_service.py:220-250 and :291-296, src/aiperf/metrics/types/request_latency_metric.py:27-49,
 * yangligt2/aiperf @ c2f5e9d459005d362457716bbd865d247232fa30; the same at f9f5a441, 0.10.0); TTFT and ITL are parts of it.
 */
function isLongerThanSpan(record: RequestRecord, metrics: Metrics): boolean {
  const { request_start_ns: start, request_end_ns: end } = record.metadata;
  if (end == null) return false;
  const spanMs = (end - start) / 1e6;
  return ["request_latency", "time_to_first_token", "inter_token_latency"].some((tag) => {
    const value = msOf(metrics, tag);
    return value !== undefined && exceeds(value, spanMs, SPAN_SLACK_MS);
  });
}

/** aiperf's timestamps are nanoseconds since the epoch (time.time_ns): from 2000 to 2100, or not a real time. */
const EARLIEST_NS = 946_684_800e9;
const LATEST_NS = 4_102_444_800e9;

function isRealTime(ns: number): boolean {
  return ns >= EARLIEST_NS && ns < LATEST_NS;
}

/**
 * Why one record, its times in ms already, cannot be a real measurement by what it says of itself; undefined when it can.
 * Whether it repeats another, or gives a unit the others do not, is for the reader of the whole file to tell.
 */
export function implausibility(record: RequestRecord): Exclude<Implausibility, "duplicate" | "unitMismatch"> | undefined {
  const { request_start_ns: start, request_end_ns: end } = record.metadata;
  if (!isRealTime(start) || (end != null && !isRealTime(end))) return "badTimestamp";
  if (end != null && end < start) return "endBeforeStart";
  const metrics = record.metrics ?? {};
  for (const tag in metrics) {
    const { unit, value } = metrics[tag];
    if (isTimeOrTokens(unit) && some(value, (v) => !Number.isFinite(v))) return "notFinite";
    if (isTimeOrTokens(unit) && some(value, (v) => v < 0)) return "negativeValue";
  }
  if (isLongerThanRequest(metrics)) return "longerThanRequest";
  if (isLongerThanSpan(record, metrics)) return "longerThanSpan";
  return undefined;
}

/**
 * Records already seen, to tell a repeat: one with a request id seen before (aiperf draws a fresh uuid4 per request,
 * workers/worker.py), or one without an id whose start and end, to the ns, are an earlier record's: a file joined to a
 * copy of itself, with or without ids, counts each request once.
 */
export class SeenRecords {
  private readonly ids = new Set<string>();
  private readonly spans = new Set<string>();

  private static spanOf(record: RequestRecord): string {
    return `${record.metadata.request_start_ns}:${record.metadata.request_end_ns ?? ""}`;
  }

  isRepeat(record: RequestRecord): boolean {
    const id = record.metadata.x_request_id;
    return id !== undefined ? this.ids.has(id) : this.spans.has(SeenRecords.spanOf(record));
  }

  add(record: RequestRecord): void {
    const id = record.metadata.x_request_id;
    if (id !== undefined) this.ids.add(id);
    this.spans.add(SeenRecords.spanOf(record));
  }
}
