import { join } from "node:path";
import { entryAt } from "../../lib/regularFile";
import { UserError } from "../../lib/userError";
import { percentile } from "../summary/statistics";
import { matchRecords, measuredRecords, RECORDS_FILE } from "../runs/scheduleMatching";
import { readPredictedRequests } from "../runs/predictedRequestsFile";
import type { ImplausibleRecords } from "../summary/resultsSchema";

export const REQUEST_METRICS = ["time_to_first_token", "inter_token_latency"] as const;
export type RequestMetric = (typeof REQUEST_METRICS)[number];

export interface Spread {
  p10: number;
  p50: number;
  p90: number;
}

/** How far the predictions of one metric are from what the same requests measured. */
export interface MetricErrors {
  /** Matched requests with both a measured and a predicted value. */
  requests: number;
  /** Predicted − measured, ms. */
  differenceMs: Spread;
  /** Predicted / measured, of the requests that measured above 0. */
  ratio: Spread | null;
}

/** A per-request prediction joined to a run's records: how many matched, and the errors. */
export interface RequestErrors {
  /** The `--requests-out` file. */
  file: string;
  predicted: number;
  /** The run's records of the profiling phase. */
  records: number;
  matched: number;
  /** Predicted requests no record matched: not sent, cut by the schedule's end, or a record aiperf did not write. */
  predictedWithoutRecord: number;
  /** Records no predicted request matched: a request that is not in the prediction's trace. */
  recordsWithoutPrediction: number;
  /** Records left out as no real measurement (a repeat, a negative or impossible time), by why, as the summary counts them. */
  implausible: ImplausibleRecords;
  metrics: Record<RequestMetric, MetricErrors | null>;
}

/** Each matched request's (measured, predicted) value, ms, in schedule order. */
export type RequestPairs = Record<RequestMetric, [number, number][]>;

function spread(values: number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  return { p10: percentile(sorted, 10), p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

function metricErrors(pairs: [number, number][]): MetricErrors | null {
  if (pairs.length === 0) return null;
  const ratios = pairs.filter(([measured]) => measured > 0).map(([measured, predicted]) => predicted / measured);
  return {
    requests: pairs.length,
    differenceMs: spread(pairs.map(([measured, predicted]) => predicted - measured)),
    ratio: ratios.length > 0 ? spread(ratios) : null,
  };
}

/** The run's aiperf records: in its directory, or in the `artifacts/` that `pulumi up` names for it. */
function recordsDir(flag: string, dir: string): string {
  for (const candidate of [dir, join(dir, "artifacts")]) {
    try {
      if (entryAt(join(candidate, RECORDS_FILE)) === "file") return candidate;
    } catch (error) {
      throw new UserError(`${flag}: ${join(candidate, RECORDS_FILE)}: cannot read it (${(error as Error).message})`);
    }
  }
  throw new UserError(
    `${flag}: ${dir} holds no ${RECORDS_FILE}, in it or in artifacts/: a per-request prediction is compared with aiperf's records; ` +
      "give the run's artifact directory, or leave the flag out",
  );
}

/**
 * Joins a `simulate --requests-out` file to a run's records as `calibrate` does: each record to
 * the predicted request at its place in the fixed schedule, within a second, whose input length is
 * closest and within 10%, the schedule's start found from the first few records and requests.
 */
export async function joinRequests(flag: string, file: string, runDir: string): Promise<{ errors: RequestErrors; pairs: RequestPairs }> {
  const predicted = await readPredictedRequests(flag, file);
  const { records, implausible } = await measuredRecords(recordsDir(flag, runDir));
  const schedule = predicted.map(({ timestamp, inputLength }) => ({ timestamp, input_length: inputLength }));
  const matches = matchRecords(records, schedule);
  const pairs: RequestPairs = { time_to_first_token: [], inter_token_latency: [] };
  let matched = 0;
  for (const [i, match] of matches.entries()) {
    if (match === undefined) continue;
    matched++;
    const record = records[i];
    const prediction = predicted[match];
    if (record.ttftMs !== undefined) pairs.time_to_first_token.push([record.ttftMs, prediction.ttftMs]);
    if (record.itlMs !== undefined && prediction.itlMs !== null) pairs.inter_token_latency.push([record.itlMs, prediction.itlMs]);
  }
  const errors: RequestErrors = {
    file,
    predicted: predicted.length,
    records: records.length,
    matched,
    predictedWithoutRecord: predicted.length - matched,
    recordsWithoutPrediction: records.length - matched,
    implausible,
    metrics: { time_to_first_token: metricErrors(pairs.time_to_first_token), inter_token_latency: metricErrors(pairs.inter_token_latency) },
  };
  return { errors, pairs };
}
