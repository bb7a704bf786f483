import { formatCount, formatValue } from "../../lib/numbers";
import type { Table } from "../../lib/table";
import { REQUEST_METRICS, type RequestErrors, type Spread } from "./requestErrors";
import { implausibleText } from "../summary/recordPlausibility";

interface JoinedRun {
  label: string;
  requestErrors?: RequestErrors;
}

const NAMES = { time_to_first_token: "TTFT", inter_token_latency: "ITL" } as const;

const signed = (ms: number) => `${ms > 0 ? "+" : ""}${formatValue(ms)}`;
const cells = (spread: Spread | null, format: (value: number) => string) =>
  spread ? [format(spread.p10), format(spread.p50), format(spread.p90)] : ["n/a", "n/a", "n/a"];

/** Per run with a per-request prediction: the p10, p50 and p90 of predicted − measured, and of predicted / measured. */
export function requestErrorsTable(runs: JoinedRun[]): Table | undefined {
  const rows: string[][] = [];
  for (const run of runs) {
    if (!run.requestErrors) continue;
    for (const metric of REQUEST_METRICS) {
      const errors = run.requestErrors.metrics[metric];
      rows.push([
        run.label,
        NAMES[metric],
        formatCount(errors?.requests ?? 0),
        ...cells(errors?.differenceMs ?? null, signed),
        ...cells(errors?.ratio ?? null, (ratio) => `${formatValue(ratio, 3)}×`),
      ]);
    }
  }
  if (rows.length === 0) return undefined;
  return {
    header: ["run", "metric", "requests", "Δ p10 (ms)", "Δ p50 (ms)", "Δ p90 (ms)", "ratio p10", "ratio p50", "ratio p90"],
    align: ["left", "left", "right", "right", "right", "right", "right", "right", "right"],
    rows,
  };
}

/** The share of records left unmatched past which a run is not a replay of the prediction's trace, as `calibrate` judges. */
const UNMATCHED_RECORDS = 0.1;

const plural = (count: number, noun: string) => `${formatCount(count)} ${noun}${count === 1 ? "" : "s"}`;

/** The records the join left out, as the summary says it. */
function leftOut(label: string, errors: RequestErrors): string[] {
  const text = implausibleText(errors.implausible);
  return text ? [`${label}: left out ${text}`] : [];
}

/** `agg: 298 of 300 predicted requests matched one of 299 records; 2 predicted without a record, 1 record without a prediction`. */
export function requestMatchLines(runs: JoinedRun[]): string[] {
  return runs.flatMap(({ label, requestErrors: errors }) =>
    errors
      ? [
          `${label}: ${formatCount(errors.matched)} of ${plural(errors.predicted, "predicted request")} matched ` +
            `one of ${plural(errors.records, "record")}; ${formatCount(errors.predictedWithoutRecord)} predicted without a record, ` +
            `${plural(errors.recordsWithoutPrediction, "record")} without a prediction` +
            // calibrate refuses a run past this; here the figures are still shown, with the doubt beside them.
            (errors.recordsWithoutPrediction > errors.records * UNMATCHED_RECORDS
              ? ": over 10% of the records match no predicted request, so the prediction may be of another trace than the run replayed"
              : ""),
          ...leftOut(label, errors),
        ]
      : [],
  );
}
