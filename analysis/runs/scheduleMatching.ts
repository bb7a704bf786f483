import { forEachRecord, RECORDS_FILE } from "../summary/aiperfFiles";
import { inMilliseconds } from "../summary/timeUnits";
import { implausibility, NO_IMPLAUSIBLE_RECORDS, SeenRecords } from "../summary/recordPlausibility";
import type { ImplausibleRecords } from "../summary/resultsSchema";

export { RECORDS_FILE };

/** A request of the fixed schedule: a trace line, or a prediction of one. */
export interface ScheduledRequest {
  /** ms from the trace's start. */
  timestamp: number;
  input_length: number;
}

/** Records whose input length is off the trace request's by more than this are not the same request. */
export const SAME_LENGTH = 0.1;

/** One aiperf record of the profiling phase, as the fit reads it. */
export interface MeasuredRecord {
  startNs: number;
  inputTokens: number | undefined;
  ttftMs: number | undefined;
  itlMs: number | undefined;
}

/** What measuredRecords read: the records, and what it left out, counted. */
export interface MeasuredRecords {
  records: MeasuredRecord[];
  skippedLines: number;
  /** Metrics in no unit that converts to the one the fit reads. */
  unknownUnits: number;
  /** Records that cannot be real measurements, by why, as the summary counts them. */
  implausible: Required<ImplausibleRecords>;
}

/**
 * The records of the profiling phase, by start. Lines that are not records, metrics in no known unit, and records that
 * cannot be real measurements (judged as the summary judges them: a repeat, a negative or impossible time) are left out
 * and counted.
 */
export async function measuredRecords(dir: string): Promise<MeasuredRecords> {
  const records: MeasuredRecord[] = [];
  const implausible = { ...NO_IMPLAUSIBLE_RECORDS };
  const seen = new SeenRecords();
  let unknownUnits = 0;
  const metric = (value: { value: unknown; unit: string } | undefined, unit: string) => {
    if (value === undefined) return undefined;
    if (value.unit !== unit) {
      unknownUnits++;
      return undefined;
    }
    return typeof value.value === "number" ? value.value : undefined;
  };
  const read = await forEachRecord(dir, (record) => {
    if (record.metadata.benchmark_phase !== undefined && record.metadata.benchmark_phase !== "profiling") return;
    inMilliseconds(record);
    const reason = seen.isRepeat(record) ? "duplicate" : implausibility(record);
    if (reason) {
      implausible[reason]++;
      return;
    }
    seen.add(record);
    const metrics = record.metrics ?? {};
    const ok = !record.error;
    records.push({
      startNs: record.metadata.request_start_ns,
      inputTokens: metric(metrics.input_sequence_length, "tokens"),
      ttftMs: ok ? metric(metrics.time_to_first_token, "ms") : undefined,
      itlMs: ok ? metric(metrics.inter_token_latency, "ms") : undefined,
    });
  });
  return {
    records: records.sort((a, b) => a.startNs - b.startNs),
    skippedLines: read?.skippedLines.length ?? 0,
    unknownUnits,
    implausible,
  };
}

/** How far a record's start may be from its request's place in the schedule: aiperf sends on time to within milliseconds. */
const SAME_TIME_MS = 1000;

/** The records and trace requests whose pairings are tried as the run's start: a few of each. */
const ANCHORS = 8;
/** How many records, from the first, an anchor is judged on. */
const ANCHOR_SAMPLE = 256;

/**
 * Each record's trace request: the one at its place in the fixed schedule, within a second, whose
 * input length is closest and within 10%. The schedule's start is the pairing of one of the first
 * records with one of the first requests that matches the most records: so a record that failed
 * to be written leaves its request unmatched, not every later one shifted, even the first.
 */
export function matchRecords(records: MeasuredRecord[], requests: readonly ScheduledRequest[]): (number | undefined)[] {
  if (records.length === 0 || requests.length === 0) return records.map(() => undefined);
  const sample = records.slice(0, ANCHOR_SAMPLE);
  let bestOffset = records[0].startNs / 1e6 - requests[0].timestamp;
  let bestMatched = -1;
  for (const record of records.slice(0, ANCHORS)) {
    for (const request of requests.slice(0, ANCHORS)) {
      const offset = record.startNs / 1e6 - request.timestamp;
      const matched = matchAt(sample, requests, offset).filter((match) => match !== undefined).length;
      if (matched > bestMatched) [bestOffset, bestMatched] = [offset, matched];
    }
  }
  return matchAt(records, requests, bestOffset);
}

/** The matches when the run's clock, in ms, is the trace's timestamps plus `offsetMs`. */
function matchAt(records: MeasuredRecord[], requests: readonly ScheduledRequest[], offsetMs: number): (number | undefined)[] {
  const used = new Uint8Array(requests.length);
  let first = 0;
  return records.map((record) => {
    const at = record.startNs / 1e6 - offsetMs;
    while (first < requests.length && (used[first] || requests[first].timestamp < at - SAME_TIME_MS)) first++;
    let best: number | undefined;
    let bestScore = Infinity;
    for (let i = first; i < requests.length && requests[i].timestamp <= at + SAME_TIME_MS; i++) {
      if (used[i] || requests[i].timestamp < at - SAME_TIME_MS) continue;
      const want = requests[i].input_length;
      const lengthOff = record.inputTokens === undefined ? 0 : Math.abs(record.inputTokens - want) / Math.max(1, want);
      if (lengthOff > SAME_LENGTH) continue;
      const score = lengthOff * SAME_TIME_MS + Math.abs(requests[i].timestamp - at) / SAME_TIME_MS;
      if (score < bestScore) [best, bestScore] = [i, score];
    }
    if (best !== undefined) used[best] = 1;
    return best;
  });
}
